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

/// The app's answers to `requests`, asked one after the other in one task under one deadline
/// for them all (`Mempool.checkTxs`): a batch costs one timer and one continuation, not one of
/// each per transaction. Past `timeout`, every request not yet answered gets `CheckTxTimedOut`
/// (the answers that came in time stand); the rest are left to finish unheard.
func checkTxs(_ requests: [CheckTxRequest], on app: any Application,
              within timeout: Duration) async -> [Result<CheckTxResponse, any Error>] {
    let answered = AnsweredSoFar()
    return await withCheckedContinuation { (continuation: CheckedContinuation<[Result<CheckTxResponse, any Error>], Never>) in
        let answer = OneAnswer(continuation)
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            let done = answered.results
            answer.give(done + Array(repeating: .failure(CheckTxTimedOut(timeout: timeout)), count: requests.count - done.count))
        }
        Task {
            for request in requests {
                do { answered.append(.success(try await app.checkTx(request))) } catch { answered.append(.failure(error)) }
            }
            answer.give(answered.results)
            timer.cancel()
        }
    }
}

/// The answers a batch has had so far, read by its deadline when it passes.
private final class AnsweredSoFar: Sendable {
    private let answers = Mutex<[Result<CheckTxResponse, any Error>]>([])

    func append(_ answer: Result<CheckTxResponse, any Error>) { answers.withLock { $0.append(answer) } }

    var results: [Result<CheckTxResponse, any Error>] { answers.withLock { $0 } }
}

/// Resumes a continuation with whichever value comes first.
private final class OneAnswer<Value: Sendable, Failure: Error>: Sendable {
    private let waiting: Mutex<CheckedContinuation<Value, Failure>?>

    init(_ continuation: CheckedContinuation<Value, Failure>) {
        waiting = Mutex(continuation)
    }

    /// True when this result was the one given.
    @discardableResult
    func give(_ result: Result<Value, Failure>) -> Bool {
        let continuation = waiting.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        continuation?.resume(with: result)
        return continuation != nil
    }
}

extension OneAnswer where Failure == Never {
    @discardableResult
    func give(_ value: Value) -> Bool { give(.success(value)) }
}
