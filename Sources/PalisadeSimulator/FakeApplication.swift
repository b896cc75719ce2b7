import PalisadeCrypto
import PalisadeTypes

/// The application every simulated node runs: it builds blocks (PrepareProposal) as opaque
/// block IDs and judges them (ProcessProposal). One registry is shared by all nodes, which is
/// what a deterministic app gives: every correct node judges a block the same way.
struct FakeApplication {
    let seed: UInt64
    private(set) var blocks: [BlockID: Block] = [:]

    struct Block {
        var height: Int64
        var round: Int32
        /// Validator index of the node that built it.
        var builder: Int
        /// The block's time: the builder's clock when it built it (becomes `lastBlockTime`).
        var time: Timestamp
        var valid: Bool
    }

    init(seed: UInt64) { self.seed = seed }

    /// The block a node builds for (height, round). `variant` separates a twin's or an
    /// equivocator's second block from the first; `valid` false makes a block every correct
    /// node must reject.
    mutating func build(height: Int64, round: Int32, builder: Int, variant: Int, time: Timestamp, valid: Bool) -> BlockID {
        var preimage = Bytes("palisade-sim-block".utf8)
        for word in [seed, UInt64(bitPattern: height), UInt64(UInt32(bitPattern: round)), UInt64(builder),
                     UInt64(variant), valid ? 1 : 0] {
            withUnsafeBytes(of: word.bigEndian) { preimage.append(contentsOf: $0) }
        }
        let hash = SHA256Hash.digest(preimage)
        let id = BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(hash)))
        if blocks[id] == nil {
            blocks[id] = Block(height: height, round: round, builder: builder, time: time, valid: valid)
        }
        return id
    }

    /// ProcessProposal: valid only for a block this app built for that height and did not mark bad.
    func isValid(_ id: BlockID, height: Int64) -> Bool {
        guard let block = blocks[id] else { return false }
        return block.valid && block.height == height
    }

    func block(_ id: BlockID) -> Block? { blocks[id] }
}
