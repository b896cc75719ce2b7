import Foundation
import Synchronization

/// When each transaction was submitted, one log per connection indexed by sequence number,
/// and how the RPCs answered. Shared by the submitting threads and the watcher.
final class LoadSubmitLog: Sendable {
    private let times: Mutex<[[UInt64]]>
    private let answers = Mutex((accepted: 0, refused: 0, failedRequests: 0))

    init(connections: Int) {
        times = Mutex(Array(repeating: [], count: connections))
    }

    /// Appends `count` submissions of `connection` at `time`; their sequence numbers follow on.
    func submitted(connection: Int, count: Int, at time: UInt64) {
        times.withLock { $0[connection].append(contentsOf: repeatElement(time, count: count)) }
    }

    func answered(accepted: Int, refused: Int) {
        answers.withLock { $0.accepted += accepted; $0.refused += refused }
    }

    func requestFailed() { answers.withLock { $0.failedRequests += 1 } }

    /// Submit times of `keys`, `nil` where this run did not send it (or not yet).
    func submitTimes(_ keys: [(connection: Int, sequence: Int)]) -> [UInt64?] {
        times.withLock { times in
            keys.map { key in
                guard times.indices.contains(key.connection), times[key.connection].indices.contains(key.sequence) else {
                    return nil
                }
                return times[key.connection][key.sequence]
            }
        }
    }

    var counts: (accepted: Int, refused: Int, failedRequests: Int) { answers.withLock { $0 } }
}

/// Monotonic nanoseconds: submit and commit times are compared in one process.
enum LoadClock {
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    static func sleep(nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        var left = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var rest = timespec()
        while nanosleep(&left, &rest) != 0 && errno == EINTR { left = rest }
    }
}
