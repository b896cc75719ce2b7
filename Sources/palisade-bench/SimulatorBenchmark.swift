import Foundation
import PalisadeSimulator

/// `palisade-bench simulator`: how fast the deterministic simulator runs consensus, as simulated
/// heights per second of wall time (clean network, one core), for 4 and for 100 validators.
/// Each height costs every node a `handle` per vote and proposal; signatures are checked once
/// per signed message (the simulator caches the verdict across receivers).
enum SimulatorBenchmark {
    static func run() {
        print("simulator: clean network, one thread, release build recommended")
        _ = Simulation(seed: 0, scenario: .clean, validators: 4, heights: 5).run()  // warm-up: libsodium, caches
        for (validators, heights) in [(4, 300), (100, 8)] {
            let started = ContinuousClock.now
            let result = Simulation(seed: 1, scenario: .clean, validators: validators, heights: Int64(heights)).run()
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(result.heightsDecided) / seconds
            print(String(format: "  %3d validators: %4lld heights in %.2f s = %.1f heights/s (%d events, %.0f events/s)%@",
                         validators, result.heightsDecided, seconds, rate, result.events, Double(result.events) / seconds,
                         result.passed ? "" : "  VIOLATIONS: \(result.violations.count)"))
        }
    }
}
