import Synchronization

/// The first failure on any of a client's four connections. Shared by the connections, so one
/// failure fails the whole client: later calls on every connection throw it, and the
/// `onFirstFailure` hook closes the other sockets.
final class ABCIClientFailure: Sendable {
    private let state = Mutex<ABCIClientError?>(nil)
    private let hook = Mutex<(@Sendable (ABCIClientError) -> Void)?>(nil)

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
        if isFirst, let action = hook.withLock({ $0 }) { action(standing) }
        return standing
    }
}
