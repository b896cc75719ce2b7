/// An exact non-negative decimal, the kind of number CometBFT's query language compares.
///
/// CometBFT compares with arbitrary-precision floats so that large token amounts do not lose
/// digits; comparing the decimal digits themselves gives the same order without any rounding.
/// Digits are kept normalised (no leading zeros in the integer part, no trailing zeros in the
/// fraction), so `1.50` and `1.5` are equal.
public struct QueryNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Integer digits (0...9), most significant first; empty for zero.
    public let integerDigits: [UInt8]
    /// Fraction digits (0...9) after the point; empty when the number is whole.
    public let fractionDigits: [UInt8]

    /// A number written as the grammar allows: `\d+(\.\d+)?`, nothing before or after.
    public init?(_ text: some StringProtocol) {
        guard case let (number, length)? = Self.leadingNumber(Array(text.utf8)), length == text.utf8.count else {
            return nil
        }
        self = number
    }

    /// The number at the start of an attribute value, as CometBFT reads values such as `8atom`
    /// or `6.5stake`: the longest prefix `\d+(\.\d+)?`. `nil` when the value does not start with a
    /// digit (so negative numbers never match, as in CometBFT).
    public init?(leadingNumberOf value: some StringProtocol) {
        guard case let (number, _)? = Self.leadingNumber(Array(value.utf8)) else { return nil }
        self = number
    }

    public init(_ value: UInt64) {
        self.init(integer: String(value).utf8.map { $0 - UInt8(ascii: "0") }[...], fraction: [])
    }

    private init(integer: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>) {
        integerDigits = Array(integer.drop(while: { $0 == 0 }))
        var fraction = Array(fraction)
        while fraction.last == 0 { fraction.removeLast() }
        fractionDigits = fraction
    }

    private static func leadingNumber(_ utf8: [UInt8]) -> (number: QueryNumber, length: Int)? {
        func digit(_ i: Int) -> UInt8? {
            guard i < utf8.count, utf8[i] >= UInt8(ascii: "0"), utf8[i] <= UInt8(ascii: "9") else { return nil }
            return utf8[i] - UInt8(ascii: "0")
        }
        var integer: [UInt8] = []
        var i = 0
        while let d = digit(i) { integer.append(d); i += 1 }
        guard !integer.isEmpty else { return nil }
        var fraction: [UInt8] = []
        if i < utf8.count, utf8[i] == UInt8(ascii: "."), digit(i + 1) != nil {
            i += 1
            while let d = digit(i) { fraction.append(d); i += 1 }
        }
        return (QueryNumber(integer: integer[...], fraction: fraction[...]), i)
    }

    /// The value as an `Int64` when it is whole and fits, for comparisons against height columns.
    public var int64Value: Int64? {
        guard fractionDigits.isEmpty, integerDigits.count <= 19 else { return nil }
        var value: Int64 = 0
        for d in integerDigits {
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    public static func < (a: QueryNumber, b: QueryNumber) -> Bool {
        if a.integerDigits.count != b.integerDigits.count { return a.integerDigits.count < b.integerDigits.count }
        if a.integerDigits != b.integerDigits { return a.integerDigits.lexicographicallyPrecedes(b.integerDigits) }
        // Trailing zeros are stripped, so plain lexicographic order on the fractions is numeric order.
        return a.fractionDigits.lexicographicallyPrecedes(b.fractionDigits)
    }

    public var description: String {
        let integer = integerDigits.isEmpty ? "0" : String(decoding: integerDigits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
        guard !fractionDigits.isEmpty else { return integer }
        return integer + "." + String(decoding: fractionDigits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}
