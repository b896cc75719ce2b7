import Glibc
import PalisadeTypes

/// The node's clock: `CLOCK_REALTIME` for timestamps, a sleeping task per timer.
public struct SystemClock: RuntimeClock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanos: Int32(spec.tv_nsec))
    }

    public func schedule(_ event: ConsensusDriver.Event, afterMilliseconds milliseconds: Int64,
                         for driver: ConsensusDriver) {
        guard milliseconds > 0 else {
            driver.enqueue(event)
            return
        }
        Task { [weak driver] in
            try? await Task.sleep(for: .milliseconds(milliseconds))
            driver?.enqueue(event)
        }
    }
}
