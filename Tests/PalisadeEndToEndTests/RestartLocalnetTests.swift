import Foundation
import Testing

/// Every validator of a four-node localnet stopped at once and started again, on real
/// processes: the restarts a power cut, an operator's rolling mistake or an app that rejects a
/// block cause in the field. After each one the chain must go on and every node must report one
/// block hash per height.
///
/// The suite runs quick sizes (3 SIGKILL rounds, 2 SIGTERM rounds); `Scripts/restart-loop` runs
/// 20 and 10 through `RESTART_ROUNDS` and `RESTART_ROUNDS_TERM`. The kill moments come from a
/// seeded generator (`RESTART_SEED` to replay one; the seed is printed). A failing run keeps the
/// localnet's files (logs, data directories) under `/tmp/palisade-restart-logs`.
@Suite("Localnet: restarts of every validator", .serialized)
struct RestartLocalnetTests {
    static let validators = 4
    /// The issue's bound: after a full restart the chain passes its previous height within 30 s.
    static let recoverySeconds = 30.0

    @Test("SIGKILL all four at a random moment under transaction load, then start all four: each round the chain passes its previous height within 30 s; one block hash per height on every node; nobody equivocates")
    func sigkillAllUnderLoad() async throws {
        let rounds = RestartEnvironment.integer("RESTART_ROUNDS", default: 3)
        try await fullRestartRounds(rounds: rounds, name: "sigkill") { net in
            net.kill9All()
            return []
        }
    }

    @Test("SIGTERM all four under transaction load, then start all four: each exits 0, the chain passes its previous height within 30 s; one block hash per height on every node")
    func sigtermAllUnderLoad() async throws {
        let rounds = RestartEnvironment.integer("RESTART_ROUNDS_TERM", default: 2)
        try await fullRestartRounds(rounds: rounds, name: "sigterm") { net in
            let statuses = net.terminateAll(seconds: 60)
            return (0..<Self.validators).compactMap { index in
                let status = statuses[index] ?? nil
                return status == 0 ? nil : "node\(index) exit status \(status.map(String.init) ?? "none (killed after 60 s)")"
            }
        }
    }

    /// Rounds of: wait for a kill moment, stop all four with `stop` (which returns complaints
    /// about how they stopped), start all four, wait until every node is past the highest height
    /// any node had logged. A steady transaction load runs throughout.
    private func fullRestartRounds(rounds: Int, name: String,
                                   stop: (Localnet) -> [String]) async throws {
        let began = Date()
        let seed = RestartEnvironment.seed()
        print("[\(name)] seed \(seed) (RESTART_SEED=\(seed) replays the kill moments), \(rounds) rounds")
        var generator = SeededGenerator(seed: seed)
        let net = try Localnet()
        defer { net.shutdown() }
        let checks = Checks()
        defer { if checks.keepFiles { net.keepFiles(as: "\(name)-seed\(seed)") } }
        let watch = LogWatch(net: net)
        try net.startAll()
        let started = await watch.wait(seconds: 120) { watch.heights.allSatisfy { $0 >= 2 } }
        try checks.require(started, "first blocks: heights \(watch.heights); node0: \(net.log(0).suffix(2_000))")
        let load = TxLoad()
        load.start(ports: (0..<Self.validators).map(net.rpcPort), tag: "\(name)")

        var completed = 0
        for round in 0..<rounds {
            // Half the rounds die just after a commit (in timeout_commit or the next height's
            // first steps), the others at any moment of a height a second or two later.
            let afterCommit = round == 0 ? true : round == 1 ? false : Bool.random(using: &generator)
            let delay = afterCommit ? Int.random(in: 0...300, using: &generator) : Int.random(in: 300...2_500, using: &generator)
            watch.poll()
            let before = watch.height(0)
            let fresh = await watch.wait(seconds: 60, interval: .milliseconds(2)) { watch.height(0) > before }
            checks.expect(fresh, "round \(round): no commit on node0 past \(before) before the kill; heights \(watch.heights)")
            let committedBefore = watch.height(0)
            try await Task.sleep(for: .milliseconds(delay))
            let complaints = stop(net)
            for complaint in complaints { checks.expect(false, "round \(round): \(complaint)") }
            watch.poll()
            let reached = watch.heights.max() ?? 0
            print("[\(name)] round \(round): stopped \(delay) ms after node0 committed \(committedBefore) "
                + "(\(afterCommit ? "just after a commit" : "mid-chain")); heights \(watch.heights)")

            let restartedAt = Date()
            try net.startAll()
            let recovered = await watch.wait(seconds: Self.recoverySeconds) { watch.heights.allSatisfy { $0 > reached } }
            watch.poll()
            let took = Date().timeIntervalSince(restartedAt)
            print("[\(name)] round \(round): \(recovered ? "past \(reached) after \(String(format: "%.1f", took)) s" : "STALLED"); heights \(watch.heights)")
            checks.expect(recovered, "round \(round) (seed \(seed)): the chain did not pass height \(reached) within "
                + "\(Int(Self.recoverySeconds)) s of a full restart; heights \(watch.heights)\n" + diagnostics(net))
            guard recovered else { break }
            completed += 1
        }
        await load.stop()
        let (accepted, sent) = (load.accepted, load.sent)
        print("[\(name)] transactions: \(accepted) of \(sent) accepted")

        watch.poll()
        let top = watch.heights.min() ?? 0
        let disagreements = await net.disagreements(at: Localnet.sample(upTo: top))
        checks.expect(disagreements.isEmpty, "block hashes differ: \(disagreements.prefix(5))")
        checks.expect(top >= 1, "no height on every node")
        for index in 0..<Self.validators {
            checks.expect(watch.count(index, "equivocation") == 0,
                          "node\(index) saw an equivocation: \(net.logLines(index, containing: ["equivocation"]))")
        }
        checks.finish()
        print("[\(name)] \(completed) of \(rounds) rounds recovered, wall \(String(format: "%.0f", Date().timeIntervalSince(began))) s")
    }

