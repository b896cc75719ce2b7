import PalisadeCrypto
import PalisadeTypes

/// A light client (CometBFT's `light.Client`): it holds blocks it has verified, fetches new ones
/// from a primary, verifies them by skipping (bisection) from the nearest trusted block, and
/// checks each newly verified header against every witness before trusting it.
///
/// It reaches the world only through its providers and the `now` clock it is given, so tests
/// run it against in-memory chains at any time they choose.
public actor LightClient {
    public nonisolated let chainID: String
    public nonisolated let options: VerificationOptions
    private let primary: any LightProvider
    private var witnesses: [any LightProvider]
    private let now: @Sendable () -> Timestamp
    /// Verified blocks by height, bounded to `storeLimit` (the oldest go first, as CometBFT's
    /// pruning keeps the latest 1,000).
    private var trusted: [Int64: LightBlock] = [:]
    private let storeLimit: Int
    /// The attack `crossCheck` found, if it found one: the evidence `palisade light` reports.
    public private(set) var detectedAttack: LightClientAttackReport?

    /// CometBFT's `verifySkippingNumerator/Denominator`: a failed skip retries at 9/16 of the way.
    static let pivot = (numerator: Int64(9), denominator: Int64(16))

    public init(chainID: String, primary: any LightProvider, witnesses: [any LightProvider],
                options: VerificationOptions, storeLimit: Int = 1_000, now: @escaping @Sendable () -> Timestamp) {
        self.chainID = chainID
        self.primary = primary
        self.witnesses = witnesses
        self.options = options
        self.storeLimit = max(2, storeLimit)
        self.now = now
    }

    public var latestTrusted: LightBlock? { trusted.keys.max().flatMap { trusted[$0] } }
    public var witnessIDs: [String] { witnesses.map(\.id) }

    /// Takes the operator's root of trust: the primary's block at `height` must hash to `hash`,
    /// be within the trusting period, be signed by +2/3 of its own set, and match every witness.
    public func initialize(height: Int64, hash: Bytes) async throws(LightClientError) {
        let block = try await fetch(from: primary, height: height)
        do { try block.validateBasic(chainID: chainID) } catch {
            throw .verificationFailed(from: height, to: height, reason: error)
        }
        guard block.hash == hash else { throw .trustedHashMismatch(height: height, expected: hash, got: block.hash) }
        let time = now()
        if LightVerifier.isExpired(block.header, now: time, trustingPeriod: options.trustingPeriod) {
            throw .verificationFailed(from: height, to: height, reason: .oldHeaderExpired(
                expiredAt: block.time.adding(nanoseconds: options.trustingPeriod.nanoseconds), now: time))
        }
        do {
            try block.validatorSet.verifyCommitLight(chainID: chainID, blockID: block.commit.blockID,
                                                     height: block.height, commit: block.commit)
        } catch { throw .verificationFailed(from: height, to: height, reason: error) }
        try await crossCheck(block, trace: [block])
        store(block)
    }

    /// The verified block at `height` (the primary's latest for `nil`).
    public func verifiedBlock(height: Int64?) async throws(LightClientError) -> LightBlock {
        guard let latest = latestTrusted else { throw .notInitialized }
        if let height, let known = trusted[height] { return known }
        if let height, height < latest.height, let below = trusted.keys.filter({ $0 < height }).max(),
           let root = trusted[below] {
            return try await verifyForward(from: root, to: try await fetch(from: primary, height: height))
        }
        if let height, height < latest.height {
            return try await verifyBackwards(to: height)
        }
        let target = try await fetch(from: primary, height: height)
        if let known = trusted[target.height], known.hash == target.hash { return known }
        return try await verifyForward(from: latest, to: target)
    }

    /// Bisection from `root` to `target`, then the witness check, then the whole trace stored.
    private func verifyForward(from root: LightBlock, to target: LightBlock) async throws(LightClientError) -> LightBlock {
        let trace = try await skipping(from: root, to: target, source: primary)
        try await crossCheck(target, trace: trace)
        for block in trace { store(block) }
        return target
    }

    /// CometBFT's `verifySkipping`: try to jump straight to the target; when the trusted set
    /// does not cover enough of the new header's signers, verify a block part of the way first.
    /// Returns the blocks verified on the way, root first, target last.
    private func skipping(from root: LightBlock, to target: LightBlock,
                          source: any LightProvider) async throws(LightClientError) -> [LightBlock] {
        var verified = root
        var pending = [target]  // pending.last is the next block to try; target stays at index 0
        var trace = [root]
        while let candidate = pending.last {
            do {
                try LightVerifier.verify(trusted: verified, untrusted: candidate, now: now(), options: options)
                verified = candidate
                trace.append(candidate)
                pending.removeLast()
            } catch .newValSetCantBeTrusted {
                let span = candidate.height - verified.height
                let pivotHeight = verified.height + span * Self.pivot.numerator / Self.pivot.denominator
                guard pivotHeight > verified.height, pivotHeight < candidate.height else {
                    throw .verificationFailed(from: verified.height, to: candidate.height,
                                              reason: .newValSetCantBeTrusted(got: 0, needed: 0))
                }
                pending.append(try await fetch(from: source, height: pivotHeight))
            } catch {
                throw .verificationFailed(from: verified.height, to: candidate.height, reason: error)
            }
        }
        return trace
    }

    /// A height below every trusted block: each header down to it must be the previous block of
    /// the one above (hash chaining), so no signature is needed, but every height is fetched.
    private func verifyBackwards(to height: Int64) async throws(LightClientError) -> LightBlock {
        guard let oldestHeight = trusted.keys.min(), var above = trusted[oldestHeight] else { throw .notInitialized }
        while above.height > height {
            let below = try await fetch(from: primary, height: above.height - 1)
            do {
                try below.validateBasic(chainID: chainID)
                try LightVerifier.verifyBackwards(untrusted: below.header, trusted: above.header)
            } catch { throw .backwardsVerificationFailed(height: below.height, reason: error) }
            above = below
        }
        store(above)
        return above
    }

    /// CometBFT's detector: every witness must hold the same header at the target's height. A
    /// witness that disagrees is believed only if its own header verifies from the last block it
    /// shares with the primary's trace — then two signed chains exist, the evidence against each
    /// side is kept in `detectedAttack`, and we stop; otherwise the witness is the liar and is dropped.
    private func crossCheck(_ target: LightBlock, trace: [LightBlock]) async throws(LightClientError) {
        guard !witnesses.isEmpty else { return }
        var kept: [any LightProvider] = []
        for witness in witnesses {
            let theirs: LightBlock
            do { theirs = try await witness.lightBlock(height: target.height) } catch {
                // Unreachable or behind: keep it for later heights, as CometBFT does for no-response.
                kept.append(witness)
                continue
            }
            if theirs.hash == target.hash {
                kept.append(witness)
                continue
            }
            guard let split = await divergence(of: witness, from: trace, witnessTarget: theirs) else {
                continue  // the witness's header does not verify: drop the witness
            }
            detectedAttack = LightClientAttackReport(primary: primary.id, primaryBlock: split.primary, witness: witness.id,
                                                     witnessBlock: split.witness, common: split.common)
            throw .lightClientAttack(height: split.primary.height, primary: primary.id, primaryHash: split.primary.hash,
                                     witness: witness.id, witnessHash: split.witness.hash)
        }
        witnesses = kept
        if witnesses.isEmpty { throw .noWitnessesLeft }
    }

    /// CometBFT's `examineConflictingHeaderAgainstTrace`: walks the primary's trace up from its
    /// root to the first height where the witness holds another block, and verifies that block
    /// from the last one both share (the common block the evidence is charged from). Nil when the
    /// witness cannot answer or its block does not verify: then it is the one lying.
    private func divergence(of witness: any LightProvider, from trace: [LightBlock],
                            witnessTarget: LightBlock) async -> (common: LightBlock, primary: LightBlock, witness: LightBlock)? {
        guard var common = trace.first else { return nil }
        for block in trace.dropFirst() {
            let theirs: LightBlock
            if block.height == witnessTarget.height {
                theirs = witnessTarget
            } else {
                guard let fetched = try? await witness.lightBlock(height: block.height) else { return nil }
                theirs = fetched
            }
            if theirs.hash == block.hash {
                common = block
                continue
            }
            guard (try? await skipping(from: common, to: theirs, source: witness)) != nil else { return nil }
            return (common, block, theirs)
        }
        return nil
    }

    private func fetch(from provider: any LightProvider, height: Int64?) async throws(LightClientError) -> LightBlock {
        do { return try await provider.lightBlock(height: height) } catch {
            throw .provider(id: provider.id, error)
        }
    }

    private func store(_ block: LightBlock) {
        trusted[block.height] = block
        while trusted.count > storeLimit, let oldest = trusted.keys.min() {
            trusted[oldest] = nil
        }
    }
}
