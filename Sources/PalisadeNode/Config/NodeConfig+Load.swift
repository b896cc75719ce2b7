import Foundation
import TOMLKit

extension NodeConfig {
    /// The most bytes a config file may have; a real one is a few kilobytes.
    static let maxFileBytes = 1 << 20

    /// Reads `config.toml` at `path`. Keys not set keep their defaults; keys and sections Palisade
    /// does not know come back as warnings (with their line) so a CometBFT file loads. A value of
    /// the wrong type or out of range, or a TOML syntax error, throws a `ConfigError` naming
    /// `path`, the key and the line.
    public static func load(contentsOf path: String) throws(ConfigError) -> (NodeConfig, warnings: [String]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(file: path, key: "", line: nil, reason: "cannot read: \(Self.readFailure(error))")
        }
        return try parse(data, fileName: path)
    }

    /// Decodes config bytes; `fileName` is what errors call the file.
    public static func parse(_ data: Data, fileName: String) throws(ConfigError) -> (NodeConfig, warnings: [String]) {
        func fail(_ line: Int?, _ reason: String) -> ConfigError {
            ConfigError(file: fileName, key: "", line: line, reason: reason)
        }
        guard data.count <= maxFileBytes else { throw fail(nil, "\(data.count) bytes, at most \(maxFileBytes)") }
        guard let text = String(data: data, encoding: .utf8) else { throw fail(nil, "not valid UTF-8") }
        let source = ConfigSourceLines(text)
        // The TOML parser takes a C string: a NUL would silently end the document early.
        if let nul = text.firstIndex(of: "\0") {
            throw fail(ConfigSourceLines.split(String(text[..<nul])).count, "contains a NUL character")
        }
        if let line = TOMLPreflight.unsafeLine(in: text) {
            throw fail(line, "TOML syntax: a table header must start with a key, and an array element cannot start with '}'")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw fail(error.source.begin.line, "TOML syntax: \(error.description)")
        } catch {
            throw fail(nil, "TOML syntax: \(error)")
        }

        var config = NodeConfig()
        var warnings: [String] = []
        func warn(_ path: String, _ line: Int?, _ what: String) {
            let location = line.map { "\(fileName):\($0)" } ?? fileName
            warnings.append("\(location): \(path): \(what), ignored")
        }
        // `keys` plus a lookup, not the table's iterator: the iterator force-unwraps the lookup,
        // which fails for a key with a NUL in it.
        for key in table.keys {
            guard let value = table[key] else { warn(key, nil, "unreadable key"); continue }
            if let apply = topLevelKeys[key] {
                try apply(&config, ConfigValue(value: value, path: key, file: fileName,
                                              line: source.line(of: key, in: nil)))
            } else if let keys = sections[key] {
                guard value.type == .table, let section = value.table else {
                    throw ConfigError(file: fileName, key: key, line: source.line(of: key, in: nil),
                                      reason: "expected a [\(key)] section, got \(ConfigValue.describe(value))")
                }
                for name in section.keys {
                    let path = key + "." + name
                    let line = source.line(of: name, in: key)
                    guard let value = section[name] else { warn(path, line, "unreadable key"); continue }
                    guard let apply = keys[name] else { warn(path, line, "unknown key"); continue }
                    try apply(&config, ConfigValue(value: value, path: path, file: fileName, line: line))
                }
            } else if value.type == .table {
                warn("[\(key)]", source.line(ofSection: key), "unknown section")
            } else {
                warn(key, source.line(of: key, in: nil), "unknown key")
            }
        }
        if config.kvstore.retainBlocks > 0, config.proxyApp != .kvstore {
            throw ConfigError(file: fileName, key: "kvstore.retain_blocks", line: source.line(of: "retain_blocks", in: "kvstore"),
                              reason: "applies to proxy_app = \"kvstore\" only; \(config.proxyApp) sets its own retain "
                                  + "height in its Commit answers")
        }
        if let (key, reason) = config.stateSync.problem {
            throw ConfigError(file: fileName, key: "statesync." + key, line: source.line(of: key, in: "statesync"),
                              reason: reason)
        }
        return (config, warnings)
    }

    /// The reason without Foundation's long wrapper text, when there is a POSIX one.
    static func readFailure(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }
}
