import Foundation
import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// CometBFT v0.38's own vectors for the secret connection's key derivation.
@Suite struct SecretConnectionVectorTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cometbft/TestDeriveSecretsAndChallengeGolden.golden")

    /// p2p/conn/testdata/TestDeriveSecretsAndChallengeGolden.golden, each line
    /// `secret,loc_is_least,recv,send,challenge`. v0.38's test checks only recv and send: the
    /// last column is HKDF's third 32 bytes, the challenge before the Merlin transcript replaced
    /// it; we check it as an HKDF vector.
    @Test func deriveSecretsMatchesCometBFTGoldenFile() throws {
        let lines = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 32)
        for line in lines {
            let fields = line.split(separator: ",").map(String.init)
            try #require(fields.count == 5)
            let secret = try #require(Bytes(hex: fields[0]))
            let (receive, send) = SecretConnectionKeys.deriveSecrets(sharedSecret: secret, localIsLeast: fields[1] == "true")
            #expect(receive.hex == fields[2], "\(fields[0])")
            #expect(send.hex == fields[3], "\(fields[0])")
            let material = HKDFSHA256.derive(
                inputKeyMaterial: secret, info: SecretConnectionKeys.hkdfInfo, outputByteCount: 96)
            #expect(Bytes(material[64...]).hex == fields[4], "\(fields[0])")
        }
    }

    /// Both sides derive mirrored keys and the same challenge whichever key sorts lower.
    @Test func bothSidesAgree() throws {
        for seed in UInt64(1)...8 {
            var generatorA = SeededGenerator(seed: seed), generatorB = SeededGenerator(seed: seed + 100)
            let a = X25519KeyPair(using: &generatorA), b = X25519KeyPair(using: &generatorB)
            let keysA = try #require(SecretConnectionKeys(ephemeral: a, remoteEphemeralKey: b.publicKey))
            let keysB = try #require(SecretConnectionKeys(ephemeral: b, remoteEphemeralKey: a.publicKey))
            #expect(keysA.send == keysB.receive)
            #expect(keysA.receive == keysB.send)
            #expect(keysA.challenge == keysB.challenge)
            #expect(keysA.send != keysA.receive)
        }
    }

    /// The nonce is four zero bytes, then the counter little-endian (CometBFT's `incrNonce`).
    @Test func nonceLayout() {
        #expect(SecretFrame.nonce(counter: 0).hex == "000000000000000000000000")
        #expect(SecretFrame.nonce(counter: 1).hex == "000000000100000000000000")
        #expect(SecretFrame.nonce(counter: 0x0102_0304_0506_0708).hex == "000000000807060504030201")
    }
}
