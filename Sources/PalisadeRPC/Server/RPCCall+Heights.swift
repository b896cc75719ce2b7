/// CometBFT's height and paging rules, shared by the methods (`rpc/core/env.go`).
extension RPCCall {
    static let defaultPerPage = 30
    static let maxPerPage = 100

    /// A `height` argument checked against the store: `nil` means `latest`.
    func height(_ requested: Int64?, latest: Int64, base: Int64) throws(RPCError) -> Int64 {
        guard let height = requested else { return latest }
        guard height > 0 else { throw .internalError("height must be greater than 0, but got \(height)") }
        guard height <= latest else {
            throw .internalError("height \(height) must be less than or equal to the current blockchain height \(latest)")
        }
        guard height >= base else { throw .internalError("height \(height) is not available, lowest height is \(base)") }
        return height
    }

    /// A height for a stored block (`block`, `commit`, `block_results`...).
    func storedHeight(_ requested: Int64?) async throws -> Int64 {
        let range = try await backend.blockStoreRange()
        return try height(requested, latest: range.height, base: range.base)
    }

    /// A height for state that exists one block ahead of the store (`validators`,
    /// `consensus_params`: the next height's are known once a block commits).
    func uncommittedHeight(_ requested: Int64?) async throws -> Int64 {
        let range = try await backend.blockStoreRange()
        return try height(requested, latest: range.height + 1, base: range.base)
    }

    static func perPage(_ requested: Int?) -> Int {
        guard let n = requested, n > 0 else { return defaultPerPage }
        return min(n, maxPerPage)
    }

    /// Checks a 1-based page against the number of results (an empty result still has page 1).
    static func page(_ requested: Int?, perPage: Int, total: Int) throws(RPCError) -> Int {
        guard let page = requested else { return 1 }
        let pages = max(1, (total - 1) / perPage + 1)
        guard page >= 1, page <= pages else {
            throw .internalError("page should be within [1, \(pages)] range, given \(page)")
        }
        return page
    }
}
