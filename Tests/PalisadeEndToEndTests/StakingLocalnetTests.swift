import Foundation
import PalisadeCrypto
import PalisadeTypes
import Testing

/// The staking app in-process (`proxy_app = "staking"`) on four real validators. Genesis has no
/// `app_state`, so each genesis validator's 10 power is stake bonded by the validator key's own
/// account (StakingGuide): the test signs staking transactions with node0's
/// `priv_validator_key.json`.
@Suite("Localnet: the staking app", .serialized)
struct StakingLocalnetTests {
    static let validators = 4

    @Test("unbond and bond change the validator set exactly two heights after their block; balances, stake and the set survive a restart of one node and of all nodes, with the same app hashes everywhere")
    func stakingLocalnet() async throws {
        let net = try Localnet(extraArguments: ["--proxy-app", "staking"])
        defer { net.shutdown() }
        let probe = LocalnetProbe(net: net)
        let chainID = try Self.chainID(home: net.home(0))
        let keyFile = net.home(0) + "/config/priv_validator_key.json"
        let key = try PrivValidatorKey(jsonData: Data(contentsOf: URL(fileURLWithPath: keyFile)), fileName: keyFile)
        let validator = key.address.description
        let stranger = Address(bytes: Array(repeating: 0x5A, count: Address.size))
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 2 } },
                "heights \((0..<Self.validators).map(net.height)); node0: \(net.log(0).suffix(2_000))")
        #expect(await probe.stakingJSON(0, "/validator/\(validator)")?["power"] as? String == "10")
        #expect(await probe.stakingJSON(0, "/account/\(validator)")?["balance"] as? String == "0")

        // Unbond 4 of node0's 10: power 6 from H+2 on.
        let tx = StakingTxBytes(key: key.privateKey, chainID: chainID)
        let unbondHeight = try await commit(tx.unbond(amount: 4, nonce: 0), through: 1, net, probe)
        try await expectPower(of: validator, committedAt: unbondHeight, before: 10, after: 6, net, probe)
        // The freed tokens, bonded again in part by the same account: power 8 from H'+2 on.
        let bondHeight = try await commit(tx.bond(validator: key.publicKey, amount: 2, nonce: 1), through: 2, net, probe)
        try await expectPower(of: validator, committedAt: bondHeight, before: 6, after: 8, net, probe)
        _ = try await commit(tx.transfer(to: stranger, amount: 1, nonce: 2), through: 3, net, probe)
        let settled = net.height(0)
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= settled } })
        for index in 0..<Self.validators {
            try await expectState(on: index, validator: validator, stranger: stranger, probe)
        }

        // One node killed and restarted: the app state it reopens (and the blocks it replays or
        // catches up) give the same app hash as everyone else's at every height.
        net.kill9(2)
        let atKill = net.height(0)
        #expect(await net.wait { [0, 1, 3].allSatisfy { net.height($0) >= atKill + 3 } })
        try net.start(2)
        let atRestart = net.height(0)
        #expect(await net.wait { net.height(2) >= atRestart + 2 }, "node2 rejoined: \(net.log(2).suffix(2_000))")
        try await expectSameAppHashes(nodes: [0, 2], upTo: min(net.height(0), net.height(2)), probe)
        try await expectState(on: 2, validator: validator, stranger: stranger, probe)

        // Every node stopped and restarted: the state comes back from the apps' SQLite files,
        // the stored validator set has the bonded powers, and the app hashes agree.
        for index in 0..<Self.validators {
            #expect(net.terminate(index) == 0, "node\(index) stops cleanly on SIGTERM: \(net.log(index).suffix(1_000))")
        }
        let stopped = (0..<Self.validators).map(net.height).max() ?? 0
        let starts = (0..<Self.validators).map { net.log($0).components(separatedBy: "node started").count }
        try net.startAll()
        let up = await net.wait(seconds: 60) {
            (0..<Self.validators).allSatisfy { net.log($0).components(separatedBy: "node started").count > starts[$0] }
        }
        #expect(up, "every node back up: \(net.log(0).suffix(2_000))")
        // "node started" comes just before the RPC server binds.
        for index in 0..<Self.validators {
            #expect(await probe.eventually(seconds: 60) { await net.rpc(index, "status") != nil }, "node\(index) RPC")
        }
        for index in 0..<Self.validators {
            let powers = await probe.powers(index, height: stopped)
            #expect(powers?[validator] == 8 && powers?.count == Self.validators, "node\(index): \(String(describing: powers))")
        }
        // Every node's staking state has every committed transaction after the full restart
        // (issue 11: once in about ten runs one node's state lacked the last one).
        for index in 0..<Self.validators {
            try await expectState(on: index, validator: validator, stranger: stranger, probe)
        }
        // The chain goes on after all four stopped (issue 11: it could stall in its first round,
        // the restarted nodes holding votes for a proposal none of them could show again).
        let resumed = await net.wait(seconds: 45) { (0..<Self.validators).allSatisfy { net.height($0) >= stopped + 3 } }
        #expect(resumed, "heights \((0..<Self.validators).map(net.height))")
        let top = (0..<Self.validators).map(net.height).min() ?? 0
        try await expectSameAppHashes(nodes: Array(0..<Self.validators), upTo: top, probe)
    }

    /// Sends `tx` through node `index` and waits until it is committed with code 0; its height.
    private func commit(_ tx: Bytes, through index: Int, _ net: Localnet, _ probe: LocalnetProbe) async throws -> Int64 {
        let sent = await net.rpc(index, "broadcast_tx_sync?tx=0x\(tx.upperHex)")
        try #require((sent?["code"] as? Int) == 0, "CheckTx: \(String(describing: sent))")
        let hash = try #require(sent?["hash"] as? String)
        var found: (height: Int64, code: Int)?
        _ = await probe.eventually { found = await probe.committedTx(index, hash: hash); return found != nil }
        let committed = try #require(found, "tx \(hash) never committed")
        #expect(committed.code == 0, "tx \(hash) failed in FinalizeBlock")
        return committed.height
    }

    /// The validator set of H+1 still has the old power; that of H+2 the new one (on two nodes).
    private func expectPower(of validator: String, committedAt height: Int64, before: Int64, after: Int64,
                             _ net: Localnet, _ probe: LocalnetProbe) async throws {
        #expect(await net.wait { net.height(0) >= height + 2 && net.height(3) >= height + 2 })
        for index in [0, 3] {
            let next = await probe.powers(index, height: height + 1)
            let effective = await probe.powers(index, height: height + 2)
            #expect(next?[validator] == before, "node\(index) height \(height + 1): \(String(describing: next))")
            #expect(effective?[validator] == after, "node\(index) height \(height + 2): \(String(describing: effective))")
        }
    }

    private func expectState(on index: Int, validator: String, stranger: Address, _ probe: LocalnetProbe) async throws {
        let owner = await probe.stakingJSON(index, "/account/\(validator)")
        #expect(owner?["balance"] as? String == "1" && owner?["nonce"] as? String == "3", "node\(index) owner \(String(describing: owner))")
        let other = await probe.stakingJSON(index, "/account/\(stranger)")
        #expect(other?["balance"] as? String == "1", "node\(index) stranger \(String(describing: other))")
        let bonded = await probe.stakingJSON(index, "/validator/\(validator)")
        #expect(bonded?["bonded"] as? String == "8" && bonded?["power"] as? String == "8", "node\(index) \(String(describing: bonded))")
        let supply = await probe.stakingJSON(index, "/supply")
        #expect(supply?["total"] as? String == "40" && supply?["bonded"] as? String == "38", "node\(index) \(String(describing: supply))")
    }

    private func expectSameAppHashes(nodes: [Int], upTo top: Int64, _ probe: LocalnetProbe) async throws {
        try #require(top >= 1)
        for height in Int64(1)...top {
            var hashes: [String?] = []
            for index in nodes { hashes.append(await probe.appHash(index, height: height)) }
            #expect(hashes[0] != nil && hashes.allSatisfy { $0 == hashes[0] }, "height \(height): \(hashes)")
        }
    }

    private static func chainID(home: String) throws -> String {
        let path = home + "/config/genesis.json"
        let genesis = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        guard let chainID = genesis?["chain_id"] as? String else { throw LocalnetError("\(path): no chain_id") }
        return chainID
    }
}

