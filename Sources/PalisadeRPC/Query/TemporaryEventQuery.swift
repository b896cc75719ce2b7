import Foundation

/// TEMPORARY: a small reader of CometBFT's query language (`tm.event = 'Tx' AND tx.height > 5`)
/// for subscriptions, until PalisadeIndexer's `EventQuery` lands on main and replaces it.
/// Conditions are joined by `AND`; operators `=`, `<`, `<=`, `>`, `>=`, `CONTAINS`, `EXISTS`;
/// values are 'quoted strings' or numbers.
struct TemporaryEventQuery: Sendable, Hashable {
    enum Operator: String, Sendable, Hashable {
        case equal = "=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case contains = "CONTAINS", exists = "EXISTS"
    }

    struct Condition: Sendable, Hashable {
        var tag: String
        var op: Operator
        var value: String
        var isNumber: Bool
    }

    struct ParseError: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "offset \(offset): \(reason)" }
    }

    let conditions: [Condition]

    init(_ text: String) throws(ParseError) {
        let c = Array(text.unicodeScalars)
        var i = 0
        var out: [Condition] = []
        func skip() { while i < c.count, c[i] == " " || c[i] == "\t" || c[i] == "\n" { i += 1 } }
        func isTagChar(_ s: Unicode.Scalar) -> Bool {
            CharacterSet.alphanumerics.contains(s) || s == "." || s == "_" || s == "-" || s == "/"
        }
        let wanted = "wanted <= operator, >= operator, < operator, > operator, = operator, CONTAINS operator or EXISTS operator"
        while true {
            skip()
            let tagStart = i
            while i < c.count, isTagChar(c[i]) { i += 1 }
            guard i > tagStart else { throw ParseError(offset: i, reason: "expected tag") }
            let tag = String(String.UnicodeScalarView(c[tagStart..<i]))
            skip()
            var op: Operator?
            for candidate in [Operator.lessOrEqual, .greaterOrEqual, .less, .greater, .equal, .contains, .exists] {
                let s = Array(candidate.rawValue.unicodeScalars)
                if c.count - i >= s.count, Array(c[i..<i + s.count]) == s { op = candidate; i += s.count; break }
            }
            guard let op else {
                let got = i < c.count && isTagChar(c[i]) ? "tag" : "unexpected input"
                throw ParseError(offset: i, reason: "got \(got), \(wanted)")
            }
            var value = ""
            var isNumber = false
            if op != .exists {
                skip()
                if i < c.count, c[i] == "'" {
                    i += 1
                    let start = i
                    while i < c.count, c[i] != "'" { i += 1 }
                    guard i < c.count else { throw ParseError(offset: i, reason: "unterminated string") }
                    value = String(String.UnicodeScalarView(c[start..<i]))
                    i += 1
                } else {
                    let start = i
                    while i < c.count, CharacterSet.decimalDigits.contains(c[i]) || c[i] == "." || c[i] == "-" { i += 1 }
                    guard i > start else { throw ParseError(offset: i, reason: "expected a 'string' or a number") }
                    value = String(String.UnicodeScalarView(c[start..<i]))
                    isNumber = true
                }
            }
            out.append(Condition(tag: tag, op: op, value: value, isNumber: isNumber))
            skip()
            if i == c.count { break }
            guard c.count - i >= 3, String(String.UnicodeScalarView(c[i..<i + 3])) == "AND" else {
                throw ParseError(offset: i, reason: "expected AND")
            }
            i += 3
        }
        conditions = out
    }

    /// True when every condition holds for some value of its tag.
    func matches(_ events: [String: [String]]) -> Bool {
        conditions.allSatisfy { cond in
            guard let values = events[cond.tag] else { return false }
            if cond.op == .exists { return true }
            return values.contains { v in
                switch cond.op {
                case .contains: return v.contains(cond.value)
                case .equal where !cond.isNumber: return v == cond.value
                default:
                    guard let a = Double(v), let b = Double(cond.value) else { return false }
                    switch cond.op {
                    case .equal: return a == b
                    case .less: return a < b
                    case .lessOrEqual: return a <= b
                    case .greater: return a > b
                    case .greaterOrEqual: return a >= b
                    default: return false
                    }
                }
            }
        }
    }
}
