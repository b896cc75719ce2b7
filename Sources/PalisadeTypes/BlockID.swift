import PalisadeCrypto

/// The header of a block's part set: how many 64 KiB parts, and the merkle root over them.
public struct PartSetHeader: Sendable, Hashable {
    public var total: UInt32
    public var hash: Bytes

    public init(total: UInt32, hash: Bytes) {
        self.total = total
        self.hash = hash
    }

    public static let zero = PartSetHeader(total: 0, hash: [])
    public var isZero: Bool { total == 0 && hash.isEmpty }
}

/// Identifies a block: its header hash plus the part-set header it was gossiped as.
/// The zero `BlockID` is what a nil vote carries ("no block this round").
public struct BlockID: Sendable, Hashable, CustomStringConvertible {
    public var hash: Bytes
    public var partSetHeader: PartSetHeader

    public init(hash: Bytes, partSetHeader: PartSetHeader) {
        self.hash = hash
        self.partSetHeader = partSetHeader
    }

    public static let zero = BlockID(hash: [], partSetHeader: .zero)

    /// True for the nil vote's block ID.
    public var isZero: Bool { hash.isEmpty && partSetHeader.isZero }

    /// True when both hashes have SHA-256 length and there is at least one part: a real block.
    public var isComplete: Bool {
        hash.count == SHA256Hash.size && partSetHeader.total > 0 && partSetHeader.hash.count == SHA256Hash.size
    }

    public var description: String {
        isZero ? "nil" : "\(hash.upperHex.prefix(12)):\(partSetHeader.total):\(partSetHeader.hash.upperHex.prefix(12))"
    }
}
