import Logging

/// `log_level` as CometBFT's `ParseLogLevel` reads it: one level (`info`, meaning `*:info`) or
/// comma-separated `module:level` pairs, `*` standing for every module not named; without a
/// `*` pair the rest log at `info`. Levels are CometBFT's: `debug`, `info`, `warn`, `error`,
/// `none`. Modules are the `module` the node's loggers carry (`LogModule`); a module Palisade
/// does not have is accepted, as CometBFT accepts it, and simply matches nothing.
public struct LogLevelFilter: Sendable, Hashable {
    /// The least severe level a module logs, or nothing at all.
    public enum Threshold: Sendable, Hashable {
        case from(Logger.Level)
        case none

        func allows(_ level: Logger.Level) -> Bool {
            if case .from(let least) = self { level >= least } else { false }
        }

        /// The level `Logger` checks before it even formats a message; `none` lets only
        /// `critical` reach the handler, which then drops it.
        var loggerLevel: Logger.Level {
            if case .from(let least) = self { least } else { .critical }
        }
    }

    /// Why a `log_level` text was refused; the config loader adds the file, key and line.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// For modules without a pair of their own.
    public var rest: Threshold
    public var modules: [String: Threshold]

    public init(rest: Threshold = .from(.info), modules: [String: Threshold] = [:]) {
        self.rest = rest
        self.modules = modules
    }

    public init(parsing text: String) throws(ParseError) {
        guard !text.isEmpty else { throw ParseError(description: "must not be empty") }
        let list = text.contains(":") ? text : "*:" + text
        var rest: Threshold?
        var modules: [String: Threshold] = [:]
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: ":", omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty else {
                throw ParseError(description: "expected module:level pairs separated by commas, got \"\(item)\" in \"\(text)\"")
            }
            guard let threshold = Self.threshold(named: String(pair[1])) else {
                throw ParseError(description: "expected a level \"debug\", \"info\", \"warn\", \"error\" or \"none\", "
                                 + "got \"\(pair[1])\" in \"\(item)\"")
            }
            if pair[0] == "*" { rest = threshold } else { modules[String(pair[0])] = threshold }
        }
        self.init(rest: rest ?? .from(.info), modules: modules)
    }

    static func threshold(named name: String) -> Threshold? {
        switch name {
        case "debug": .from(.debug)
        case "info": .from(.info)
        case "warn": .from(.warning)
        case "error": .from(.error)
        case "none": Threshold.none
        default: nil
        }
    }

    public func threshold(for module: String) -> Threshold { modules[module] ?? rest }
}
