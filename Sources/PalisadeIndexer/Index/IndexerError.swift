/// Why an index operation failed. The descriptions are what the RPC layer returns to clients, so
/// they use CometBFT's wording where CometBFT has one.
public enum IndexerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The query ran past its time budget and was stopped (so one heavy query cannot stall the node).
    case timedOut
    /// A `page` beyond the last page of results (CometBFT's `validatePage`).
    case pageOutOfRange(pages: Int, given: Int)
    /// `order_by` other than `asc`, `desc` or empty.
    case invalidOrderBy(String)
    /// A block's transactions and results do not pair up.
    case resultCountMismatch(height: Int64, txs: Int, results: Int)
    /// Catch-up needed a block its source does not have (pruned, or not stored yet).
    case missingBlock(height: Int64)
    /// The block source failed while catch-up asked it for a height.
    case sourceFailed(height: Int64, reason: String)
    /// A stored row that does not decode: names the table, the row and the field.
    case corruptRecord(table: String, row: String, reason: String)
    /// SQLite said no (disk full, file unreadable...).
    case database(String)

    public var description: String {
        switch self {
        case .timedOut:
            "timed out"
        case .pageOutOfRange(let pages, let given):
            "page should be within [1, \(pages)] range, given \(given)"
        case .invalidOrderBy:
            "expected order_by to be either `asc` or `desc` or empty"
        case .resultCountMismatch(let height, let txs, let results):
            "block \(height) has \(txs) transactions but \(results) results"
        case .missingBlock(let height):
            "block \(height) is not available to index"
        case .sourceFailed(let height, let reason):
            "loading block \(height) to index: \(reason)"
        case .corruptRecord(let table, let row, let reason):
            "index table \(table), row \(row): \(reason)"
        case .database(let message):
            "index database: \(message)"
        }
    }
}
