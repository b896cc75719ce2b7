import TOMLKit

/// One value from `config.toml` being decoded, with what an error needs to point at it: the file,
/// `section.key` and the line. Each accessor checks the TOML type and the value's range and throws
/// an error that quotes what was found.
struct ConfigValue {
    let value: any TOMLValueConvertible
    /// `section.key`, or `key` at the top level.
    let path: String
    let file: String
    let line: Int?

    func error(_ reason: String) -> ConfigError {
        ConfigError(file: file, key: path, line: line, reason: reason)
    }

    func string() throws(ConfigError) -> String {
        guard value.type == .string, let text = value.string else { throw mismatch("a string") }
        return text
    }

    func nonEmptyString() throws(ConfigError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    func bool() throws(ConfigError) -> Bool {
        guard value.type == .bool, let flag = value.bool else { throw mismatch("true or false") }
        return flag
    }

    /// An integer no smaller than `minimum`.
    func integer(minimum: Int = 0) throws(ConfigError) -> Int {
        guard value.type == .int, let number = value.int else { throw mismatch("an integer") }
        guard number >= minimum else { throw error("must be at least \(minimum), got \(number)") }
        return number
    }

    /// A Go duration string ("500ms", "3s", "1m0s") in milliseconds.
    func duration() throws(ConfigError) -> Int64 {
        guard value.type == .string, let text = value.string else { throw mismatch("a duration string like \"1s\"") }
        do {
            return try GoDuration.milliseconds(text)
        } catch {
            throw self.error(error.description)
        }
    }

    func listenAddress() throws(ConfigError) -> ListenAddress {
        let text = try string()
        do {
            return try ListenAddress(parsing: text)
        } catch {
            throw self.error(error.description)
        }
    }

    private func mismatch(_ expected: String) -> ConfigError {
        error("expected \(expected), got \(Self.describe(value))")
    }

    /// "the integer 5", "the string \"abc\"", "a table": what was found instead.
    static func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: "the string \"\(value.string ?? "")\""
        case .int: "the integer \(value.int.map(String.init) ?? "?")"
        case .double: "the number \(value.double.map { String($0) } ?? "?")"
        case .bool: "\(value.bool.map(String.init) ?? "a boolean")"
        case .table: "a table"
        case .array: "an array"
        case .date, .time, .dateTime: "a \(value.type.description)"
        }
    }
}