extension LocalnetProbe {
    /// A staking app query (`/account/…`, `/validator/…`, `/supply`), its JSON answer.
    func stakingJSON(_ index: Int, _ path: String) async -> [String: Any]? {
        guard let data = await queryValue(index, path: path) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}

/// Staking transactions built from the layout `StakingGuide` documents, independently of the
/// app's own `StakingTx`, so the test also checks that the documented wire form is the real one:
/// version 1 ‖ action tag ‖ signer key (32) ‖ nonce (8, big-endian) ‖ payload ‖ Ed25519 signature
/// over uvarint(len chain id) ‖ chain id ‖ everything before the signature.
struct StakingTxBytes {
    let key: Ed25519PrivateKey
    let chainID: String

    func transfer(to recipient: Address, amount: Int64, nonce: UInt64) -> Bytes {
        signed(tag: 1, nonce: nonce, payload: recipient.bytes + Self.bigEndian(UInt64(amount)))
    }

    func bond(validator: Ed25519PublicKey, amount: Int64, nonce: UInt64) -> Bytes {
        signed(tag: 2, nonce: nonce, payload: validator.bytes + Self.bigEndian(UInt64(amount)))
    }

    func unbond(amount: Int64, nonce: UInt64) -> Bytes {
        signed(tag: 3, nonce: nonce, payload: Self.bigEndian(UInt64(amount)))
    }

    private func signed(tag: UInt8, nonce: UInt64, payload: Bytes) -> Bytes {
        let unsigned: Bytes = [1, tag] + key.publicKey.bytes + Self.bigEndian(nonce) + payload
        var signBytes: Bytes = []
        Varint.append(UInt64(chainID.utf8.count), to: &signBytes)
        signBytes += Array(chainID.utf8) + unsigned
        return unsigned + key.sign(signBytes)
    }

    private static func bigEndian(_ value: UInt64) -> Bytes {
        stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: value >> UInt64($0)) }
    }
}
