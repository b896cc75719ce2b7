import Foundation
import Logging
import PalisadeRPC
import Synchronization

/// The node's `LogHandler`: writes each line as `log_format` says and lets it through only if
/// `log_level` allows its module at its level. The module is the logger's `module` metadata
/// (`Logger.module(_:)`), else its label's (`LogModule.module(ofLabel:)`). A line may name
/// another with its own `module` key; it is then shown and filtered as that module's, among the
/// lines its logger's level let through.
///
/// `logLevel`, which `Logger` checks before it builds a message, follows the module: a
/// `consensus:debug,*:error` node formats consensus debug lines and never builds the info
/// lines of other modules.
public struct NodeLogHandler: LogHandler {
    public let label: String
    let format: LogFormat
    let filter: LogLevelFilter
    let sink: LogSink
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private var module: String

    public var metadata: Logger.Metadata = [:] {
        didSet { adoptModule() }
    }

    public init(label: String, format: LogFormat, filter: LogLevelFilter, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.filter = filter
        self.sink = sink
        module = LogModule.module(ofLabel: label)
        logLevel = filter.threshold(for: module).loggerLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    private mutating func adoptModule() {
        let named = metadata["module"].map { "\($0)" } ?? LogModule.module(ofLabel: label)
        guard named != module else { return }
        module = named
        logLevel = filter.threshold(for: named).loggerLevel
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let own = event.metadata { fields.merge(own) { $1 } }
        let lineModule = fields.removeValue(forKey: "module").map { "\($0)" } ?? module
        guard filter.threshold(for: lineModule).allows(event.level) else { return }
        let line = LogLine(time: Date(), level: event.level, module: lineModule, message: event.message.description,
                           metadata: fields)
        sink.write(format == .json ? line.json : line.plain)
    }
}

/// One formatted line; pure, so the formats are tested without a clock.
struct LogLine {
    var time: Date
    var level: Logger.Level
    var module: String
    var message: String
    var metadata: Logger.Metadata

    /// `log_level`'s word for the level where it has one (`warn`), swift-log's otherwise.
    var levelName: String { level == .warning ? "warn" : level.rawValue }

    /// `{"time":"2026-01-02T15:04:05.000Z","level":"info","module":"consensus","message":"…","metadata":{…}}`
    var json: String {
        JSONValue.object([
            JSONMember("time", .string(Self.timestamp(time, dateSeparator: "T", timeSeparator: "Z"))),
            JSONMember("level", .string(levelName)),
            JSONMember("module", .string(module)),
            JSONMember("message", .string(message)),
            JSONMember("metadata", Self.jsonValue(.dictionary(metadata))),
        ]).text + "\n"
    }

    /// CometBFT's plain shape: `I[2026-01-02|15:04:05.000] message module=consensus key=value …`,
    /// keys sorted, a value with spaces, quotes or `=` in quotes.
    var plain: String {
        let letter = level == .warning ? "W" : String(level.rawValue.prefix(1)).uppercased()
        var text = "\(letter)[\(Self.timestamp(time, dateSeparator: "|", timeSeparator: ""))] \(message) module=\(module)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += " \(key)=\(Self.plainValue("\(value)"))"
        }
        return text + "\n"
    }

    static func plainValue(_ text: String) -> String {
        guard text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return text
        }
        return JSONValue.string(text).text
    }

    static func jsonValue(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let item): .string(item.description)
        case .array(let items): .array(items.map(jsonValue))
        case .dictionary(let members):
            .object(members.sorted { $0.key < $1.key }.map { JSONMember($0.key, jsonValue($0.value)) })
        }
    }

    /// UTC, to the millisecond: `2026-01-02<dateSeparator>15:04:05.000<timeSeparator>`.
    static func timestamp(_ date: Date, dateSeparator: String, timeSeparator: String) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds.quotientFloorDiv(1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        let fraction = String(repeating: "0", count: 3 - String(millis).count) + String(millis)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))\(dateSeparator)"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)\(timeSeparator)"
    }
}

private extension Int64 {
    /// Division rounding towards minus infinity (times before 1970 stay in their second).
    func quotientFloorDiv(_ divisor: Int64) -> Int64 {
        let (q, r) = quotientAndRemainder(dividingBy: divisor)
        return r < 0 ? q - 1 : q
    }
}

/// Where log lines go: standard error for the node, a buffer in tests. Lines are written whole,
/// one at a time, so lines from different threads never interleave.
public final class LogSink: Sendable {
    private let lock = Mutex(())
    private let writeLine: @Sendable (String) -> Void

    public init(_ writeLine: @escaping @Sendable (String) -> Void) {
        self.writeLine = writeLine
    }

    public static let standardError = LogSink { line in FileHandle.standardError.write(Data(line.utf8)) }

    func write(_ line: String) {
        lock.withLock { _ in writeLine(line) }
    }
}
