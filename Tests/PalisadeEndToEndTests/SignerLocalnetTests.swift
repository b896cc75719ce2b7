import Foundation
import Glibc
import PalisadeCrypto
import Testing

/// Issue #15 item 5 end to end: four validators whose nodes hold no signing key in use
/// (`priv_validator_laddr` set), each signing through its own `palisade signer` process over the
/// privval protocol, two over unix sockets and two over TCP with the SecretConnection. One signer is SIGKILLed mid-run: the other three carry the
/// chain on (3 of 4 is over two thirds), and its validator signs again once it is restarted.
/// No block carries evidence and no node saw an equivocation: nobody signed twice.
@Suite("Remote signers on a localnet: privval, a signer killed and restarted", .serialized)
struct SignerLocalnetTests {
    @Test("the chain goes on without one signer; the restarted signer's validator signs again; no double-sign")
    func signerKilledAndRestarted() async throws {
        let net = try Localnet()
        let signers = try SignerProcesses(net: net)
        defer {
            signers.shutdown()
            net.shutdown()
        }
        for index in 0..<net.validators {
            try signers.configureNode(index)
            try signers.start(index)
            try net.start(index)
        }
        #expect(await net.wait { (0..<4).allSatisfy { net.height($0) >= 3 } },
                "node0 log: \(net.log(0).suffix(3_000))")
        #expect(net.log(1).contains("remote signer connected"))

        let victim = 1
        let victimAddress = try signers.address(victim)
        signers.kill9(victim)
        let killedAt = net.height(0)
        #expect(await net.wait { [0, 2, 3].allSatisfy { net.height($0) >= killedAt + 4 } },
                "the other three go on: heights \((0..<4).map { net.height($0) })")
        // Blocks committed while the signer was down carry no precommit of its validator.
        let downHeight = killedAt + 3
        #expect(await Self.signers(net, height: downHeight).contains(victimAddress) == false)

        try signers.start(victim)
        let restartedAt = net.height(0)
        var signedAgain: Int64?
        let deadline = Date().addingTimeInterval(120)
        var scanned = restartedAt
        while signedAgain == nil, Date() < deadline {
            let top = net.height(0) - 1
            while signedAgain == nil, scanned < top {
                scanned += 1
                if await Self.signers(net, height: scanned).contains(victimAddress) { signedAgain = scanned }
            }
            if signedAgain == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(signedAgain != nil, """
            no commit after the restart carries node\(victim)'s precommit; \
            signer log: \(signers.log(victim).suffix(2_000)); node log: \(net.log(victim).suffix(2_000))
            """)

        // Nobody double-signed: no equivocation seen, no evidence in any block.
        let top = net.height(0)
        for height in 1...top {
            let block = await net.rpc(0, "block?height=\(height)")?["block"] as? [String: Any]
            let evidence = (block?["evidence"] as? [String: Any])?["evidence"] as? [Any] ?? []
            #expect(evidence.isEmpty, "evidence at height \(height)")
        }
        for index in 0..<net.validators {
            #expect(!net.log(index).contains("equivocation"), "node\(index) saw an equivocation")
            #expect(net.isRunning(index), "node\(index) kept running")
        }
        // The nodes' own key files never signed: their state files were never written past the start.
        #expect(try LocalnetProbe.signState(home: net.home(0)).height == 0)
    }

    /// Validator addresses whose precommits are in the commit for `height`.
    static func signers(_ net: Localnet, height: Int64) async -> Set<String> {
        let commit = (await net.rpc(0, "commit?height=\(height)"))?["signed_header"] as? [String: Any]
        let signatures = (commit?["commit"] as? [String: Any])?["signatures"] as? [[String: Any]] ?? []
        return Set(signatures.compactMap { entry in
            (entry["block_id_flag"] as? Int) == 2 ? entry["validator_address"] as? String : nil
        })
    }
}

/// `palisade signer` processes for a localnet's validators: signer `i` holds node `i`'s key and
/// its own state file, and dials node `i`'s `priv_validator_laddr`.
final class SignerProcesses: @unchecked Sendable {
    let net: Localnet
    let chainID: String
    private var processes: [Int: Process] = [:]

    init(net: Localnet) throws {
        self.net = net
        let genesis = try Data(contentsOf: URL(fileURLWithPath: net.home(0) + "/config/genesis.json"))
        guard let object = try JSONSerialization.jsonObject(with: genesis) as? [String: Any],
              let chainID = object["chain_id"] as? String else { throw LocalnetError("genesis.json: no chain_id") }
        self.chainID = chainID
    }

    /// Odd validators over `tcp://` (CometBFT's SecretConnection under the frames), even ones over a
    /// unix socket in the home (plaintext). The port beside each node's RPC port is free: the
    /// localnet checked its whole range.
    func socket(_ index: Int) -> String {
        index % 2 == 1 ? "tcp://127.0.0.1:\(net.rpcPort(index) + 1)" : "unix://" + net.home(index) + "/privval.sock"
    }
    func keyPath(_ index: Int) -> String { net.home(index) + "/config/priv_validator_key.json" }
    func statePath(_ index: Int) -> String { net.root + "/signer\(index)_state.json" }
    func logPath(_ index: Int) -> String { net.root + "/signer\(index).log" }
    func log(_ index: Int) -> String { (try? String(contentsOfFile: logPath(index), encoding: .utf8)) ?? "" }

    func address(_ index: Int) throws -> String {
        try PrivValidatorKey(jsonData: Data(contentsOf: URL(fileURLWithPath: keyPath(index)))).address.description
    }

    /// Sets `priv_validator_laddr` in node `index`'s config.toml.
    func configureNode(_ index: Int) throws {
        let path = net.home(index) + "/config/config.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let line = "priv_validator_laddr = \"\""
        guard text.contains(line) else { throw LocalnetError("\(path) has no \(line) line") }
        try text.replacingOccurrences(of: line, with: "priv_validator_laddr = \"\(socket(index))\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    func start(_ index: Int) throws {
        processes[index] = try Localnet.spawn(["signer", "--addr", socket(index), "--key", keyPath(index),
                                               "--state", statePath(index), "--chain-id", chainID],
                                              log: logPath(index))
    }

    func kill9(_ index: Int) {
        guard let process = processes[index] else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        processes[index] = nil
    }

    func shutdown() {
        for index in processes.keys.sorted() { kill9(index) }
    }
}
