import PalisadeABCI

/// The kvstore's state-sync snapshot, format 1. A snapshot of height H holds the state after
/// block H: every pair, the validator set and the transaction count.
///
/// - **Chunks** carry the pairs in ascending key order, one `SnapshotChunks` record per pair
///   (`uvarint(len key) ‖ key ‖ uvarint(len value) ‖ value`), cut at `chunkTarget` bytes.
/// - **Metadata**: `size (8, big-endian) ‖ validator count (4) ‖ (pub key (32) ‖ power (8))* in
///   key order ‖ chunk count (4) ‖ SHA-256 of each chunk (32)*`.
/// - **Hash**: SHA-256 of the metadata. The metadata names every chunk's hash, so a chunk is
///   checked as it arrives; the restored tree's root must then equal the app hash of the
///   light-client-verified header, which is what makes the snapshot trustworthy at all.
public enum KVSnapshotFormat {
    public static let format: UInt32 = 1
    public static let chunkTarget = SnapshotChunks.target
    public static let maxChunks = SnapshotChunks.maxChunks
    static let validatorEntrySize = 32 + 8

    public struct Metadata: Sendable, Hashable {
        public var size: Int64
        public var validators: [Ed25519PublicKey: Int64]
        public var chunkHashes: [Bytes]
    }

    /// The metadata of a snapshot whose chunks are `chunks`.
    static func encode(size: Int64, validators: [Ed25519PublicKey: Int64], chunks: [Bytes]) -> Bytes {
        var out = Bytes()
        SnapshotChunks.appendBigEndian(UInt64(bitPattern: size), width: 8, to: &out)
        let sorted = validators.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }
        SnapshotChunks.appendBigEndian(UInt64(sorted.count), width: 4, to: &out)
        for (key, power) in sorted {
            out += key.bytes
            SnapshotChunks.appendBigEndian(UInt64(bitPattern: power), width: 8, to: &out)
        }
        SnapshotChunks.appendChunkList(hashing: chunks, to: &out)
        return out
    }

    static func decode(_ bytes: Bytes) -> Metadata? {
        var offset = 0
        guard let size = SnapshotChunks.readBigEndian(bytes, &offset, width: 8),
              let count = SnapshotChunks.readBigEndian(bytes, &offset, width: 4),
              count <= UInt64(bytes.count / validatorEntrySize) else { return nil }
        var validators: [Ed25519PublicKey: Int64] = [:]
        for _ in 0..<count {
            guard offset + 32 <= bytes.count, let key = Ed25519PublicKey(bytes: Array(bytes[offset..<(offset + 32)])) else {
                return nil
            }
            offset += 32
            guard let power = SnapshotChunks.readBigEndian(bytes, &offset, width: 8), validators[key] == nil else { return nil }
            validators[key] = Int64(bitPattern: power)
        }
        guard let hashes = SnapshotChunks.chunkList(bytes, from: offset) else { return nil }
        return Metadata(size: Int64(bitPattern: size), validators: validators, chunkHashes: hashes)
    }
}
