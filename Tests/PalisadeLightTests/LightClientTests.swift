import PalisadeCrypto
import PalisadeLight
import PalisadeTypes
import Testing

/// The client over chains signed here: bisection across validator-set changes, witnesses that
/// lie or disagree, backwards verification, and the root of trust.
@Suite struct LightClientTests {
    static let options = VerificationOptions(trustingPeriod: .seconds(3_600))

    /// Heights 1–9 signed by validators 0–3, which name 4–7 as next at height 9; heights 10–20
    /// by 4–7. Nobody signs on both sides, so 1 → 20 cannot be skipped and needs height 9 → 10.
    static func handOverChain() throws -> TestChain {
        var chain = try TestChain(keyCount: 8)
        let first = try chain.set([0, 1, 2, 3]), second = try chain.set([4, 5, 6, 7])
        try chain.extend(by: 8, validators: first)
        try chain.append(validators: first, next: second)
        try chain.extend(by: 11, validators: second)
        return chain
    }

    static func client(_ chain: TestChain, primary: ChainProvider, witnesses: [ChainProvider],
                       at now: Timestamp? = nil) -> LightClient {
        let time = now ?? chain.latestTime.adding(milliseconds: 2_000)
        return LightClient(chainID: TestChain.chainID, primary: primary, witnesses: witnesses,
                           options: options, now: { time })
    }

    @Test func bisectsAcrossACompleteValidatorChange() async throws {
        let chain = try Self.handOverChain()
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        let witness = ChainProvider(id: "witness", blocks: chain.blocks)
        let client = Self.client(chain, primary: primary, witnesses: [witness])
        try await client.initialize(height: 1, hash: try chain.block(1).hash)

        let verified = try await client.verifiedBlock(height: 20)
        #expect(verified.hash == (try chain.block(20).hash))
        // It could not jump 1 → 20, so it asked for heights in between.
        #expect(primary.requests.filter { $0 > 1 && $0 < 20 }.count >= 2)
        #expect(witness.requests.contains(20))
    }

    @Test func sameSetSkipsStraightToTheTarget() async throws {
        var chain = try TestChain(keyCount: 4)
        try chain.extend(by: 50, validators: try chain.set([0, 1, 2, 3]))
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        let client = Self.client(chain, primary: primary, witnesses: [ChainProvider(id: "w", blocks: chain.blocks)])
        try await client.initialize(height: 1, hash: try chain.block(1).hash)
        _ = try await client.verifiedBlock(height: nil)
        #expect(primary.requests == [1, 50])
    }

