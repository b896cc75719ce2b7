/// An instant as the query language reads it: `TIME` operands and attribute values are RFC 3339
/// timestamps, `DATE` operands and values are `YYYY-MM-DD` days (midnight UTC). Ordered by the
/// instant, whatever offset the text was written with, as Go's `time.Time` comparisons are.
public struct QueryTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// 0 ..< 1_000_000_000.
    public let nanos: Int32

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    public static func < (a: QueryTime, b: QueryTime) -> Bool {
        (a.seconds, a.nanos) < (b.seconds, b.nanos)
    }

    /// RFC 3339 in UTC (`2006-01-02T15:04:05Z`, with a fraction only when there is one).
    public var description: String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        var text = Self.dateText(y, m, d) + "T" + Self.pad(secondOfDay / 3600, 2) + ":"
            + Self.pad(secondOfDay / 60 % 60, 2) + ":" + Self.pad(secondOfDay % 60, 2)
        if nanos != 0 {
            var fraction = Self.pad(Int64(nanos), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// The day part alone, as a `DATE` operand prints.
    public var dateDescription: String {
        String(description.prefix(10))
    }

    // MARK: Parsing

    /// `YYYY-MM-DD`, exactly (Go's `2006-01-02` layout).
    public static func parseDate(_ text: some StringProtocol) -> QueryTime? {
        var reader = Reader(Array(text.utf8))
        guard case let (y, m, d)? = reader.date(), reader.atEnd else { return nil }
        return QueryTime(seconds: days(fromCivil: y, m, d) * 86_400)
    }

    /// RFC 3339 (Go's `time.RFC3339` layout): `YYYY-MM-DDTHH:MM:SS`, an optional fraction of a
    /// second, then `Z` or `±HH:MM`.
    public static func parseTimestamp(_ text: some StringProtocol) -> QueryTime? {
        var r = Reader(Array(text.utf8))
        guard case let (y, m, d)? = r.date(), r.take("T"),
              let hour = r.digits(2), hour < 24, r.take(":"),
              let minute = r.digits(2), minute < 60, r.take(":"),
              let second = r.digits(2), second < 60 else { return nil }
        var nanos: Int64 = 0
        if r.take(".") {
            var count = 0
            while let digit = r.digits(1) {
                if count < 9 { nanos = nanos * 10 + digit }
                count += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 9) { nanos *= 10 }
        }
        var offset: Int64 = 0
        if !r.take("Z") {
            let sign: Int64
            if r.take("+") { sign = 1 } else if r.take("-") { sign = -1 } else { return nil }
            guard let oh = r.digits(2), oh < 24, r.take(":"), let om = r.digits(2), om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard r.atEnd else { return nil }
        let local = days(fromCivil: y, m, d) * 86_400 + hour * 3600 + minute * 60 + second
        return QueryTime(seconds: local - offset, nanos: Int32(nanos))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the era-based civil-calendar formula).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func dateText(_ y: Int64, _ m: Int64, _ d: Int64) -> String {
        pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// A cursor over ASCII bytes for the fixed-width fields of both layouts.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }

        mutating func date() -> (Int64, Int64, Int64)? {
            guard let y = digits(4), take("-"), let m = digits(2), (1...12).contains(m), take("-"),
                  let d = digits(2), d >= 1, d <= QueryTime.daysInMonth(y, m) else { return nil }
            return (y, m, d)
        }
    }
}
