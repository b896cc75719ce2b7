import Foundation
import PalisadeCrypto
import PalisadeLight
import PalisadeTypes
import Testing

/// The verifier against a real CometBFT 0.38 chain (`dockerchain`, recorded RPC answers in
/// Tests/Fixtures): header 10 with its commit verifies from header 1, skipping 2–9, and
/// every way of altering it is refused.
@Suite struct RealChainVerificationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cometbft-0.38-rpc")

    static func result(_ name: String) throws -> JSON {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try JSON(data)["result"]
    }

    static func genesisSet() throws -> ValidatorSet {
        try ValidatorSet(validators: try result("genesis.json")["genesis"]["validators"].array.map { entry in
            let key = try #require(Ed25519PublicKey(bytes: try entry["pub_key"]["value"].base64))
            return Validator(publicKey: key, votingPower: try entry["power"].int64)
        })
    }

    static func header1() throws -> Header {
        try result("incoming/block_at_height_1.json")["block"]["header"].header
    }

    static func block10() throws -> LightBlock {
        let signed = try result("commit_at_height_10.json")["signed_header"]
        return LightBlock(header: try signed["header"].header, commit: try signed["commit"].commit,
                          validatorSet: try genesisSet())
    }

    static let options = VerificationOptions(trustingPeriod: .seconds(14 * 24 * 3600))

    @Test func header10VerifiesFromHeader1() throws {
        let trusted = LightBlock(header: try Self.header1(), commit: .empty,
                                 validatorSet: try Self.genesisSet())
        let untrusted = try Self.block10()
        let now = untrusted.time.adding(milliseconds: 1_000)
        try LightVerifier.verify(trusted: trusted, untrusted: untrusted, now: now, options: Self.options)
        #expect(untrusted.hash == untrusted.commit.blockID.hash)
    }

    @Test func alteredHeaderIsRefused() throws {
        let trusted = LightBlock(header: try Self.header1(), commit: .empty,
                                 validatorSet: try Self.genesisSet())
        let real = try Self.block10()
        let now = real.time.adding(milliseconds: 1_000)

        var forgedApp = real
        forgedApp.header.appHash = Bytes(repeating: 0x66, count: 32)
        #expect(throws: LightVerificationError.self) {
            try LightVerifier.verify(trusted: trusted, untrusted: forgedApp, now: now, options: Self.options)
        }
        // Re-pointing the commit at the forged header makes the signatures fail instead.
        forgedApp.commit.blockID.hash = forgedApp.header.hash()
        #expect(throws: LightVerificationError.self) {
            try LightVerifier.verify(trusted: trusted, untrusted: forgedApp, now: now, options: Self.options)
        }

        var otherChain = real
        otherChain.header.chainID = "otherchain"
        #expect(throws: LightVerificationError.self) {
            try LightVerifier.verify(trusted: trusted, untrusted: otherChain, now: now, options: Self.options)
        }
    }

    @Test func expiredTrustIsRefused() throws {
        let header1 = try Self.header1()
        let trusted = LightBlock(header: header1, commit: .empty,
                                 validatorSet: try Self.genesisSet())
        let short = VerificationOptions(trustingPeriod: .seconds(1))
        let now = try Self.block10().time.adding(milliseconds: 1_000)
        #expect(throws: LightVerificationError.oldHeaderExpired(expiredAt: header1.time.adding(milliseconds: 1_000), now: now)) {
            try LightVerifier.verify(trusted: trusted, untrusted: try Self.block10(), now: now, options: short)
        }
    }

    @Test func headerFromTheFutureIsRefused() throws {
        let trusted = LightBlock(header: try Self.header1(), commit: .empty,
                                 validatorSet: try Self.genesisSet())
        let untrusted = try Self.block10()
        // The client's clock is 11 s behind the header: beyond the 10 s drift allowed.
        let now = untrusted.time.adding(milliseconds: -11_000)
        #expect(throws: LightVerificationError.self) {
            try LightVerifier.verify(trusted: trusted, untrusted: untrusted, now: now, options: Self.options)
        }
    }

    @Test func trustLevelOutsideRangeIsRefused() {
        #expect(throws: LightVerificationError.invalidTrustLevel(numerator: 1, denominator: 4)) {
            try TrustLevel(numerator: 1, denominator: 4)
        }
        #expect(throws: LightVerificationError.invalidTrustLevel(numerator: 4, denominator: 3)) {
            try TrustLevel(numerator: 4, denominator: 3)
        }
        #expect(throws: LightVerificationError.invalidTrustLevel(numerator: 1, denominator: 0)) {
            try TrustLevel(numerator: 1, denominator: 0)
        }
        #expect((try? TrustLevel(numerator: 2, denominator: 3)) != nil)
    }
}