    @Test func wrongTrustedHashIsRefused() async throws {
        let chain = try Self.handOverChain()
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        let client = Self.client(chain, primary: primary, witnesses: [])
        let wrong = Bytes(repeating: 1, count: 32)
        await #expect(throws: LightClientError.trustedHashMismatch(height: 1, expected: wrong, got: try chain.block(1).hash)) {
            try await client.initialize(height: 1, hash: wrong)
        }
    }

    /// A primary that serves a header signed by keys outside any trusted set is refused.
    @Test func forgedHeaderFromThePrimaryIsRefused() async throws {
        let chain = try Self.handOverChain()
        var forger = try TestChain(keyCount: 12)
        let strangers = try forger.set([8, 9, 10, 11])
        try forger.extend(by: 20, validators: strangers)
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        primary.replace(try forger.block(20))
        let client = Self.client(chain, primary: primary, witnesses: [])
        try await client.initialize(height: 1, hash: try chain.block(1).hash)
        await #expect(throws: LightClientError.self) { _ = try await client.verifiedBlock(height: 20) }
    }

    /// A witness whose header does not verify is the liar: it is dropped and, with an honest
    /// witness left, the primary's block is accepted.
    @Test func lyingWitnessIsDropped() async throws {
        let chain = try Self.handOverChain()
        var forger = try TestChain(keyCount: 12)
        try forger.extend(by: 20, validators: try forger.set([8, 9, 10, 11]))
        let liar = ChainProvider(id: "liar", blocks: chain.blocks)
        liar.replace(try forger.block(20))
        let honest = ChainProvider(id: "honest", blocks: chain.blocks)
        let client = Self.client(chain, primary: ChainProvider(id: "primary", blocks: chain.blocks), witnesses: [liar, honest])
        try await client.initialize(height: 1, hash: try chain.block(1).hash)
        _ = try await client.verifiedBlock(height: 20)
        #expect(await client.witnessIDs == ["honest"])
    }

    /// The same validators signed two different headers at height 20 (equivocation): the
    /// witness's header verifies as well as the primary's, so the client stops.
    @Test func conflictingSignedHeadersAreAnAttack() async throws {
        let chain = try Self.handOverChain()
        let fork = try Self.replacingLast(chain, validators: try chain.set([4, 5, 6, 7]),
                                          appHash: Bytes(repeating: 0xBB, count: 32))
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        let witness = ChainProvider(id: "witness", blocks: fork.blocks)
        let client = Self.client(chain, primary: primary, witnesses: [witness])
        try await client.initialize(height: 1, hash: try chain.block(1).hash)
        await #expect(throws: LightClientError.lightClientAttack(
            height: 20, primary: "primary", primaryHash: try chain.block(20).hash,
            witness: "witness", witnessHash: try fork.block(20).hash)) {
            _ = try await client.verifiedBlock(height: 20)
        }
        // The evidence against each side verifies as a full node of the other side checks it: the
        // common block is the last of the primary's trace the witness shares (set 4-7), and the
        // attackers are those of its set who signed the other header (all of 4-7).
        let report = try #require(await client.detectedAttack)
        #expect(report.primary == "primary" && report.witness == "witness")
        let primary20 = try chain.block(20), witness20 = try fork.block(20)
        for (evidence, ours) in [(report.againstPrimary, witness20), (report.againstWitness, primary20)] {
            let common = try chain.block(evidence.commonHeight)
            #expect(evidence.commonHeight > 9 && evidence.commonHeight < 20 && evidence.timestamp == common.time)
            #expect(Set(evidence.byzantineValidators.map(\.address)) == Set(try chain.set([4, 5, 6, 7]).validators.map(\.address)))
            try evidence.verify(chainID: TestChain.chainID, common: common.header, trusted: ours.header, trustedCommit: ours.commit,
                                commonValidators: common.validatorSet)
            #expect(try LightClientAttackEvidence(protobuf: evidence.protobuf) == evidence)
        }
        #expect(report.againstPrimary.conflictingHeader == primary20.header)
        #expect(report.againstWitness.conflictingHeader == witness20.header)
    }

    @Test func olderHeightsVerifyBackwardsByHash() async throws {
        let chain = try Self.handOverChain()
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        let client = Self.client(chain, primary: primary, witnesses: [])
        try await client.initialize(height: 15, hash: try chain.block(15).hash)
        let old = try await client.verifiedBlock(height: 5)
        #expect(old.hash == (try chain.block(5).hash))

        // A forged height 3 breaks the hash chain from 4.
        let forged = ChainProvider(id: "primary", blocks: chain.blocks)
        var bad = try chain.block(3)
        bad.header.appHash = Bytes(repeating: 0x01, count: 32)
        forged.replace(bad)
        let client2 = Self.client(chain, primary: forged, witnesses: [])
        try await client2.initialize(height: 5, hash: try chain.block(5).hash)
        await #expect(throws: LightClientError.self) { _ = try await client2.verifiedBlock(height: 2) }
    }

    @Test func expiredRootIsRefused() async throws {
        let chain = try Self.handOverChain()
        let primary = ChainProvider(id: "primary", blocks: chain.blocks)
        let late = chain.latestTime.adding(milliseconds: 7_200_000)
        let client = Self.client(chain, primary: primary, witnesses: [], at: late)
        await #expect(throws: LightClientError.self) {
            try await client.initialize(height: 1, hash: try chain.block(1).hash)
        }
    }

    /// `chain` with its last height re-signed by `validators` over a different app hash.
    static func replacingLast(_ chain: TestChain, validators: ValidatorSet, appHash: Bytes) throws -> TestChain {
        var copy = chain
        let last = try chain.block(Int64(chain.blocks.count))
        var header = last.header
        header.appHash = appHash
        let commit = try chain.sign(header, validators: validators)
        copy.replaceBlock(LightBlock(header: header, commit: commit, validatorSet: validators))
        return copy
    }
}
