/// The lexical tokens of CometBFT's query language.
enum QueryToken: Equatable {
    case tag(String)
    case string(String)
    case number(QueryNumber)
    case time(QueryTime)
    case date(QueryTime)
    case and
    case op(QueryOperator)

    /// How an error message names the token, in CometBFT's words.
    var label: String {
        switch self {
        case .tag: "tag"
        case .string: "string"
        case .number: "number"
        case .time: "timestamp"
        case .date: "datestamp"
        case .and: "AND operator"
        case .op(let op): op.rawValue + " operator"
        }
    }
}

/// Splits a query into tokens. Tags are letters, digits, `_`, `.` and `-` (starting with a letter
/// or `_`); strings are single-quoted with no escapes; numbers are `\d+(\.\d+)?`; `TIME` and
/// `DATE` followed by one space introduce an instant or a day, whose year must be 1900...2999.
struct QueryScanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The next token and its offset, or `nil` at the end of the input.
    mutating func next() throws(QueryParseError) -> (token: QueryToken, offset: Int)? {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        guard index < scalars.count else { return nil }
        let start = index
        let c = scalars[index]
        if Self.isDigit(c) { return (try number(start), start) }
        if Self.isFirstTagScalar(c) { return (try tagLike(start), start) }
        switch c {
        case "'":
            return (try string(start), start)
        case "=":
            index += 1
            return (.op(.equal), start)
        case "<", ">":
            index += 1
            let orEqual = index < scalars.count && scalars[index] == "="
            if orEqual { index += 1 }
            switch (c, orEqual) {
            case ("<", false): return (.op(.less), start)
            case ("<", true): return (.op(.lessOrEqual), start)
            case (_, false): return (.op(.greater), start)
            case (_, true): return (.op(.greaterOrEqual), start)
            }
        default:
            throw QueryParseError(offset: start, reason: "invalid input \(Character(c))")
        }
    }

    private mutating func number(_ start: Int) throws(QueryParseError) -> QueryToken {
        while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
        if index < scalars.count, scalars[index] == "." {
            index += 1
            let fractionStart = index
            while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
            guard index > fractionStart else {
                throw QueryParseError(offset: index, reason: "number needs digits after the decimal point")
            }
        }
        guard let number = QueryNumber(text(start, index)) else {
            throw QueryParseError(offset: start, reason: "invalid number \(text(start, index))")
        }
        return .number(number)
    }

    private mutating func string(_ start: Int) throws(QueryParseError) -> QueryToken {
        index += 1
        let contentStart = index
        while index < scalars.count, scalars[index] != "'" { index += 1 }
        guard index < scalars.count else {
            throw QueryParseError(offset: start, reason: "unterminated string")
        }
        let value = text(contentStart, index)
        index += 1
        return .string(value)
    }

    private mutating func tagLike(_ start: Int) throws(QueryParseError) -> QueryToken {
        while index < scalars.count, Self.isTagScalar(scalars[index]) { index += 1 }
        let word = text(start, index)
        let spaceFollows = index < scalars.count && scalars[index] == " "
        switch word {
        case "TIME" where spaceFollows:
            index += 1
            return try stamp(isDate: false)
        case "DATE" where spaceFollows:
            index += 1
            return try stamp(isDate: true)
        case "AND": return .and
        case "EXISTS": return .op(.exists)
        case "CONTAINS": return .op(.contains)
        default: return .tag(word)
        }
    }

    private mutating func stamp(isDate: Bool) throws(QueryParseError) -> QueryToken {
        let start = index
        while index < scalars.count, Self.isDigit(scalars[index]) || (isDate ? "-" : "-T:+Z").unicodeScalars.contains(scalars[index]) {
            index += 1
        }
        let value = text(start, index)
        let kind = isDate ? "DATE" : "TIME"
        guard let instant = isDate ? QueryTime.parseDate(value) : QueryTime.parseTimestamp(value) else {
            let layout = isDate ? "2006-01-02" : "2006-01-02T15:04:05Z07:00"
            throw QueryParseError(offset: start, reason: "invalid \(kind) value '\(value)', want \(layout)")
        }
        let year = Int(value.prefix(4)) ?? 0  // the year as written, before any offset is applied
        guard (1900...2999).contains(year) else {
            throw QueryParseError(offset: start, reason: "\(isDate ? "datestamp" : "timestamp") year \(year) out of range")
        }
        return isDate ? .date(instant) : .time(instant)
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[from..<to])
        return String(s)
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private static func isFirstTagScalar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType == .decimal
    }

    private static func isTagScalar(_ c: Unicode.Scalar) -> Bool {
        c == "." || c == "-" || isFirstTagScalar(c)
    }
}
