import PalisadeABCI

/// A test app that holds every CheckTx until the test releases it, to put other mempool calls
/// between a CheckTx's start and its answer without any sleeping.
actor GateApp: Application {
    private var held: [CheckedContinuation<Void, Never>] = []
    private(set) var calls = 0

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        calls += 1
        await withCheckedContinuation { held.append($0) }
        return CheckTxResponse(code: 0)
    }

    /// Waits (by yielding, not sleeping) until `count` CheckTx calls have arrived.
    nonisolated func waitForCalls(_ count: Int) async {
        while await calls < count { await Task.yield() }
    }

    func releaseAll() {
        for continuation in held { continuation.resume() }
        held.removeAll()
    }
}
