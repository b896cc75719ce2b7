import Glibc
import PalisadeTypes

/// The one place the node reads the wall clock. Consensus inputs carry the time read here, so
/// the WAL replays them with the time they first had.
enum WallClock {
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanos: Int32(spec.tv_nsec))
    }
}
