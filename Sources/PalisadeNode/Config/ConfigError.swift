/// Why `config.toml` was refused, in a compiler's form: `config/config.toml:42: consensus.timeout_commit:
/// expected a duration string like "1s", got the integer 5`. `key` is `section.key` (empty when the
/// whole file is at fault); `line` is where the key or the syntax error is, when it can be found.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var line: Int?
    public var reason: String

    public init(file: String, key: String, line: Int?, reason: String) {
        self.file = file
        self.key = key
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(location): \(reason)" : "\(location): \(key): \(reason)"
    }
}
