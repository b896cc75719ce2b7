import GRDB

/// Turns an `EventQuery` into a SQL `WHERE` clause over the index tables.
///
/// Conditions on the same event type must all hold within one event (CometBFT 0.34.26+ matches
/// attributes inside a single event, not across the height). Conditions on different event types
/// may be met by different events of the same transaction or block; CometBFT's kv indexer finds
/// nothing there, which no client relies on. Reserved keys read the row itself: `tx.height` and
/// `tx.hash` the transaction, `block.height` the block; `tm.event` is `Tx` for transactions and
/// `NewBlock` for blocks, as a subscription would see it.
struct QuerySQL {
    /// What the search returns rows of.
    enum Target {
        case txs
        case blocks

        var eventTable: String { self == .txs ? "tx_events" : "block_events" }
        /// The (owner, seq, key, value) index that finds the rest of one event.
        var eventIndex: String { self == .txs ? "tx_events_by_tx" : "block_events_by_block" }
        var ownerColumn: String { self == .txs ? "tx_id" : "height" }
        var rowKey: String { self == .txs ? "t.id" : "b.height" }
        var tmEvent: String { self == .txs ? "Tx" : "NewBlock" }
    }

    /// `WHERE` text (without the keyword) and its arguments.
    var clause: String
    var arguments: StatementArguments

    init(_ query: EventQuery, target: Target) {
        var parts: [String] = []
        var arguments = StatementArguments()
        var groups: [String: [QueryCondition]] = [:]
        var groupOrder: [String] = []

        for condition in query.conditions {
            switch (condition.key, target) {
            case ("tm.event", _):
                parts.append(condition.matches(value: target.tmEvent) ? "1" : "0")
            case ("tx.height", .txs):
                parts.append(Self.heightPredicate("t.height", condition, &arguments))
            case ("tx.hash", .txs):
                if condition.op == .equal, case .string(let hex)? = condition.operand {
                    parts.append("t.hash = ?")
                    arguments += [hex.uppercased()]
                } else {
                    parts.append(Self.valuePredicate("t.hash", condition, &arguments))
                }
            case ("block.height", .blocks):
                parts.append(Self.heightPredicate("b.height", condition, &arguments))
            default:
                let type = condition.eventType
                if groups[type] == nil { groupOrder.append(type) }
                groups[type, default: []].append(condition)
            }
        }

        for type in groupOrder {
            guard let conditions = groups[type] else { continue }
            var sql = "\(target.rowKey) IN (SELECT e0.\(target.ownerColumn) FROM \(target.eventTable) e0"
            for i in conditions.indices.dropFirst() {
                // Without statistics SQLite may scan the key index once per outer row; the first
                // condition drives, and each further one is a lookup within the same event.
                sql += " CROSS JOIN \(target.eventTable) e\(i) INDEXED BY \(target.eventIndex)"
                    + " ON e\(i).\(target.ownerColumn) = e0.\(target.ownerColumn) AND e\(i).seq = e0.seq"
            }
            var predicates: [String] = []
            for (i, condition) in conditions.enumerated() {
                predicates.append("e\(i).key = ?")
                arguments += [condition.key]
                let value = Self.valuePredicate("e\(i).value", condition, &arguments)
                if value != "1" { predicates.append(value) }
            }
            parts.append(sql + " WHERE " + predicates.joined(separator: " AND ") + ")")
        }

        clause = parts.isEmpty ? "1" : parts.joined(separator: " AND ")
        self.arguments = arguments
    }

    /// A height column against a whole-number operand compares integers (and uses the index);
    /// anything else reads the height as text, the way an attribute value would be read.
    private static func heightPredicate(_ column: String, _ condition: QueryCondition,
                                        _ arguments: inout StatementArguments) -> String {
        if case .number(let number)? = condition.operand, let value = number.int64Value,
           let op = sqlComparison(condition.op) {
            arguments += [value]
            return "\(column) \(op) ?"
        }
        return valuePredicate("CAST(\(column) AS TEXT)", condition, &arguments)
    }

    /// The condition applied to a text column, with the same meaning as `QueryCondition.matches`:
    /// numbers, instants and days go through `palisade_query_compare`, registered on every connection.
    private static func valuePredicate(_ column: String, _ condition: QueryCondition,
                                       _ arguments: inout StatementArguments) -> String {
        guard let operand = condition.operand else { return "1" }
        switch (condition.op, operand) {
        case (.exists, _):
            return "1"
        case (.contains, .string(let needle)):
            arguments += [needle]
            return "instr(\(column), ?) > 0"
        case (.contains, _):
            return "0"
        case (.equal, .string(let text)):
            arguments += [text]
            return "\(column) = ?"
        case (_, .string):
            return "0"
        case (_, .number(let n)):
            return compare(column, condition.op, kind: "n", operand: n.description, &arguments)
        case (_, .time(let t)):
            return compare(column, condition.op, kind: "t", operand: t.description, &arguments)
        case (_, .date(let d)):
            return compare(column, condition.op, kind: "d", operand: d.dateDescription, &arguments)
        }
    }

    private static func compare(_ column: String, _ op: QueryOperator, kind: String, operand: String,
                                _ arguments: inout StatementArguments) -> String {
        guard let sqlOp = sqlComparison(op) else { return "0" }
        arguments += [kind, operand]
        return "\(compareFunctionName)(?, \(column), ?) \(sqlOp) 0"
    }

    private static func sqlComparison(_ op: QueryOperator) -> String? {
        switch op {
        case .equal: "="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .contains, .exists: nil
        }
    }

    static let compareFunctionName = "palisade_query_compare"

    /// `palisade_query_compare(kind, value, operand)`: -1, 0 or 1 comparing `value` with `operand`
    /// read as a number (`n`), an instant (`t`) or a day (`d`); NULL when `value` is not one, so
    /// the comparison is false as in `QueryCondition.matches`.
    static let compareFunction = DatabaseFunction(compareFunctionName, argumentCount: 3, pure: true) { args in
        guard let kind = String.fromDatabaseValue(args[0]),
              let value = String.fromDatabaseValue(args[1]),
              let operand = String.fromDatabaseValue(args[2]) else { return nil }
        func order<T: Comparable>(_ a: T?, _ b: T?) -> Int? {
            guard let a, let b else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
        switch kind {
        case "n": return order(QueryNumber(leadingNumberOf: value), QueryNumber(operand))
        case "t": return order(QueryTime.parseTimestamp(value), QueryTime.parseTimestamp(operand))
        case "d": return order(QueryTime.parseDate(value), QueryTime.parseDate(operand))
        default: return nil
        }
    }
}
