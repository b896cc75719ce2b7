/// A parsed query in CometBFT's event query language: conditions joined by `AND`.
///
///     tm.event = 'Tx' AND transfer.sender = 'alice' AND tx.height > 5
///
/// The same value serves WebSocket subscriptions (`matches`, against one event's flattened
/// attributes) and `tx_search` / `block_search` (compiled to SQL by `EventIndex`).
public struct EventQuery: Sendable, Hashable, CustomStringConvertible {
    public var conditions: [QueryCondition]

    public init(conditions: [QueryCondition]) {
        self.conditions = conditions
    }

    /// Parses `text`. The grammar is CometBFT's (`libs/pubsub/query/syntax`): at least one
    /// condition; `=` takes a string, number, `TIME` or `DATE`; `<`, `<=`, `>`, `>=` take a number,
    /// `TIME` or `DATE`; `CONTAINS` takes a string; `EXISTS` takes nothing.
    public init(_ text: String) throws(QueryParseError) {
        var scanner = QueryScanner(text)
        var conditions = [try Self.condition(&scanner, endOffset: text.unicodeScalars.count)]
        while case let (token, offset)? = try scanner.next() {
            guard token == .and else {
                throw QueryParseError(offset: offset, reason: "got \(token.label), wanted AND operator")
            }
            conditions.append(try Self.condition(&scanner, endOffset: text.unicodeScalars.count))
        }
        self.conditions = conditions
    }

    private static func condition(_ scanner: inout QueryScanner, endOffset: Int) throws(QueryParseError) -> QueryCondition {
        func require(_ wanted: String) throws(QueryParseError) -> (token: QueryToken, offset: Int) {
            guard let next = try scanner.next() else {
                throw QueryParseError(offset: endOffset, reason: "unexpected end of query, wanted \(wanted)")
            }
            return next
        }
        let (tagToken, tagOffset) = try require("tag")
        guard case .tag(let key) = tagToken else {
            throw QueryParseError(offset: tagOffset, reason: "got \(tagToken.label), wanted tag")
        }
        let operators = "<= operator, >= operator, < operator, > operator, = operator, CONTAINS operator or EXISTS operator"
        let (opToken, opOffset) = try require(operators)
        guard case .op(let op) = opToken else {
            throw QueryParseError(offset: opOffset, reason: "got \(opToken.label), wanted \(operators)")
        }
        if op == .exists { return QueryCondition(key: key, op: op, operand: nil) }

        let wanted = switch op {
        case .equal: "number, timestamp, datestamp or string"
        case .contains: "string"
        default: "number, timestamp or datestamp"
        }
        let (argToken, argOffset) = try require(wanted)
        let operand: QueryOperand? = switch (op, argToken) {
        case (.equal, .string(let s)), (.contains, .string(let s)): .string(s)
        case (.contains, _): nil
        case (_, .number(let n)): .number(n)
        case (_, .time(let t)): .time(t)
        case (_, .date(let d)): .date(d)
        default: nil
        }
        guard let operand else {
            throw QueryParseError(offset: argOffset, reason: "got \(argToken.label), wanted \(wanted)")
        }
        return QueryCondition(key: key, op: op, operand: operand)
    }

    /// CometBFT's canonical text: conditions joined by ` AND `.
    public var description: String {
        conditions.map(\.description).joined(separator: " AND ")
    }

    /// Whether a published message matches, given its flattened events (`"transfer.sender":
    /// ["alice"]`, `"tm.event": ["Tx"]`; see `flatten`). Every condition must hold for at least one
    /// value of its key. A condition whose key is itself an event type (`transfer EXISTS`) holds
    /// when that type occurs, its value read as empty. Nothing matches an empty map (CometBFT).
    public func matches(_ events: [String: [String]]) -> Bool {
        guard !events.isEmpty else { return false }
        return conditions.allSatisfy { condition in
            if let values = events[condition.key], condition.key.contains("."),
               values.contains(where: condition.matches(value:)) {
                return true
            }
            let typeOccurs = events.contains { key, _ in
                guard let dot = key.lastIndex(of: ".") else { return false }
                return key[..<dot] == condition.key
            }
            return typeOccurs && condition.matches(value: "")
        }
    }
}
