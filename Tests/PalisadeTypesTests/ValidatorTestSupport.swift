import Foundation
import PalisadeCrypto
@testable import PalisadeTypes
import Testing

/// Validators for tests: named by explicit addresses (CometBFT's vectors) or by real keys from
/// fixed seeds (commits that must verify).
enum ValidatorTestSupport {
    /// A key for validators whose address is given explicitly; the vectors never look at it.
    static let placeholderKey: Ed25519PublicKey = {
        guard let key = Ed25519PublicKey(bytes: Bytes(repeating: 7, count: Ed25519PublicKey.size)) else {
            preconditionFailure("32 bytes always make a public key")
        }
        return key
    }()

    static func named(_ name: String, power: Int64) -> Validator {
        Validator(address: Address(bytes: Array(name.utf8)), publicKey: placeholderKey, votingPower: power)
    }

    static func addressed(_ address: Bytes, power: Int64, priority: Int64 = 0) -> Validator {
        Validator(address: Address(bytes: address), publicKey: placeholderKey, votingPower: power,
                  proposerPriority: priority)
    }

    /// A 20-byte address ending in `last`, as CometBFT's `TestProposerSelection2` builds them.
    static func address(endingIn last: UInt8) -> Bytes { Bytes(repeating: 0, count: 19) + [last] }

    /// Deterministic private keys: seed i is 32 bytes of value i + 1.
    static func privateKeys(_ count: Int) throws -> [Ed25519PrivateKey] {
        try (0..<count).map { i in
            try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8(i + 1), count: Ed25519PrivateKey.seedSize)))
        }
    }

    static func proposerName(_ set: ValidatorSet) -> String {
        set.proposer.map { String(decoding: $0.address.bytes, as: UTF8.self) } ?? "none"
    }
}
