@testable import PalisadeNode
import Testing

/// `broadcast_tx_async` answers before CheckTx; its in-flight submissions are bounded in count
/// and bytes, and what CheckTx answered is released.
@Suite struct SubmissionBudgetTests {
    @Test func countAndBytesAreBoundedAndReleased() {
        let budget = SubmissionBudget(maxCount: 3, maxBytes: 1_000)
        #expect(budget.reserve(400))
        #expect(budget.reserve(400))
        #expect(!budget.reserve(400), "1,200 bytes would pass the byte bound")
        #expect(budget.reserve(100))
        #expect(!budget.reserve(1), "a fourth submission would pass the count bound")
        budget.release(400)
        #expect(budget.reserve(400))
        #expect(budget.inFlight.count == 3 && budget.inFlight.bytes == 900)
    }
}
