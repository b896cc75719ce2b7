import PalisadeABCI

/// The kvstore's state-sync snapshot, format 1. A snapshot of height H holds the state after
/// block H: every pair, the validator set and the transaction count.
///
/// - **Chunks** carry the pairs in ascending key order, each as `uvarint(len key) ‖ key ‖
///   uvarint(len value) ‖ value`. A chunk is closed once it reaches `chunkTarget` bytes, so a
///   chunk is at most `chunkTarget` plus one pair. Two nodes with the same state cut the same
///   chunks: any peer's chunk of a snapshot can stand in for another's.
/// - **Metadata**: `size (8, big-endian) ‖ validator count (4) ‖ (pub key (32) ‖ power (8))* in
///   key order ‖ chunk count (4) ‖ SHA-256 of each chunk (32)*`.
/// - **Hash**: SHA-256 of the metadata. The metadata names every chunk's hash, so a chunk is
///   checked as it arrives; the restored tree's root must then equal the app hash of the
///   light-client-verified header, which is what makes the snapshot trustworthy at all.
public enum KVSnapshotFormat {
    public static let format: UInt32 = 1
    /// 1 MiB: a chunk and its envelope fit any peer message with room to spare.
    public static let chunkTarget = 1 << 20
    /// A snapshot naming more chunks than this (64 GiB of pairs) is refused before any is fetched.
    public static let maxChunks = 65_536
    static let validatorEntrySize = 32 + 8

    public struct Metadata: Sendable, Hashable {
        public var size: Int64
        public var validators: [Ed25519PublicKey: Int64]
        public var chunkHashes: [Bytes]
    }

    /// Cuts sorted pairs into chunks. `pairs` must be in ascending key order.
    struct ChunkWriter {
        private(set) var chunks: [Bytes] = []
        private var current = Bytes()

        mutating func append(key: Bytes, value: Bytes) {
            Varint.append(UInt64(key.count), to: &current)
            current += key
            Varint.append(UInt64(value.count), to: &current)
            current += value
            if current.count >= chunkTarget { close() }
        }

        /// The chunks, the last one closed. An empty state is one empty chunk, so every snapshot
        /// has at least one chunk to fetch and apply.
        mutating func finish() -> [Bytes] {
            if !current.isEmpty || chunks.isEmpty { close() }
            return chunks
        }

        private mutating func close() {
            chunks.append(current)
            current = Bytes()
        }
    }

    /// The pairs of one chunk; nil for bytes that are not a whole number of records.
    static func pairs(in chunk: Bytes) -> [(key: Bytes, value: Bytes)]? {
        var pairs: [(key: Bytes, value: Bytes)] = []
        var offset = 0
        while offset < chunk.count {
            guard let key = field(chunk, &offset), let value = field(chunk, &offset) else { return nil }
            pairs.append((key, value))
        }
        return pairs
    }

    static func encode(_ metadata: Metadata) -> Bytes {
        var out = Bytes()
        appendBigEndian(UInt64(bitPattern: metadata.size), bytes: 8, to: &out)
        let validators = metadata.validators.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }
        appendBigEndian(UInt64(validators.count), bytes: 4, to: &out)
        for (key, power) in validators {
            out += key.bytes
            appendBigEndian(UInt64(bitPattern: power), bytes: 8, to: &out)
        }
        appendBigEndian(UInt64(metadata.chunkHashes.count), bytes: 4, to: &out)
        for hash in metadata.chunkHashes { out += hash }
        return out
    }

    static func decode(_ bytes: Bytes) -> Metadata? {
        var offset = 0
        guard let size = bigEndian(bytes, &offset, 8), let count = bigEndian(bytes, &offset, 4),
              count <= UInt64(bytes.count / validatorEntrySize) else { return nil }
        var validators: [Ed25519PublicKey: Int64] = [:]
        for _ in 0..<count {
            guard offset + 32 <= bytes.count, let key = Ed25519PublicKey(bytes: Array(bytes[offset..<(offset + 32)])) else {
                return nil
            }
            offset += 32
            guard let power = bigEndian(bytes, &offset, 8), validators[key] == nil else { return nil }
            validators[key] = Int64(bitPattern: power)
        }
        guard let chunks = bigEndian(bytes, &offset, 4), chunks >= 1, chunks <= UInt64(maxChunks),
              bytes.count - offset == Int(chunks) * 32 else { return nil }
        let hashes = stride(from: offset, to: bytes.count, by: 32).map { Array(bytes[$0..<($0 + 32)]) }
        return Metadata(size: Int64(bitPattern: size), validators: validators, chunkHashes: hashes)
    }

    private static func field(_ bytes: Bytes, _ offset: inout Int) -> Bytes? {
        guard let (length, width) = Varint.read(bytes, at: offset),
              length <= UInt64(bytes.count - offset - width) else { return nil }
        let start = offset + width, end = start + Int(length)
        offset = end
        return Array(bytes[start..<end])
    }

    private static func appendBigEndian(_ value: UInt64, bytes: Int, to out: inout Bytes) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func bigEndian(_ bytes: Bytes, _ offset: inout Int, _ width: Int) -> UInt64? {
        guard offset + width <= bytes.count else { return nil }
        var value: UInt64 = 0
        for byte in bytes[offset..<(offset + width)] { value = value << 8 | UInt64(byte) }
        offset += width
        return value
    }
}
