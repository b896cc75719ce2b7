import Foundation
import Logging
import Synchronization
import Testing
@testable import PalisadeNode

/// `log_level` (CometBFT's `module:level` pairs) and `log_format`, applied by `NodeLogHandler`.
@Suite("Logs: log_level and log_format")
struct LogHandlerTests {
    /// Lines written, in order.
    final class Captured: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }
    }

    static func logger(_ label: String = "palisade", spec: String, format: LogFormat = .plain,
                       into captured: Captured) throws -> Logger {
        let filter = try LogLevelFilter(parsing: spec)
        return Logger(label: label) { label in NodeLogHandler(label: label, format: format, filter: filter, sink: captured.sink) }
    }

    @Test("parsing: one level is *:level, pairs per module, the rest at info unless *", arguments: [
        ("info", LogLevelFilter(rest: .from(.info))),
        ("none", LogLevelFilter(rest: LogLevelFilter.Threshold.none)),
        ("warn", LogLevelFilter(rest: .from(.warning))),
        ("p2p:debug,*:error", LogLevelFilter(rest: .from(.error), modules: ["p2p": .from(.debug)])),
        ("consensus:debug,mempool:none", LogLevelFilter(rest: .from(.info),
                                                        modules: ["consensus": .from(.debug), "mempool": .none])),
    ])
    func parses(text: String, expected: LogLevelFilter) throws {
        #expect(try LogLevelFilter(parsing: text) == expected)
    }

    @Test("refused: unknown levels and anything but module:level pairs", arguments: [
        "", "loud", "trace", "info,p2p:debug", "p2p:", ":info", "p2p:debug:x", "p2p:debug,", "*:verbose",
    ])
    func refuses(text: String) {
        #expect(throws: LogLevelFilter.ParseError.self) { try LogLevelFilter(parsing: text) }
    }

    @Test("config: a bad log_level or log_format is an error naming the key and line", arguments: [
        ("moniker = \"a\"\nlog_level = \"info,p2p:debug\"\n", "log_level", 2, "module:level"),
        ("log_level = \"p2p:verbose\"\n", "log_level", 1, "\"verbose\""),
        ("log_format = \"xml\"\n", "log_format", 1, "\"plain\" or \"json\""),
    ])
    func configErrors(text: String, key: String, line: Int, reason: String) throws {
        let error = try #require(throws: ConfigError.self) { try parseConfig(text) }
        #expect(error.key == key)
        #expect(error.line == line)
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test("config: CometBFT's spellings load")
    func configLoads() throws {
        let config = try parseConfig("log_level = \"p2p:debug,*:error\"\nlog_format = \"json\"\n").0
        #expect(config.logLevel == "p2p:debug,*:error")
        #expect(config.logFormat == .json)
    }

    @Test("p2p:debug,*:error: p2p debug lines pass, no other module's info lines, errors from all")
    func perModuleLevels() throws {
        let captured = Captured()
        let base = try Self.logger(spec: "p2p:debug,*:error", into: captured)
        let p2p = base.module(LogModule.p2p)
        let consensus = base.module(LogModule.consensus)
        p2p.debug("p2p detail")
        p2p.info("p2p info")
        consensus.info("consensus info")
        consensus.debug("consensus detail")
        base.info("main info")
        consensus.error("consensus error")
        // A line may name its own module, within what its logger lets through.
        consensus.error("tagged p2p line", metadata: ["module": "p2p"])
        p2p.debug("tagged consensus line", metadata: ["module": "consensus"])
        let messages = captured.all.map { $0.split(separator: "]", maxSplits: 1).last ?? "" }
        try #require(messages.count == 4, "\(captured.all)")
        #expect(messages[0].hasPrefix(" p2p detail module=p2p"))
        #expect(messages[1].hasPrefix(" p2p info module=p2p"))
        #expect(messages[2].hasPrefix(" consensus error module=consensus"))
        #expect(messages[3].hasPrefix(" tagged p2p line module=p2p"))
        // Logger's own check follows the module, so filtered messages are not even built.
        #expect(consensus.logLevel == .error && p2p.logLevel == .debug)
    }

    @Test("none silences a module, critical included; a label names a module too")
    func noneAndLabels() throws {
        let captured = Captured()
        let mempool = try Self.logger(spec: "mempool:none,*:debug", into: captured).module(LogModule.mempool)
        mempool.critical("never")
        let rpc = try Self.logger("palisade.rpc", spec: "rpc:error", into: captured)
        rpc.info("not shown")
        rpc.error("shown")
        #expect(captured.all.count == 1)
        #expect(captured.all.first?.contains("shown module=rpc") == true)
    }

    @Test("json: every line is one object with time, level, module, message, metadata")
    func jsonLines() throws {
        let captured = Captured()
        let base = try Self.logger(spec: "debug", format: .json, into: captured)
        base.module(LogModule.consensus).info("committed block", metadata: ["height": "5", "hash": "AB"])
        base.module(LogModule.p2p).warning("peer said \"hi\"\nand left", metadata: ["nested": ["a": "1"], "list": ["x", "y"]])
        base.debug("plain text")
        let lines = captured.all
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().allSatisfy { $0 != "\n" } })
        var objects: [[String: Any]] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(Set(object.keys) == ["time", "level", "module", "message", "metadata"])
            objects.append(object)
        }
        #expect(objects[0]["level"] as? String == "info")
        #expect(objects[0]["module"] as? String == "consensus")
        #expect(objects[0]["message"] as? String == "committed block")
        #expect((objects[0]["metadata"] as? [String: String]) == ["height": "5", "hash": "AB"])
        #expect(objects[1]["level"] as? String == "warn")
        #expect(objects[1]["message"] as? String == "peer said \"hi\"\nand left")
        #expect((objects[1]["metadata"] as? [String: Any])?["list"] as? [String] == ["x", "y"])
        #expect(objects[2]["module"] as? String == "main")
        let time = try #require(objects[0]["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z"), "\(time)")
    }

    @Test("timestamps: UTC to the millisecond")
    func timestamps() {
        let date = Date(timeIntervalSince1970: 1_767_366_245.007)
        #expect(LogLine.timestamp(date, dateSeparator: "T", timeSeparator: "Z") == "2026-01-02T15:04:05.007Z")
        #expect(LogLine.timestamp(date, dateSeparator: "|", timeSeparator: "") == "2026-01-02|15:04:05.007")
    }

    @Test("plain: values with spaces are quoted, keys sorted")
    func plainLine() {
        let line = LogLine(time: Date(timeIntervalSince1970: 0), level: .info, module: "state", message: "m",
                           metadata: ["b": "two words", "a": "1"])
        #expect(line.plain == "I[1970-01-01|00:00:00.000] m module=state a=1 b=\"two words\"\n")
    }
}
