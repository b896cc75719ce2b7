import Foundation
import Testing

/// `palisade rollback`, as an operator uses it: one validator's app computes a wrong app hash at
/// one height (a non-deterministic app), its node stores that height and halts on the next block,
/// and no restart gets it past the stored wrong hash until the state is rolled back and the
/// fixed app executes the block again.
@Suite("Localnet: palisade rollback after an app-hash mismatch", .serialized)
struct RollbackLocalnetTests {
    static let validators = 4
    static let faulty = 3
    static let faultHeight: Int64 = 6

    @Test("node3's app answers a wrong app hash at height 6: node3 halts on height 7 naming the mismatch; restarted with a fixed app it halts again; after palisade rollback (to 5) it executes 6 again and follows the chain with one hash per height")
    func rollbackRecoversAFixedApp() async throws {
        let began = Date()
        let (faulty, height) = (Self.faulty, Self.faultHeight)
        let apps = try SocketKVStoreApps(count: Self.validators)
        defer { apps.shutdown() }
        // The faulty node's app keeps its state in memory: "fixed" means a new process that the
        // node replays its stored blocks into, the way an app without its own rollback recovers.
        for index in 0..<Self.validators {
            try await apps.start(index, wrongAppHashAtHeight: index == faulty ? height : nil, persistent: index != faulty)
        }
        let net = try Localnet(extraArguments: ["--proxy-app", apps.proxyAppArgument])
        defer { net.shutdown() }
        let checks = Checks()
        defer {
            if checks.keepFiles {
                let kept = net.keepFiles(as: "rollback")
                try? FileManager.default.copyItem(atPath: apps.directory, toPath: kept + "/apps")
            }
        }
        let watch = LogWatch(net: net, markers: ["node started", "node halted", "start-up failed", "app hash mismatch"])
        try net.startAll()

        // 1. The wrong hash is stored with height 6; block 7 carries the network's: halt.
        let halted = await watch.wait(seconds: 120) { watch.count(faulty, "node halted") > 0 }
        try checks.require(halted, "node\(faulty) never halted; heights \(watch.heights)")
        let exited = await watch.wait(seconds: 60) { !net.isRunning(faulty) }
        try checks.require(exited, "node\(faulty) logged its halt but still runs")
        let haltLine = net.logLines(faulty, containing: ["node halted"], last: 1)
        checks.expect(haltLine.contains("app hash mismatch at height \(height + 1)"), "halt line: \(haltLine)")
        checks.expect(watch.height(faulty) == height, "node\(faulty) committed up to \(watch.height(faulty))")
        checks.expect(net.exitStatus(faulty).map { $0 != 0 } ?? false, "exit status \(String(describing: net.exitStatus(faulty)))")

        // 2. The app fixed, but the node's stored state still carries the wrong hash: replaying
        // block 6 into the fixed app gives the right one, which the store contradicts.
        apps.stop(faulty)
        try await apps.start(faulty, persistent: false)
        try net.start(faulty)
        let refused = await watch.wait(seconds: 60) { !net.isRunning(faulty) }
        try checks.require(refused, "node\(faulty) started past its stored wrong app hash without a rollback")
        checks.expect(watch.count(faulty, "app hash mismatch") >= 2,
                      "second start: \(net.logLines(faulty, containing: ["mismatch", "failed", "halted"], last: 3))")

        // 3. Rolled back to 5, with a fresh copy of the fixed app, the node goes on.
        apps.stop(faulty)
        try await apps.start(faulty, persistent: false)
        guard let binary = Localnet.binary else { throw LocalnetError("no palisade binary") }
        let rollback = try Localnet.runToEnd(binary, ["rollback", "--home", net.home(faulty)])
        checks.expect(rollback.status == 0 && rollback.output.contains("Rolled back state to height \(height - 1)"),
                      "palisade rollback: exit \(rollback.status), \(rollback.output)")
        // A running node is never rolled back under itself.
        let running = try Localnet.runToEnd(binary, ["rollback", "--home", net.home(0)])
        checks.expect(running.status != 0 && running.output.contains("palisade.lock"),
                      "rollback of running node0: exit \(running.status), \(running.output)")
        let halts = watch.count(faulty, "node halted") + watch.count(faulty, "start-up failed")
        try net.start(faulty)
        let target = (watch.heights.max() ?? height) + 3
        let followed = await watch.wait(seconds: 120) { watch.heights.allSatisfy { $0 >= target } }
        checks.expect(followed, "after the rollback, heights \(watch.heights) (wanted \(target) everywhere)\n"
            + net.logLines(faulty, containing: ["mismatch", "failed", "halted", "WAL", "handshake"], last: 8))
        checks.expect(watch.count(faulty, "node halted") + watch.count(faulty, "start-up failed") == halts,
                      "node\(faulty) stopped again: \(net.logLines(faulty, containing: ["halted", "failed"], last: 2))")
        let top = watch.heights.min() ?? 0
        let disagreements = await net.disagreements(at: Localnet.sample(upTo: top) + [height, height + 1])
        checks.expect(disagreements.isEmpty, "block hashes differ: \(disagreements.prefix(5))")
        checks.finish()
        print("[rollback] heights \(watch.heights); wall \(String(format: "%.0f", Date().timeIntervalSince(began))) s")
    }
}
