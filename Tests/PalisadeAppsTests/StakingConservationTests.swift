import PalisadeABCI
import PalisadeApps
import Testing

/// Property: whatever the blocks hold (valid or not, slashing or not), tokens are neither made
/// nor lost: `sum(balances) + sum(bonded) + burned` stays at the genesis total, no amount goes
/// negative, and each validator update matches the committed powers.
@Suite struct StakingConservationTests {
    typealias C = StakingChain

    /// SplitMix64: a seeded generator, so a failing seed reproduces.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let people = [C.alice, C.bob, C.carol, C.validator1]
    static let validatorKeys = [C.validator1, C.validator2, C.validator3, C.key(4)]

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func supplyIsConserved(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        var c = try await C.started()
        var powers = await c.app.committed.validators.mapValues(\.power)
        for _ in 0..<40 {
            var txs: [StakingTx] = []
            var queued: [Address: UInt64] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let signer = Self.people.randomElement(using: &random)!
                let amount = Int64.random(in: 1...400, using: &random)
                let action: StakingTx.Action = switch Int.random(in: 0..<4, using: &random) {
                case 0: .transfer(to: Self.people.randomElement(using: &random)!.publicKey.address, amount: amount)
                case 1: .bond(validator: Self.validatorKeys.randomElement(using: &random)!.publicKey, amount: amount)
                case 2: .unbond(amount: amount)
                default: .unjail
                }
                let address = signer.publicKey.address
                let sloppy = Int.random(in: 0..<10, using: &random) == 0  // sometimes a stale nonce
                let ahead = sloppy ? 0 : queued[address, default: 0]
                txs.append(await c.tx(action, by: signer, ahead: ahead))
                queued[address, default: 0] += 1
            }
            let misbehavior = Int.random(in: 0..<8, using: &random) == 0
                ? [C.doubleSign(Self.validatorKeys.randomElement(using: &random)!, height: max(c.height, 1))] : []
            let response = try await c.block(txs, misbehavior: misbehavior)
            let state = await c.app.committed
            #expect(state.totalSupply == C.genesisSupply)
            #expect(state.accounts.values.allSatisfy { $0.balance >= 0 })
            #expect(state.validators.values.allSatisfy { $0.bonded >= 0 })
            for update in response.validatorUpdates { powers[update.publicKey.address] = update.power }
            #expect(powers.filter { $0.value != 0 } == state.validators.mapValues(\.power).filter { $0.value != 0 })
        }
    }
}
