/// How a condition compares an attribute's values with its operand.
public enum QueryOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// Substring of the value; takes a string operand.
    case contains = "CONTAINS"
    /// The key is present at all; takes no operand.
    case exists = "EXISTS"
}

/// The right-hand side of a condition. The operand's kind decides how values are read: as text,
/// as a number (`8atom` reads as 8), as an RFC 3339 instant, or as a day.
public enum QueryOperand: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(QueryNumber)
    /// `TIME 2006-01-02T15:04:05Z`
    case time(QueryTime)
    /// `DATE 2006-01-02`: midnight UTC of that day.
    case date(QueryTime)

    public var description: String {
        switch self {
        case .string(let s): "'" + s + "'"
        case .number(let n): n.description
        case .time(let t): "TIME " + t.description
        case .date(let t): "DATE " + t.dateDescription
        }
    }
}

/// One `key op operand` term of a query. `key` is a composite `type.attribute` (`transfer.sender`)
/// or a reserved key (`tm.event`, `tx.height`, `tx.hash`, `block.height`).
public struct QueryCondition: Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var op: QueryOperator
    /// `nil` exactly when `op` is `.exists`.
    public var operand: QueryOperand?

    public init(key: String, op: QueryOperator, operand: QueryOperand?) {
        self.key = key
        self.op = op
        self.operand = operand
    }

    /// The event type this condition's key names: everything before the last dot.
    public var eventType: String {
        guard let dot = key.lastIndex(of: ".") else { return "" }
        return String(key[..<dot])
    }

    public var description: String {
        guard let operand else { return key + " " + op.rawValue }
        return key + " " + op.rawValue + " " + operand.description
    }

    /// Whether one attribute value satisfies this condition. A value that cannot be read as the
    /// operand's kind (a word against a number) never matches; it is not an error.
    public func matches(value: String) -> Bool {
        guard let operand else { return true }
        switch (op, operand) {
        case (.exists, _):
            return true
        case (.contains, .string(let needle)):
            // Bytes, not Swift's canonically-equivalent characters: Go and SQLite compare bytes.
            return needle.isEmpty || Array(value.utf8).firstRange(of: Array(needle.utf8)) != nil
        case (.contains, _):
            return false
        case (_, .string(let text)):
            return op == .equal && value.utf8.elementsEqual(text.utf8)
        case (_, .number(let number)):
            guard let v = QueryNumber(leadingNumberOf: value) else { return false }
            return Self.compare(v, op, number)
        case (_, .time(let instant)):
            guard let v = QueryTime.parseTimestamp(value) else { return false }
            return Self.compare(v, op, instant)
        case (_, .date(let day)):
            guard let v = QueryTime.parseDate(value) else { return false }
            return Self.compare(v, op, day)
        }
    }

    static func compare<T: Comparable>(_ value: T, _ op: QueryOperator, _ operand: T) -> Bool {
        switch op {
        case .equal: value == operand
        case .less: value < operand
        case .lessOrEqual: value <= operand
        case .greater: value > operand
        case .greaterOrEqual: value >= operand
        case .contains, .exists: false
        }
    }
}
