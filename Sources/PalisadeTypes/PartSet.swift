import PalisadeCrypto

/// A block's protobuf bytes cut into `Part.size` pieces. The proposer builds a complete set with
/// `init(data:)`; a receiver starts from the proposal's header with `init(header:)` and adds parts
/// as peers gossip them, each checked against the header's merkle root before it is kept, until
/// the set is complete and `data` gives back the block's bytes.
public struct PartSet: Sendable, Hashable {
    public let header: PartSetHeader
    private var parts: [Part?]
    public private(set) var count: Int
    public private(set) var byteSize: Int

    /// CometBFT's `MaxBlockPartsCount`: enough parts for the largest block (100 MiB) plus one.
    public static let maxParts = 104_857_600 / Part.size + 1

    /// Splits `data` into `Part.size` parts and proves each (no parts at all for empty data, as in
    /// CometBFT; a block's bytes are never empty).
    public init(data: Bytes) {
        var chunks: [Bytes] = []
        var offset = 0
        while offset < data.count {
            let end = min(offset + Part.size, data.count)
            chunks.append(Bytes(data[offset..<end]))
            offset = end
        }
        let (root, proofs) = Merkle.proofs(chunks)
        header = PartSetHeader(total: UInt32(chunks.count), hash: root)
        parts = chunks.indices.map { Part(index: UInt32($0), bytes: chunks[$0], proof: proofs[$0]) }
        count = chunks.count
        byteSize = data.count
    }

    /// An empty set waiting for the parts of the block `header` names.
    public init(header: PartSetHeader) throws(DecodingError) {
        let path = FieldPath(message: "PartSetHeader")
        guard header.total > 0, header.total <= Self.maxParts else {
            throw path.child("total").error("\(header.total) parts, want 1...\(Self.maxParts)")
        }
        guard header.hash.count == SHA256Hash.size else {
            throw path.child("hash").error("\(header.hash.count) bytes, want \(SHA256Hash.size)")
        }
        self.header = header
        parts = Array(repeating: nil, count: Int(header.total))
        count = 0
        byteSize = 0
    }

    public var total: Int { parts.count }
    public var isComplete: Bool { count == parts.count }

    public func part(at index: Int) -> Part? { parts.indices.contains(index) ? parts[index] : nil }

    /// Which parts are held, for telling peers what to send.
    public var received: [Bool] { parts.map { $0 != nil } }

    /// Adds a gossiped part after checking it belongs here. Returns false for a part already held
    /// (a duplicate from another peer is normal, not an error); throws for a part that cannot be ours.
    @discardableResult
    public mutating func add(_ part: Part) throws(DecodingError) -> Bool {
        let path = FieldPath(message: "Part")
        let index = Int(part.index)
        guard index < parts.count else {
            throw path.child("index").error("\(index) beyond the set's \(parts.count) parts")
        }
        guard parts[index] == nil else { return false }
        // Every part but the last is full, so a valid proof with short bytes cannot hide a splice.
        let isLast = index == parts.count - 1
        guard part.bytes.count <= Part.size, isLast || part.bytes.count == Part.size else {
            throw path.child("bytes").error("\(part.bytes.count) bytes at index \(index) of \(parts.count)")
        }
        guard part.proof.index == index, part.proof.total == parts.count,
              part.proof.verify(root: header.hash, leaf: part.bytes) else {
            throw path.child("proof").error("does not prove part \(index) under \(header.hash.upperHex.prefix(12))")
        }
        parts[index] = part
        count += 1
        byteSize += part.bytes.count
        return true
    }

    /// The reassembled bytes once every part has arrived; nil before.
    public var data: Bytes? {
        guard isComplete else { return nil }
        var out = Bytes()
        out.reserveCapacity(byteSize)
        for part in parts {
            guard let part else { return nil }
            out.append(contentsOf: part.bytes)
        }
        return out
    }
}
