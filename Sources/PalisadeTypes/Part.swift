import PalisadeCrypto
import PalisadeProto

/// One 64 KiB piece of a block's protobuf bytes, with the merkle proof that it belongs to the
/// part-set header a proposal named. Blocks travel as parts so a receiver can check each piece as
/// it arrives instead of trusting a whole block from one peer.
public struct Part: Sendable, Hashable {
    public var index: UInt32
    public var bytes: Bytes
    public var proof: Merkle.Proof

    public init(index: UInt32, bytes: Bytes, proof: Merkle.Proof) {
        self.index = index
        self.bytes = bytes
        self.proof = proof
    }

    /// CometBFT's `BlockPartSizeBytes`.
    public static let size = 65_536
    /// A proof deeper than this cannot come from a block within the size limit (CometBFT's `MaxAunts`).
    public static let maxAunts = 100

    public var proto: Tendermint_Types_Part {
        var p = Tendermint_Types_Part()
        p.index = index
        p.bytes = bytes.data
        p.proof.total = Int64(proof.total)
        p.proof.index = Int64(proof.index)
        p.proof.leafHash = proof.leafHash.data
        p.proof.aunts = proof.aunts.map(\.data)
        return p
    }

    static let fieldNames: [Int: String] = [1: "index", 2: "bytes", 3: "proof"]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_Part.self, from: bytes, message: "Part",
                                                     fieldNames: Self.fieldNames))
    }

    /// Checks the shape CometBFT's `Part.ValidateBasic` checks; membership is `PartSet.add`'s job.
    public init(proto p: Tendermint_Types_Part) throws(DecodingError) {
        let path = FieldPath(message: "Part")
        guard p.bytes.count <= Self.size else {
            throw path.child("bytes").error("\(p.bytes.count) bytes, more than \(Self.size)")
        }
        let proof = path.child("proof")
        guard p.proof.total >= 0, p.proof.total <= Int64(PartSet.maxParts) else {
            throw proof.child("total").error("\(p.proof.total) out of range")
        }
        guard p.proof.index >= 0, p.proof.index < max(p.proof.total, 1) else {
            throw proof.child("index").error("\(p.proof.index) out of range for total \(p.proof.total)")
        }
        guard p.proof.leafHash.count == SHA256Hash.size else {
            throw proof.child("leaf_hash").error("\(p.proof.leafHash.count) bytes, want \(SHA256Hash.size)")
        }
        guard p.proof.aunts.count <= Self.maxAunts else {
            throw proof.child("aunts").error("\(p.proof.aunts.count) aunts, more than \(Self.maxAunts)")
        }
        for (i, aunt) in p.proof.aunts.enumerated() where aunt.count != SHA256Hash.size {
            throw proof.child("aunts").index(i).error("\(aunt.count) bytes, want \(SHA256Hash.size)")
        }
        self.init(index: p.index, bytes: p.bytes.bytes,
                  proof: Merkle.Proof(total: Int(p.proof.total), index: Int(p.proof.index),
                                      leafHash: p.proof.leafHash.bytes, aunts: p.proof.aunts.map(\.bytes)))
    }
}
