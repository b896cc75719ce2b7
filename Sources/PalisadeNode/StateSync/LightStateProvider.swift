import PalisadeCrypto
import PalisadeLight
import PalisadeRPC
import PalisadeState
import PalisadeTypes

/// State sync's trust, from RPC servers through the light client (CometBFT's
/// `statesync.lightClientStateProvider`): the first server is the primary, the others witnesses,
/// and every header used is verified from the operator's trusted height and hash, so a snapshot
/// offered by any peer is restored only if the app ends up where +2/3 of the validators signed.
///
/// A snapshot of height H needs three verified blocks: H (its commit, its set as the last
/// validators, its time), H + 1 (the app hash and results hash after H, the next set, the
/// consensus params' hash) and H + 2 (the set after that). The proposer priorities and the
/// consensus params other than the two the header hashes are taken from the primary, as
/// CometBFT takes them.
public actor LightStateProvider: StateSyncStateProvider {
    private let client: LightClient
    private let primary: JSONRPCClient
    private let initialHeight: Int64
    private let root: (height: Int64, hash: Bytes)
    private var initialized = false

    /// - Parameters:
    ///   - rpcServers: at least two (a witness is what makes a lying primary detectable; CometBFT
    ///     requires two as well).
    ///   - initialHeight: the genesis `initial_height`, which the bootstrapped state carries on.
    public init(chainID: String, initialHeight: Int64, rpcServers: [String], trustHeight: Int64, trustHash: Bytes,
                options: VerificationOptions, now: @escaping @Sendable () -> Timestamp = { SystemClock().now() }) throws {
        guard rpcServers.count >= 2, let first = rpcServers.first else {
            throw LightStateProviderError.tooFewServers(rpcServers.count)
        }
        let witnesses = try rpcServers.dropFirst().map { address throws(LightProviderError) in
            try RPCLightProvider(address: address)
        }
        client = LightClient(chainID: chainID, primary: try RPCLightProvider(address: first), witnesses: witnesses,
                             options: options, now: now)
        primary = try JSONRPCClient(address: first)
        self.initialHeight = initialHeight
        root = (trustHeight, trustHash)
    }

    /// Also verifies H + 2, so that a snapshot is not restored (minutes of work) before the
    /// chain has the block its state needs.
    public func appHash(height: Int64) async throws -> Bytes {
        let next = try await verified(height + 1)
        _ = try await verified(height + 2)
        return next.header.appHash
    }

    public func commit(height: Int64) async throws -> Commit {
        try await verified(height).commit
    }

    public func state(height: Int64) async throws -> ChainState {
        let last = try await verified(height)
        let current = try await verified(height + 1)
        let next = try await verified(height + 2)
        let params = try await consensusParams(height: current.height)
        guard params.hash() == current.header.consensusHash else {
            throw LightStateProviderError.consensusParamsMismatch(height: current.height)
        }
        return ChainState(chainID: client.chainID, initialHeight: initialHeight, lastBlockHeight: last.height,
                          lastBlockID: current.header.lastBlockID, lastBlockTime: last.header.time,
                          validators: try Self.roundZeroSet(current), nextValidators: try Self.roundZeroSet(next),
                          lastValidators: last.validatorSet, lastHeightValidatorsChanged: next.height,
                          consensusParams: params, lastHeightConsensusParamsChanged: current.height,
                          lastResultsHash: current.header.lastResultsHash, appHash: current.header.appHash,
                          version: current.header.version)
    }

    /// The set that signs `block`'s height as consensus starts that height: the primary's
    /// priorities, and the round-0 proposer named by the header when the height was decided in
    /// round 0. Decided in a later round, the header's proposer is the one the priorities pick
    /// after that many rounds (the priorities are checked against it) and the round-0 proposer is
    /// the one with the most priority, as CometBFT's light provider has it; block sync applies
    /// at least these heights before consensus runs, which replaces both sets with computed ones.
    static func roundZeroSet(_ block: LightBlock) throws -> ValidatorSet {
        let set = block.validatorSet, proposer = block.header.proposerAddress
        guard block.commit.round > 0 else {
            guard let named = set.withProposer(proposer) else {
                throw LightStateProviderError.proposerNotInSet(height: block.height, proposer: proposer)
            }
            return named
        }
        guard set.copyIncrementingProposerPriority(times: Int(block.commit.round)).proposer?.address == proposer else {
            throw LightStateProviderError.prioritiesDisagreeWithProposer(height: block.height, round: block.commit.round)
        }
        return set
    }

    private func verified(_ height: Int64) async throws -> LightBlock {
        if !initialized {
            try await client.initialize(height: root.height, hash: root.hash)
            initialized = true
        }
        return try await client.verifiedBlock(height: height)
    }

    private func consensusParams(height: Int64) async throws -> ConsensusParams {
        let result = try await primary.result("consensus_params", ["height=\(height)"])
        return try TypesJSONDecoder.consensusParams(result["consensus_params"])
    }
}

public enum LightStateProviderError: Error, Sendable, CustomStringConvertible {
    case tooFewServers(Int)
    case consensusParamsMismatch(height: Int64)
    case proposerNotInSet(height: Int64, proposer: Address)
    case prioritiesDisagreeWithProposer(height: Int64, round: Int32)

    public var description: String {
        switch self {
        case .tooFewServers(let n):
            "statesync.rpc_servers: at least two RPC servers are needed (a primary and a witness), got \(n)"
        case .consensusParamsMismatch(let height):
            "the primary's consensus params at height \(height) do not hash to the verified header's consensus_hash"
        case .proposerNotInSet(let height, let proposer):
            "the verified header at height \(height) names proposer \(proposer), which is not in its validator set"
        case .prioritiesDisagreeWithProposer(let height, let round):
            "the primary's proposer priorities at height \(height) do not pick the header's proposer for round \(round)"
        }
    }
}
