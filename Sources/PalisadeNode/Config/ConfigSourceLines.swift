/// Finds where a key sits in the config text, for error messages. The TOML parser reports lines
/// for syntax errors only, so after parsing we look the key up in the text: the first line under
/// the key's `[section]` header that reads `key =`. This handles every file CometBFT or `palisade`
/// writes; for exotic layouts (dotted keys, inline tables) it may find nothing, and the message
/// then names the key without a line.
struct ConfigSourceLines {
    private let lines: [Substring]

    init(_ text: String) {
        lines = Self.split(text)
    }

    /// The lines of `text`, ended by LF or CRLF (one `Character` in Swift), as TOML counts them.
    static func split(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The 1-based line of `key` in `section` (nil: the top level, before any header).
    func line(of key: String, in section: String?) -> Int? {
        var current: String? = nil
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingBlanks()
            if let header = Self.header(line) {
                current = header
                continue
            }
            if current == section, Self.assigns(line, key: key) { return index + 1 }
        }
        // A dotted key at the top level (`consensus.timeout_commit = ...`).
        if let section { return self.line(of: section + "." + key, in: nil) }
        return nil
    }

    /// The 1-based line of the `[section]` header.
    func line(ofSection section: String) -> Int? {
        for (index, raw) in lines.enumerated() where Self.header(raw.trimmingBlanks()) == section {
            return index + 1
        }
        return nil
    }

    /// `consensus` for `[consensus]` or `[[consensus]]`, without quotes or spaces.
    private static func header(_ line: Substring) -> String? {
        guard line.hasPrefix("[") else { return nil }
        let inner = line.drop(while: { $0 == "[" })
        guard let close = inner.firstIndex(of: "]") else { return nil }
        return inner[..<close].filter { $0 != " " && $0 != "\t" && $0 != "\"" && $0 != "'" }
    }

    /// Whether `line` is `key = ...`, the key bare or quoted.
    private static func assigns(_ line: Substring, key: String) -> Bool {
        for candidate in [key, "\"\(key)\"", "'\(key)'"] where line.hasPrefix(candidate) {
            let rest = line.dropFirst(candidate.count).drop(while: { $0 == " " || $0 == "\t" })
            if rest.hasPrefix("=") { return true }
        }
        return false
    }
}

extension Substring {
    func trimmingBlanks() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return self[first...last]
    }
}
