/// Input the TOML parser must not see. toml++ (inside TOMLKit) checks two preconditions only with
/// assertions, which stop a debug build and are undefined behaviour in a release build:
///
/// - a table header's first character must start a key: `[=]`, `[[[`, or `[` ending its line trip it;
/// - an array element must not start with `}`: `x = [}` or `x = [1, }` trip it;
/// - nor with a non-ASCII blank such as U+2028, which it counts as the end of a value.
///
/// This scan follows strings, comments and brackets as toml++ does and reports the line of the
/// first such spot, so the loader can refuse it as a syntax error instead. Everything else is left
/// to the parser, which reports its own errors.
enum TOMLPreflight {
    private enum Bracket { case array, inlineTable }

    /// The 1-based line of the first construct toml++ cannot be trusted with, or nil.
    static func unsafeLine(in text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var atLineStart = true
        var stack: [Bracket] = []
        var expectingElement = false

        func skipString(quote: Unicode.Scalar) {
            let multiLine = i + 2 < scalars.count && scalars[i + 1] == quote && scalars[i + 2] == quote
            i += multiLine ? 3 : 1
            while i < scalars.count {
                let c = scalars[i]
                if c == "\n" {
                    if !multiLine { return }  // unterminated: the parser reports it
                    line += 1
                } else if c == "\\" && quote == "\"" {
                    i += 1
                    if i < scalars.count, scalars[i] == "\n" { line += 1 }
                } else if c == quote {
                    if !multiLine { i += 1; return }
                    if i + 2 < scalars.count, scalars[i + 1] == quote, scalars[i + 2] == quote { i += 3; return }
                }
                i += 1
            }
        }

        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "\n":
                line += 1
                atLineStart = true
                i += 1
                continue
            case " ", "\t", "\r":
                i += 1
                continue
            case "#":
                while i < scalars.count, scalars[i] != "\n" { i += 1 }
                continue
            case "\"", "'":
                skipString(quote: c)
                expectingElement = false
            case "[":
                if stack.isEmpty && atLineStart {
                    if !headerStartsWell(scalars, after: i) { return line }
                    while i < scalars.count, scalars[i] != "\n", scalars[i] != "]" {
                        if scalars[i] == "\"" || scalars[i] == "'" { skipString(quote: scalars[i]) } else { i += 1 }
                    }
                    continue
                }
                stack.append(.array)
                expectingElement = true
                i += 1
            case "{":
                if expectingElement && stack.last == .array { expectingElement = false }
                stack.append(.inlineTable)
                i += 1
            case "}":
                if expectingElement && stack.last == .array { return line }
                if stack.last == .inlineTable { stack.removeLast() }
                expectingElement = false
                i += 1
            case "]":
                if stack.last == .array { stack.removeLast() }
                expectingElement = false
                i += 1
            case ",":
                expectingElement = stack.last == .array
                i += 1
            default:
                // Non-ASCII blanks (U+00A0, U+2028...) are never valid outside strings and comments,
                // and toml++ takes some of them for the end of a value it was promised is there.
                if !c.isASCII && c.properties.isWhitespace { return line }
                expectingElement = false
                i += 1
            }
            atLineStart = false
        }
        return nil
    }

    /// After `[` (or `[[`) and blanks, toml++ calls its key parser unchecked: the next character must
    /// be a bare-key character, a quote, or `]`.
    private static func headerStartsWell(_ scalars: [Unicode.Scalar], after open: Int) -> Bool {
        var j = open + 1
        let start = j
        while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
        if j < scalars.count, scalars[j] == "[" {
            if j != start { return true }  // "[ [": toml++ reports this itself
            j += 1
            while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
        }
        guard j < scalars.count else { return true }  // toml++ reports the end of input itself
        let c = scalars[j]
        return c == "]" || c == "\"" || c == "'" || isBareKeyCharacter(c)
    }

    /// TOML 1.0 bare keys: A-Z a-z 0-9 _ -.
    private static func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }
}
