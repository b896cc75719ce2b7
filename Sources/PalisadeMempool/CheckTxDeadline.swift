import PalisadeABCI
import Synchronization

/// CheckTx did not answer in time (`MempoolConfig.checkTxTimeout`).
public struct CheckTxTimedOut: Error, Sendable, CustomStringConvertible {
    public let timeout: Duration
    public var description: String { "CheckTx did not answer within \(timeout)" }
}

/// The app's CheckTx answer, or `CheckTxTimedOut` once `timeout` has passed. A hung app must not
/// hold the mempool forever: each caller (a client's `broadcast_tx_sync`, the reactor reading a
/// peer's transactions one by one, the recheck the next height waits for) would wait with it.
/// The call runs in a task of its own, so the answer does not wait for an app that ignores
/// cancellation; a call that times out is left to finish whenever the app answers, unheard.
func checkTx(_ request: CheckTxRequest, on app: any Application, within timeout: Duration) async throws -> CheckTxResponse {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CheckTxResponse, any Error>) in
        let answer = OneAnswer(continuation)
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            answer.give(.failure(CheckTxTimedOut(timeout: timeout)))
        }
        Task {
            do { answer.give(.success(try await app.checkTx(request))) } catch { answer.give(.failure(error)) }
            timer.cancel()
        }
    }
}

/// Resumes a continuation with whichever result comes first.
private final class OneAnswer: Sendable {
    private let waiting: Mutex<CheckedContinuation<CheckTxResponse, any Error>?>

    init(_ continuation: CheckedContinuation<CheckTxResponse, any Error>) {
        waiting = Mutex(continuation)
    }

    /// True when this result was the one given.
    @discardableResult
    func give(_ result: Result<CheckTxResponse, any Error>) -> Bool {
        let continuation = waiting.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        continuation?.resume(with: result)
        return continuation != nil
    }
}
