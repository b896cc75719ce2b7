/// Where the indexer fetches blocks it missed: the node's block store and its stored
/// `FinalizeBlock` results. `nil` when the node does not have that height.
public protocol IndexBlockSource: Sendable {
    func indexBlock(at height: Int64) async throws -> IndexBlock?
}

/// Indexes committed blocks in the background so that indexing never holds up consensus.
///
/// The node calls `submit` after each commit; it never waits. Blocks queue up to
/// `queueCapacity`; past that a block is dropped, and the indexer fetches it from the
/// `IndexBlockSource` when the next block shows the gap. After a restart `catchUp(to:)` indexes
/// what was committed but not yet indexed, from `indexedHeight + 1`. Heights are indexed in
/// order; one already indexed is skipped.
public actor IndexerService {
    public nonisolated let index: EventIndex
    private let source: (any IndexBlockSource)?
    private let stream: AsyncStream<IndexBlock>
    private nonisolated let continuation: AsyncStream<IndexBlock>.Continuation

    /// The highest height indexed so far (0 before the first block).
    public private(set) var indexedHeight: Int64
    /// The last failure, kept for the node to log or report; indexing carries on with the next
    /// block, which retries the failed height through the source.
    public private(set) var lastError: IndexerError?

    public init(index: EventIndex, source: (any IndexBlockSource)?, queueCapacity: Int = 256) async throws(IndexerError) {
        self.index = index
        self.source = source
        let (stream, continuation) = AsyncStream.makeStream(of: IndexBlock.self,
                                                            bufferingPolicy: .bufferingOldest(max(1, queueCapacity)))
        self.stream = stream
        self.continuation = continuation
        indexedHeight = try await index.indexedHeight()
    }

    /// Queues a committed block without waiting. `false` when the queue is full and the block
    /// was dropped; it will be fetched from the source later, so the caller need not retry.
    @discardableResult
    public nonisolated func submit(_ block: IndexBlock) -> Bool {
        if case .enqueued = continuation.yield(block) { return true }
        return false
    }

    /// Ends the queue: `run` returns once the blocks already queued are indexed.
    public nonisolated func finish() {
        continuation.finish()
    }

    /// Indexes queued blocks until `finish`. The node runs this in its own task.
    public func run() async {
        for await block in stream {
            await handle(block)
        }
    }

    /// Indexes every height from `indexedHeight + 1` through `height` from the source.
    public func catchUp(to height: Int64) async throws(IndexerError) {
        while indexedHeight < height {
            let next = indexedHeight + 1
            let block: IndexBlock?
            do {
                block = try await source?.indexBlock(at: next)
            } catch {
                throw .sourceFailed(height: next, reason: "\(error)")
            }
            guard let block, block.height == next else { throw .missingBlock(height: next) }
            try await index.index(block)
            indexedHeight = next
        }
    }

    private func handle(_ block: IndexBlock) async {
        guard block.height > indexedHeight else { return }
        if block.height > indexedHeight + 1 {
            do throws(IndexerError) {
                try await catchUp(to: block.height - 1)
            } catch {
                // Better a gap in the index than an index that stops: record it and go on.
                lastError = error
            }
        }
        do throws(IndexerError) {
            try await index.index(block)
            indexedHeight = block.height
        } catch {
            lastError = error
        }
    }
}
