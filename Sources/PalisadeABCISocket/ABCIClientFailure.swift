import Synchronization

/// The first failure on any of a client's four connections. Shared by the connections, so one
/// failure fails the whole client: later calls on every connection throw it, and the
/// `onFirstFailure` hook closes the other sockets.
final class ABCIClientFailure: Sendable {
    private struct Watchers {
        var next = 0
        var waiting: [Int: CheckedContinuation<ABCIClientError?, Never>] = [:]
    }

    private let state = Mutex<ABCIClientError?>(nil)
    private let hook = Mutex<(@Sendable (ABCIClientError) -> Void)?>(nil)
    private let watchers = Mutex(Watchers())

    var current: ABCIClientError? { state.withLock { $0 } }

    func onFirstFailure(_ action: @escaping @Sendable (ABCIClientError) -> Void) {
        hook.withLock { $0 = action }
    }

    /// Records `error` unless a failure is already recorded; returns the one that stands.
    @discardableResult
    func record(_ error: ABCIClientError) -> ABCIClientError {
        let (standing, isFirst) = state.withLock { current -> (ABCIClientError, Bool) in
            if let current { return (current, false) }
            current = error
            return (error, true)
        }
        if isFirst {
            if let action = hook.withLock({ $0 }) { action(standing) }
            // After `state` is set: a watcher that registers from now on sees it at once.
            let woken = watchers.withLock { watchers in
                defer { watchers.waiting = [:] }
                return Array(watchers.waiting.values)
            }
            for continuation in woken { continuation.resume(returning: standing) }
        }
        return standing
    }

    /// Suspends until a failure is recorded and returns it; nil if the task is cancelled first.
    func wait() async -> ABCIClientError? {
        let id = watchers.withLock { watchers in
            defer { watchers.next += 1 }
            return watchers.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ABCIClientError?, Never>) in
                // Checked under the watchers' lock, which `record` takes only after setting
                // `state`: either the failure is seen here or this continuation is resumed there.
                let resumeNow: ABCIClientError?? = watchers.withLock { watchers in
                    if let failure = current { return .some(failure) }
                    if Task.isCancelled { return .some(nil) }
                    watchers.waiting[id] = continuation
                    return .none
                }
                if let result = resumeNow { continuation.resume(returning: result) }
            }
        } onCancel: {
            watchers.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}
