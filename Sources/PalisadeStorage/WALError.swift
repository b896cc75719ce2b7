/// Why the WAL cannot be used. Corruption errors name the file and the byte offset of the first
/// bad record, so an operator can inspect it (`xxd -s OFFSET FILE`) before deciding what to do.
public enum WALError: Error, Sendable, Equatable, CustomStringConvertible {
    case io(FileIOError)
    /// A bad record followed by good ones: not a torn write, so nothing is truncated.
    case corruptRecord(path: String, offset: Int, reason: String)
    /// A record with a correct checksum whose payload does not decode (a bug or a newer format).
    case undecodableRecord(path: String, offset: Int, error: WALDecodingError)
    /// A record with a correct checksum in a framing version this binary does not know.
    case unsupportedVersion(path: String, offset: Int, version: UInt8)
    /// No valid record and the first bytes are not the start of one: not a Palisade WAL.
    case notAWAL(path: String, reason: String)
    /// An entry larger than `WALRecord.maxPayload`; nothing was written.
    case entryTooLarge(bytes: Int)
    /// `inputs(forHeight:)` found markers, but not the end of the height before the one asked for.
    case missingEndHeight(path: String, height: Int64)

    public var description: String {
        switch self {
        case let .io(error): error.description
        case let .corruptRecord(path, offset, reason):
            "\(path): corrupt record at byte offset \(offset) followed by valid records: \(reason)"
        case let .undecodableRecord(path, offset, error):
            "\(path): record at byte offset \(offset) has a valid checksum but does not decode: \(error)"
        case let .unsupportedVersion(path, offset, version):
            "\(path): record at byte offset \(offset) has framing version \(version); this binary reads version \(WALRecord.version)"
        case let .notAWAL(path, reason): "\(path): not a Palisade consensus WAL: \(reason)"
        case let .entryTooLarge(bytes): "WAL entry of \(bytes) bytes exceeds \(WALRecord.maxPayload)"
        case let .missingEndHeight(path, height): "\(path): no end-of-height marker for height \(height)"
        }
    }
}
