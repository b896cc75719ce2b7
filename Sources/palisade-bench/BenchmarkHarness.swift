import Foundation

/// Timing rules every benchmark here follows: warm up first (page faults, caches, lazy
/// initialisation such as libsodium's), then repeat the operation in batches until about a
/// second has passed, and report the mean. Each operation returns a byte that is folded into
/// `sink`, so the optimiser cannot delete work whose result is otherwise unused.
enum BenchmarkHarness {
    nonisolated(unsafe) static var sink: UInt8 = 0

    struct Result {
        var operations: Int
        var elapsed: Duration

        var seconds: Double {
            let (s, attoseconds) = elapsed.components
            return Double(s) + Double(attoseconds) * 1e-18
        }

        var perSecond: Double { Double(operations) / seconds }
        var secondsEach: Double { seconds / Double(operations) }
    }

    /// Runs `operation` for at least `duration` after `warmUp`, in batches of `batch` calls so
    /// the clock is read rarely compared with the work measured.
    static func measure(warmUp: Duration = .milliseconds(250), duration: Duration = .seconds(1), batch: Int = 1,
                        _ operation: () -> UInt8) -> Result {
        let clock = ContinuousClock()
        var checksum: UInt8 = 0
        let warmUpEnd = clock.now.advanced(by: warmUp)
        repeat {
            for _ in 0..<batch { checksum &+= operation() }
        } while clock.now < warmUpEnd

        var operations = 0
        let start = clock.now
        var now = start
        repeat {
            for _ in 0..<batch { checksum &+= operation() }
            operations += batch
            now = clock.now
        } while now - start < duration
        sink &+= checksum
        return Result(operations: operations, elapsed: now - start)
    }

    /// One line of the report: a left-aligned label and the figures.
    static func report(_ label: String, _ figures: String) {
        print(label.padding(toLength: 38, withPad: " ", startingAt: 0) + figures)
    }

    static func format(_ value: Double, decimals: Int = 0) -> String {
        let text = String(format: "%.\(decimals)f", value)
        // Thousands separators on the integer part, for reading large rates at a glance.
        let parts = text.split(separator: ".", maxSplits: 1)
        var integer = String(parts[0])
        var grouped = ""
        while integer.count > 3 {
            grouped = "," + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        grouped = integer + grouped
        return parts.count == 2 ? grouped + "." + parts[1] : grouped
    }

    /// Seconds as the most readable unit (ns, µs, ms, s).
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: format(seconds * 1e9, decimals: 1) + " ns"
        case ..<1e-3: format(seconds * 1e6, decimals: 2) + " µs"
        case ..<1: format(seconds * 1e3, decimals: 2) + " ms"
        default: format(seconds, decimals: 3) + " s"
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
