import PalisadeABCI

/// What the apps' snapshot formats (`KVSnapshotFormat`, `StakingSnapshotFormat`) share:
///
/// - **Records.** A chunk is a run of `uvarint(len key) ‖ key ‖ uvarint(len value) ‖ value`
///   records in ascending key order across the whole snapshot. A chunk is closed once it reaches
///   `target` bytes, so it holds at most `target` plus one record, and two nodes with the same
///   state cut the same chunks: any peer's chunk of a snapshot can stand in for another's.
/// - **The chunk list** ends every metadata: `chunk count (4) ‖ SHA-256 of each chunk (32)*`. The
///   snapshot's hash is the SHA-256 of the metadata, so once the metadata is trusted each chunk is
///   checked as it arrives, and a corrupt one is fetched again from another peer.
///
/// Integers in metadata are big-endian.
enum SnapshotChunks {
    /// 1 MiB: a chunk and its envelope fit any peer message with room to spare.
    static let target = 1 << 20
    /// A snapshot naming more chunks than this (64 GiB of records) is refused before any is fetched.
    static let maxChunks = 65_536
    static let hashSize = 32

    /// Cuts records into chunks; they must be appended in ascending key order.
    struct Writer {
        private(set) var chunks: [Bytes] = []
        private var current = Bytes()

        mutating func append(key: Bytes, value: Bytes) {
            Varint.append(UInt64(key.count), to: &current)
            current += key
            Varint.append(UInt64(value.count), to: &current)
            current += value
            if current.count >= target { close() }
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

    /// The records of one chunk; nil for bytes that are not a whole number of records.
    static func records(in chunk: Bytes) -> [(key: Bytes, value: Bytes)]? {
        var records: [(key: Bytes, value: Bytes)] = []
        var offset = 0
        while offset < chunk.count {
            guard let key = field(chunk, &offset), let value = field(chunk, &offset) else { return nil }
            records.append((key, value))
        }
        return records
    }

    /// Appends the chunk list that ends a metadata.
    static func appendChunkList(hashing chunks: [Bytes], to out: inout Bytes) {
        appendBigEndian(UInt64(chunks.count), width: 4, to: &out)
        for chunk in chunks { out += SHA256Hash.digest(chunk) }
    }

    /// The chunk hashes of a metadata's chunk list, which starts at `offset` and must run to the
    /// end: nil for a list that is empty, longer than `maxChunks` or not exactly that long.
    static func chunkList(_ bytes: Bytes, from offset: Int) -> [Bytes]? {
        var offset = offset
        guard let count = readBigEndian(bytes, &offset, width: 4), count >= 1, count <= UInt64(maxChunks),
              bytes.count - offset == Int(count) * hashSize else { return nil }
        return stride(from: offset, to: bytes.count, by: hashSize).map { Array(bytes[$0..<($0 + hashSize)]) }
    }

    static func appendBigEndian(_ value: UInt64, width: Int, to out: inout Bytes) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// The `width`-byte big-endian integer at `offset`, which it moves past; nil past the end.
    static func readBigEndian(_ bytes: Bytes, _ offset: inout Int, width: Int) -> UInt64? {
        guard offset + width <= bytes.count else { return nil }
        var value: UInt64 = 0
        for byte in bytes[offset..<(offset + width)] { value = value << 8 | UInt64(byte) }
        offset += width
        return value
    }

    private static func field(_ bytes: Bytes, _ offset: inout Int) -> Bytes? {
        guard let (length, width) = Varint.read(bytes, at: offset),
              length <= UInt64(bytes.count - offset - width) else { return nil }
        let start = offset + width, end = start + Int(length)
        offset = end
        return Array(bytes[start..<end])
    }
}
