/// One page of search results and how many matched in all (`total_count`).
public struct SearchPage<Item: Sendable>: Sendable {
    public var totalCount: Int
    public var items: [Item]

    public init(totalCount: Int, items: [Item]) {
        self.totalCount = totalCount
        self.items = items
    }
}

extension SearchPage: Equatable where Item: Equatable {}

/// The `order_by` of `tx_search` and `block_search`: by height (then position in the block).
public enum SearchOrder: String, Sendable, Hashable {
    case ascending = "asc"
    case descending = "desc"

    /// CometBFT's RPC value: `asc`, `desc`, or empty for ascending.
    public init(rpcValue: String) throws(IndexerError) {
        switch rpcValue {
        case "", "asc": self = .ascending
        case "desc": self = .descending
        default: throw .invalidOrderBy(rpcValue)
        }
    }
}

/// CometBFT's paging rules (`rpc/core/env.go`): `per_page` defaults to 30, is capped at 100 and
/// falls back to 30 below 1; `page` defaults to 1 and must lie within the pages that exist (one
/// page, possibly empty, when nothing matched).
public struct Pagination: Sendable, Hashable {
    public static let defaultPerPage = 30
    public static let maxPerPage = 100

    public var page: Int?
    public var perPage: Int?

    public init(page: Int? = nil, perPage: Int? = nil) {
        self.page = page
        self.perPage = perPage
    }

    public var effectivePerPage: Int {
        guard let perPage, perPage >= 1 else { return Self.defaultPerPage }
        return min(perPage, Self.maxPerPage)
    }

    /// The 1-based page to return once `totalCount` is known.
    public func validatedPage(totalCount: Int) throws(IndexerError) -> Int {
        guard let page else { return 1 }
        let pages = max(1, (totalCount - 1) / effectivePerPage + 1)
        guard page >= 1, page <= pages else { throw .pageOutOfRange(pages: pages, given: page) }
        return page
    }

    /// Rows to skip for `page`.
    public func offset(page: Int) -> Int { (page - 1) * effectivePerPage }
}
