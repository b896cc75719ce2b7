import Foundation
import PalisadeABCI

/// Where an app keeps the snapshots it serves: one folder per height holding `metadata` and the
/// chunks `0`, `1`, … A snapshot is written under a temporary name, its files synced, and renamed
/// into place, so a folder with a height for a name is always whole; a crash mid-write leaves only
/// a temporary folder, removed at the next write. The kvstore and the staking app each have one.
public struct SnapshotDirectory: Sendable {
    public let path: String
    /// How many of the latest snapshots are kept (CometBFT's kvstore keeps a few recent ones).
    public let keepRecent: Int

    public init(path: String, keepRecent: Int = 2) {
        self.path = path
        self.keepRecent = max(1, keepRecent)
    }

    struct WriteError: Error, CustomStringConvertible { let description: String }

    /// Writes the snapshot of `height` and drops all but the `keepRecent` latest.
    func write(height: Int64, metadata: Bytes, chunks: [Bytes]) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        for name in try files.contentsOfDirectory(atPath: path) where name.hasPrefix("tmp-") {
            try? files.removeItem(atPath: path + "/" + name)
        }
        let temporary = path + "/tmp-\(height)"
        try files.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        try Self.writeSynced(metadata, to: temporary + "/metadata")
        for (index, chunk) in chunks.enumerated() { try Self.writeSynced(chunk, to: temporary + "/\(index)") }
        let final = path + "/\(height)"
        if files.fileExists(atPath: final) { try files.removeItem(atPath: final) }
        try files.moveItem(atPath: temporary, toPath: final)
        for old in heights().dropLast(keepRecent) { try? files.removeItem(atPath: path + "/\(old)") }
    }

    /// Stored heights, ascending.
    func heights() -> [Int64] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).compactMap { Int64($0) }.sorted()
    }

    /// ListSnapshots' answer: every stored snapshot whose metadata `chunkCount` can read (nil for
    /// metadata it cannot: such a folder is skipped, not served), hashed as its format says, the
    /// SHA-256 of the metadata.
    func snapshots(format: UInt32, chunkCount: (Bytes) -> Int?) -> [Snapshot] {
        heights().compactMap { height in
            guard let metadata = metadata(height: height), let chunks = chunkCount(metadata) else { return nil }
            return Snapshot(height: UInt64(height), format: format, chunks: UInt32(chunks),
                            hash: SHA256Hash.digest(metadata), metadata: metadata)
        }
    }

    /// LoadSnapshotChunk's answer: the chunk's bytes, or none for a format, height or chunk this
    /// directory does not hold (CometBFT's apps answer an empty chunk, which the peer refuses).
    func chunk(_ request: LoadSnapshotChunkRequest, format: UInt32) -> Bytes {
        guard request.format == format, let height = Int64(exactly: request.height) else { return [] }
        return read(path + "/\(height)/\(request.chunk)") ?? []
    }

    func metadata(height: Int64) -> Bytes? { read(path + "/\(height)/metadata") }

    private func read(_ file: String) -> Bytes? {
        FileManager.default.contents(atPath: file).map { Bytes($0) }
    }

    private static func writeSynced(_ bytes: Bytes, to file: String) throws {
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
            throw WriteError(description: "\(file): cannot be written")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.synchronize()
    }
}

/// The name the kvstore's callers (`AppConnector`, the benchmark, other branches) know it by.
public typealias KVSnapshotDirectory = SnapshotDirectory