    /// Restarting validators before the first block: node0 and node1 (two of four, too few to
    /// commit) start, sign their first votes at height 1 and are killed; then all four start.
    ///
    /// The reference is the same localnet (same genesis, keys, ports) run first from the same
    /// pristine homes and never stopped: with no transactions the kvstore's app hash depends
    /// only on InitChain's validators and the blocks' (empty) contents, not on block times, so
    /// both runs must give the same app hash at every height. A restarted app that lost
    /// InitChain's result (the kvstore keeps it in memory until its first Commit) would give
    /// another hash from height 2 on.
    @Test("two of four validators started and killed before the first block, then all four started: the chain reaches height 5 with the app hashes of a localnet that never stopped")
    func restartBeforeFirstBlock() async throws {
        let began = Date()
        let seed = RestartEnvironment.seed()
        var generator = SeededGenerator(seed: seed)
        let net = try Localnet()
        defer { net.shutdown() }
        let checks = Checks()
        defer { if checks.keepFiles { net.keepFiles(as: "before-first-block-seed\(seed)") } }
        let pristine = net.root + "-pristine"
        try FileManager.default.copyItem(atPath: net.root, toPath: pristine)
        defer { try? FileManager.default.removeItem(atPath: pristine) }

        // The reference run: four nodes from genesis, never stopped.
        try net.startAll()
        let referenceWatch = LogWatch(net: net)
        let referenceUp = await referenceWatch.wait(seconds: 120) { referenceWatch.heights.allSatisfy { $0 >= 6 } }
        try checks.require(referenceUp, "reference localnet: heights \(referenceWatch.heights); node0: \(net.log(0).suffix(2_000))")
        let probe = LocalnetProbe(net: net)
        var reference: [Int64: String] = [:]
        for height in Int64(1)...5 {
            let found = await probe.appHash(0, height: height)
            try checks.require(found != nil, "reference app hash at \(height)")
            let hash = found ?? ""
            reference[height] = hash
            for index in 1..<Self.validators {
                let other = await probe.appHash(index, height: height)
                try checks.require(other == hash, "reference localnet: node\(index) app hash \(String(describing: other)) at \(height), node0 \(hash)")
            }
        }
        net.kill9All()
        try FileManager.default.removeItem(atPath: net.root)
        try FileManager.default.copyItem(atPath: pristine, toPath: net.root)

        // Two of four start, sign what they can at height 1, and die.
        let watch = LogWatch(net: net)
        try net.start(0)
        try net.start(1)
        let up = await watch.wait(seconds: 60) { watch.count(0, "node started") >= 1 && watch.count(1, "node started") >= 1 }
        try checks.require(up, "node0/node1 never logged node started: \(net.log(0).suffix(2_000))")
        // Before or after timeout_propose (3 s): with two of four up and the round's proposer
        // possibly absent, they have signed nothing yet, or a nil prevote at height 1.
        let delay = Int.random(in: 300...4_500, using: &generator)
        try await Task.sleep(for: .milliseconds(delay))
        net.kill9All()
        watch.poll()
        checks.expect(watch.heights.allSatisfy { $0 == 0 }, "two of four committed a block: \(watch.heights)")
        let signed = [0, 1].map { (try? LocalnetProbe.signState(home: net.home($0)))?.description ?? "none" }
        print("[before-first-block] seed \(seed): node0 and node1 killed \(delay) ms after node started; signer states \(signed)")

        // All four: the chain must reach height 5 with the reference app hashes.
        try net.startAll()
        // A localnet with timeout_commit 100 ms makes five blocks in a few seconds: 60 s is generous.
        let reached = await watch.wait(seconds: 60) { watch.heights.allSatisfy { $0 >= 5 } }
        checks.expect(reached, "after the restart before the first block: heights \(watch.heights)\n" + diagnostics(net))
        if reached {
            for height in Int64(1)...5 {
                for index in 0..<Self.validators {
                    let hash = await probe.appHash(index, height: height)
                    checks.expect(hash == reference[height], "node\(index) app hash at height \(height): "
                        + "\(String(describing: hash)), the never-stopped localnet's: \(reference[height] ?? "?")")
                }
            }
            for index in 0..<Self.validators {
                let info = await net.rpc(index, "abci_info")?["response"] as? [String: Any]
                let appHeight = (info?["last_block_height"] as? String).flatMap { Int64($0) } ?? 0
                checks.expect(appHeight >= 5, "node\(index) abci_info: \(String(describing: info))")
            }
        }
        checks.finish()
        print("[before-first-block] wall \(String(format: "%.0f", Date().timeIntervalSince(began))) s")
    }

