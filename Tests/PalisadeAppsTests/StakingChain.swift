import Foundation
import PalisadeABCI
import PalisadeApps

/// Drives a staking app as the node would (InitChain, then FinalizeBlock and Commit per height),
/// with a cast of keys: two funded accounts, a third owner, and two genesis validators.
struct StakingChain {
    static let chainID = "staking-test"
    static func key(_ seed: UInt8) -> Ed25519PrivateKey { Ed25519PrivateKey(seed: Bytes(repeating: seed, count: 32))! }
    static let alice = key(11)
    static let bob = key(12)
    static let carol = key(13)
    static let validator1 = key(1)
    static let validator2 = key(2)
    static let validator3 = key(3)

    /// alice 1000, bob 500; validator1 (100, owned by its own key) and validator2 (50, owned by
    /// carol); 10% slashing, 3-block jail. Total supply 1650.
    static let appState = """
        {"params": {"slash_fraction_bps": 1000, "jail_period_blocks": "3"},
         "accounts": [{"address": "\(alice.publicKey.address)", "balance": "1000"},
                      {"address": "\(bob.publicKey.address.bytes.hex)", "balance": 500}],
         "validator_owners": {"\(validator2.publicKey.address)": "\(carol.publicKey.address)"}}
        """
    static let genesisSupply: Int64 = 1650

    static var initChain: InitChainRequest {
        InitChainRequest(time: Timestamp(seconds: 1_700_000_000), chainID: chainID,
                         validators: [ValidatorUpdate(publicKey: validator1.publicKey, power: 100),
                                      ValidatorUpdate(publicKey: validator2.publicKey, power: 50)],
                         appStateBytes: Array(appState.utf8))
    }

    let app: StakingApplication
    var height: Int64 = 0

    init(_ app: StakingApplication = StakingApplication()) { self.app = app }

    /// A fresh app after InitChain.
    static func started(_ app: StakingApplication = StakingApplication()) async throws -> StakingChain {
        _ = try await app.initChain(initChain)
        return StakingChain(app)
    }

    @discardableResult
    mutating func block(_ txs: [StakingTx], misbehavior: [Misbehavior] = []) async throws -> FinalizeBlockResponse {
        try await block(bytes: txs.map(\.encoded), misbehavior: misbehavior)
    }

    @discardableResult
    mutating func block(bytes txs: [Bytes], misbehavior: [Misbehavior] = []) async throws -> FinalizeBlockResponse {
        height += 1
        let response = try await app.finalizeBlock(FinalizeBlockRequest(
            txs: txs, misbehavior: misbehavior, hash: Bytes(repeating: UInt8(truncatingIfNeeded: height), count: 32),
            height: height, time: Timestamp(seconds: 1_700_000_000 + height), nextValidatorsHash: Bytes(repeating: 1, count: 32),
            proposerAddress: Self.validator1.publicKey.address))
        _ = try await app.commit()
        return response
    }

    func check(_ tx: StakingTx) async throws -> CheckTxResponse {
        try await app.checkTx(CheckTxRequest(tx: tx.encoded))
    }

    /// `action` signed by `key` with its next committed nonce (plus `ahead` for queued txs).
    func tx(_ action: StakingTx.Action, by key: Ed25519PrivateKey, ahead: UInt64 = 0) async -> StakingTx {
        let nonce = await app.committed.accounts[key.publicKey.address]?.nonce ?? 0
        return StakingTx.signed(action, nonce: nonce + ahead, by: key, chainID: Self.chainID)
    }

    func balance(_ key: Ed25519PrivateKey) async -> Int64? { await app.committed.accounts[key.publicKey.address]?.balance }

    func validator(_ key: Ed25519PrivateKey) async -> StakingValidator? { await app.committed.validators[key.publicKey.address] }

    static func doubleSign(_ key: Ed25519PrivateKey, type: MisbehaviorType = .duplicateVote, height: Int64) -> Misbehavior {
        Misbehavior(type: type, address: key.publicKey.address, power: 100, height: height, time: Timestamp(seconds: 1),
                    totalVotingPower: 150)
    }
}

extension Event {
    func attribute(_ key: String) -> String? { attributes.first { $0.key == key }?.value }
}
