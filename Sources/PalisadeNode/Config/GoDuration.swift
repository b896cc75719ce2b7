/// Durations as CometBFT's `config.toml` writes them: Go's `time.Duration` text ("3s", "500ms",
/// "1m0s", "1.5s", "1h2m3.5s"). Palisade keeps timeouts in whole milliseconds (the consensus core's
/// unit), so a value finer than a millisecond is refused rather than silently rounded.
public enum GoDuration {
    /// Why a duration string was refused; the config loader adds the file, key and line.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed(String)
        case negative(String)
        case tooLarge(String)
        case subMillisecond(String)

        public var description: String {
            switch self {
            case let .malformed(text):
                "\"\(text)\" is not a duration (write a number with a unit: \"500ms\", \"3s\", \"1m0s\")"
            case let .negative(text): "\"\(text)\" is negative"
            case let .tooLarge(text): "\"\(text)\" is too large"
            case let .subMillisecond(text): "\"\(text)\" is not a whole number of milliseconds"
            }
        }
    }

    /// Nanoseconds per unit, the units Go's parser accepts.
    private static let units: [(name: String, nanos: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Milliseconds in `text`. A bare "0" is zero, as in Go; anything else needs a unit on every number.
    public static func milliseconds(_ text: String) throws(ParseError) -> Int64 {
        let nanos = try nanoseconds(text)
        guard nanos >= 0 else { throw .negative(text) }
        guard nanos % 1_000_000 == 0 else { throw .subMillisecond(text) }
        return nanos / 1_000_000
    }

    /// Nanoseconds in `text`, with Go's grammar: `[-+]?(digits[.digits]unit)+`.
    public static func nanoseconds(_ text: String) throws(ParseError) -> Int64 {
        var rest = Substring(text)
        var sign: Int64 = 1
        if let first = rest.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { throw .malformed(text) }
        var total: Int64 = 0
        while !rest.isEmpty {
            let whole = rest.prefix(while: \.isASCIIDigit)
            rest = rest.dropFirst(whole.count)
            var fraction: Substring = ""
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix(while: \.isASCIIDigit)
                rest = rest.dropFirst(fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { throw .malformed(text) }
            let unitText = rest.prefix(while: { !$0.isASCIIDigit && $0 != "." })
            rest = rest.dropFirst(unitText.count)
            guard let unit = units.first(where: { $0.name == unitText })?.nanos else { throw .malformed(text) }
            let term = try value(whole: whole, fraction: fraction, unit: unit, text: text)
            let (sum, overflow) = total.addingReportingOverflow(term)
            guard !overflow else { throw .tooLarge(text) }
            total = sum
        }
        return sign * total
    }

    /// `whole.fraction` units in nanoseconds, exact: digits of the fraction finer than a
    /// nanosecond must be zero.
    private static func value(whole: Substring, fraction: Substring, unit: Int64, text: String) throws(ParseError) -> Int64 {
        var result: Int64 = 0
        for digit in whole {
            let (shifted, o1) = result.multipliedReportingOverflow(by: 10)
            let (added, o2) = shifted.addingReportingOverflow(Int64(digit.wholeNumberValue ?? 0))
            guard !o1, !o2 else { throw .tooLarge(text) }
            result = added
        }
        let (scaled, overflow) = result.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw .tooLarge(text) }
        result = scaled
        var place = unit
        for digit in fraction {
            let d = Int64(digit.wholeNumberValue ?? 0)
            if place % 10 != 0 {
                guard d == 0 else { throw .subMillisecond(text) }
                continue
            }
            place /= 10
            let (sum, o) = result.addingReportingOverflow(d * place)
            guard !o else { throw .tooLarge(text) }
            result = sum
        }
        return result
    }

    /// Go's `Duration.String()` for a whole number of milliseconds: "0s", "500ms", "1.5s",
    /// "1m0s", "1h0m0s".
    public static func format(milliseconds ms: Int64) -> String {
        if ms == 0 { return "0s" }
        let negative = ms < 0
        let magnitude = ms.magnitude
        var text: String
        if magnitude < 1000 {
            text = "\(magnitude)ms"
        } else {
            let hours = magnitude / 3_600_000
            let minutes = magnitude / 60_000 % 60
            let seconds = magnitude / 1000 % 60
            let millis = magnitude % 1000
            var secondsText = "\(seconds)"
            if millis != 0 {
                var fraction = String(millis)
                fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
                while fraction.hasSuffix("0") { fraction.removeLast() }
                secondsText += "." + fraction
            }
            text = secondsText + "s"
            if hours > 0 {
                text = "\(hours)h\(minutes)m" + text
            } else if minutes > 0 {
                text = "\(minutes)m" + text
            }
        }
        return negative ? "-" + text : text
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}