    /// The height at which the faulty apps refuse FinalizeBlock.
    static let faultHeight: Int64 = 6

    @Test("node0's app fails in FinalizeBlock at height 6: node0 halts naming FinalizeBlock while the others go on; restarted with the app fixed (same database), node0 finishes height 6 and commits the others' blocks")
    func finalizeBlockFailureOnOneNode() async throws {
        try await finalizeBlockFailure(faulty: [0], name: "finalize-fault-node0")
    }

    @Test("every app fails in FinalizeBlock at height 6: all four halt naming FinalizeBlock; restarted with the apps fixed (same databases), they finish height 6 and go on with one hash per height")
    func finalizeBlockFailureOnAllNodes() async throws {
        try await finalizeBlockFailure(faulty: Array(0..<Self.validators), name: "finalize-fault-all")
    }

    /// Apps served by `palisade app kvstore` over ABCI sockets, those in `faulty` refusing
    /// FinalizeBlock at `faultHeight`; their nodes must halt, and once the apps are restarted
    /// without the fault (same SQLite files) and the nodes started again, finish that height.
    private func finalizeBlockFailure(faulty: [Int], name: String) async throws {
        let began = Date()
        let height = Self.faultHeight
        let apps = try SocketKVStoreApps(count: Self.validators)
        defer { apps.shutdown() }
        for index in 0..<Self.validators {
            try await apps.start(index, failFinalizeAtHeight: faulty.contains(index) ? height : nil)
        }
        let net = try Localnet(extraArguments: ["--proxy-app", apps.proxyAppArgument])
        defer { net.shutdown() }
        let checks = Checks()
        defer {
            if checks.keepFiles {
                let kept = net.keepFiles(as: name)
                try? FileManager.default.copyItem(atPath: apps.directory, toPath: kept + "/apps")
            }
        }
        let watch = LogWatch(net: net)
        try net.startAll()
        let load = TxLoad()
        load.start(ports: (0..<Self.validators).map(net.rpcPort), tag: name)

        // The faulty nodes halt on their own, naming FinalizeBlock, without committing `height`.
        // With every app faulty, a node can miss the decision (the others halted before their
        // precommits reached it); it then waits at `height` undecided, which is no error: it is
        // stopped with the others. At least one node must have decided and halted.
        _ = await watch.wait(seconds: 60) { faulty.contains { watch.count($0, "node halted") > 0 } }
        let everyone = await watch.wait(seconds: 15) { faulty.allSatisfy { watch.count($0, "node halted") > 0 } }
        await load.stop()
        let halting = faulty.filter { watch.count($0, "node halted") > 0 }
        if faulty.count == 1 {
            try checks.require(everyone, "node\(faulty[0]) never logged node halted; heights \(watch.heights)\n" + diagnostics(net))
        } else {
            try checks.require(!halting.isEmpty, "no node logged node halted; heights \(watch.heights)\n" + diagnostics(net))
        }
        // A node that logged its halt must also exit (non-zero); one that hangs instead is
        // reported and killed, so the restart below is still tried.
        let exited = await watch.wait(seconds: 60) { halting.allSatisfy { !net.isRunning($0) } }
        let hung = halting.filter { net.isRunning($0) }
        checks.expect(exited, "nodes \(hung) logged node halted but were still running 60 s later")
        for index in halting where !hung.contains(index) {
            let status = net.exitStatus(index)
            checks.expect(status != nil && status != 0, "node\(index) exit status \(String(describing: status))")
        }
        for index in halting {
            let haltLine = net.logLines(index, containing: ["node halted"], last: 1)
            checks.expect(haltLine.contains("FinalizeBlock"), "node\(index) halt line names FinalizeBlock: \(haltLine)")
        }
        let undecided = faulty.filter { !halting.contains($0) }
        for index in faulty {
            // A halted node decided `height` and so holds `height - 1`; an undecided one may lag.
            let committed = watch.height(index)
            checks.expect(undecided.contains(index) ? committed < height : committed == height - 1,
                          "node\(index) committed up to \(committed) (fault at \(height))")
        }
        for index in hung + undecided { net.kill9(index) }
        let healthy = (0..<Self.validators).filter { !faulty.contains($0) }
        if !healthy.isEmpty {
            let goOn = await watch.wait(seconds: 60) { healthy.allSatisfy { watch.height($0) >= height + 2 } }
            checks.expect(goOn, "the healthy nodes \(healthy) stopped: heights \(watch.heights)")
        }
        print("[\(name)] halted at \(height): nodes \(halting) (undecided, stopped with SIGKILL: \(undecided)); heights \(watch.heights); "
            + "\(halting.map { "node\($0): \(net.logLines($0, containing: ["node halted"], last: 1))" })")

        // The apps fixed (restarted without the fault, same databases), the nodes started again.
        for index in faulty {
            apps.stop(index)
            try await apps.start(index)
        }
        let target = (watch.heights.max() ?? height) + 3
        for index in faulty { try net.start(index) }
        let finished = await watch.wait(seconds: 60) { watch.heights.allSatisfy { $0 >= target } }
        checks.expect(finished, "after the apps were fixed, heights \(watch.heights) (wanted \(target) on every node)\n"
            + diagnostics(net))
        watch.poll()
        let top = watch.heights.min() ?? 0
        let disagreements = await net.disagreements(at: Localnet.sample(upTo: top))
        checks.expect(disagreements.isEmpty, "block hashes differ: \(disagreements.prefix(5))")
        if finished {
            let probe = LocalnetProbe(net: net)
            for check in [height, height + 1] {
                var hashes: [String?] = []
                for index in 0..<Self.validators { hashes.append(await probe.appHash(index, height: check)) }
                checks.expect(hashes[0] != nil && hashes.allSatisfy { $0 == hashes[0] }, "app hashes at \(check): \(hashes)")
            }
        }
        checks.finish()
        print("[\(name)] wall \(String(format: "%.0f", Date().timeIntervalSince(began))) s")
    }

    /// The log lines a stall leaves, per node: signer refusals, waits for block bytes, halts,
    /// errors, and the last consensus steps.
    private func diagnostics(_ net: Localnet) -> String {
        (0..<Self.validators).map { index in
            let lines = net.logLines(index, containing: ["refused", "conflicting", "waiting for it", "halted", "mismatch",
                                                         "error", "critical", "node started", "handshake"], last: 10)
            return "node\(index) (\(net.isRunning(index) ? "running" : "exited \(net.exitStatus(index).map(String.init) ?? "?")")):\n\(lines)"
        }.joined(separator: "\n")
    }
}
