import PalisadeCrypto
import PalisadeTypes

/// The run's validators: Ed25519 keys from fixed seeds, powers from the plan, and the
/// validator set of each height (the genesis set, its proposer priorities advanced once per
/// height as CometBFT does), computed once and shared by every node and the checker.
final class ValidatorDirectory: @unchecked Sendable {
    // @unchecked: `sets` is a memo filled before the run's checker reads it; a run is single-threaded.
    let keys: [Ed25519PrivateKey]
    let powers: [Int64]
    private let indexByAddress: [Address: Int]
    private var sets: [ValidatorSet]

    /// Key i comes from SHA-256("palisade-sim-validator" ‖ seed ‖ i), so every run of one seed
    /// has the same keys, and so the same validator order and proposers.
    init(seed: UInt64, powers: [Int64]) {
        var keys: [Ed25519PrivateKey] = []
        for index in powers.indices {
            var preimage = Bytes("palisade-sim-validator".utf8)
            withUnsafeBytes(of: seed.bigEndian) { preimage.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(index).bigEndian) { preimage.append(contentsOf: $0) }
            guard let key = Ed25519PrivateKey(seed: SHA256Hash.digest(preimage)) else {
                preconditionFailure("a 32-byte seed always yields an Ed25519 key")
            }
            keys.append(key)
        }
        self.keys = keys
        self.powers = powers
        var indexByAddress: [Address: Int] = [:]
        for (index, key) in keys.enumerated() { indexByAddress[key.publicKey.address] = index }
        self.indexByAddress = indexByAddress
        let validators = zip(keys, powers).map { Validator(publicKey: $0.publicKey, votingPower: $1) }
        do {
            sets = [try ValidatorSet(validators: validators)]
        } catch {
            preconditionFailure("the simulator's validator set was rejected: \(error)")
        }
    }

    func index(of address: Address) -> Int? { indexByAddress[address] }

    /// Index by the address as logs print it (the runtime's log metadata carries it that way).
    var addressIndex: [String: Int] {
        var index: [String: Int] = [:]
        for (position, key) in keys.enumerated() { index["\(key.publicKey.address)"] = position }
        return index
    }

    /// The set for `height` (≥ 1) with proposer priorities as of its round 0.
    func validatorSet(height: Int64) -> ValidatorSet {
        let wanted = Int(max(height, 1))
        while sets.count < wanted, let last = sets.last {
            sets.append(last.copyIncrementingProposerPriority(times: 1))
        }
        return sets[wanted - 1]
    }

    /// The simulator's index of the proposer of (height, round).
    func proposer(height: Int64, round: Int32) -> Int {
        let set = validatorSet(height: height).copyIncrementingProposerPriority(times: Int(max(round, 0)))
        return set.proposer.flatMap { indexByAddress[$0.address] } ?? 0
    }
}
