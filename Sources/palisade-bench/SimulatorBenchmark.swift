import Foundation
import PalisadeSimulator

/// `palisade-bench simulator`: how fast the deterministic simulator runs the node's consensus
/// runtime, as simulated heights per second of wall time (clean network, one run at a time),
/// for 4 and for 100 validators. Every message is encoded, sent, decoded and signature-checked
/// by each receiving driver, as between real nodes.
enum SimulatorBenchmark {
    static func run() {
        let done = DispatchSemaphore(value: 0)
        Task {
            await measure()
            done.signal()
        }
        done.wait()
    }

    static func measure() async {
        print("simulator: clean network, one run at a time, release build recommended")
        _ = await Simulation(seed: 0, scenario: .clean, validators: 4, heights: 5).run()  // warm-up: libsodium, caches
        for (validators, heights) in [(4, 300), (100, 3)] {
            let started = ContinuousClock.now
            let result = await Simulation(seed: 1, scenario: .clean, validators: validators, heights: Int64(heights)).run()
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(result.heightsDecided) / seconds
            print(String(format: "  %3d validators: %4lld heights in %.2f s = %.2f heights/s (%d events, %.0f events/s)%@",
                         validators, result.heightsDecided, seconds, rate, result.events, Double(result.events) / seconds,
                         result.passed ? "" : "  VIOLATIONS: \(result.violations.count)"))
        }
    }
}
