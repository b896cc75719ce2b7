import PalisadeABCI

/// Messages with every field set to something other than its default, so a conversion that
/// drops or swaps a field fails the round trip.
enum ABCISamples {
    // Copied from PalisadeABCITests (test targets cannot share files); keep the two in step.
    static let key1 = Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 32))!.publicKey
    static let key2 = Ed25519PrivateKey(seed: Bytes(repeating: 2, count: 32))!.publicKey
    static let hash = Bytes(repeating: 0xAB, count: 32)
    static let valsHash = Bytes(repeating: 0xCD, count: 32)
    static let time = Timestamp(seconds: 1_700_000_000, nanos: 123_456_789)

    static let commitInfo = CommitInfo(round: 2, votes: [
        VoteInfo(address: key1.address, power: 10, blockIDFlag: .commit),
        VoteInfo(address: key2.address, power: 5, blockIDFlag: .nil),
    ])

    static let extendedCommitInfo = ExtendedCommitInfo(round: 1, votes: [
        ExtendedVoteInfo(address: key1.address, power: 10, voteExtension: [1, 2], extensionSignature: [3, 4],
                         blockIDFlag: .commit),
        ExtendedVoteInfo(address: key2.address, power: 5, blockIDFlag: .absent),
    ])

    static let misbehavior = [
        Misbehavior(type: .duplicateVote, address: key1.address, power: 10, height: 7, time: time, totalVotingPower: 15),
        Misbehavior(type: .lightClientAttack, address: key2.address, power: 5, height: 6, time: time, totalVotingPower: 15),
    ]

    static let events = [Event(type: "app", attributes: [
        EventAttribute(key: "k", value: "v", index: true), EventAttribute(key: "n", value: "w", index: false),
    ])]

    static let params = ConsensusParams(block: .init(maxBytes: 1000, maxGas: 50_000))

    static let paramsUpdate = ConsensusParamsUpdate(
        block: .init(maxBytes: 2000, maxGas: 7), evidence: .init(maxAgeNumBlocks: 9, maxAgeDurationNanos: 3_000_000_001, maxBytes: 99),
        validator: .init(pubKeyTypes: ["ed25519"]), version: .init(app: 3), abci: .init(voteExtensionsEnableHeight: 11))

    static let updates = [ValidatorUpdate(publicKey: key1, power: 3), ValidatorUpdate(publicKey: key2, power: 0)]

    static let snapshot = Snapshot(height: 40, format: 2, chunks: 3, hash: [9, 9], metadata: [7])

    static let requests: [ABCIRequest] = [
        .echo("hello"),
        .flush,
        .info(InfoRequest(version: "0.38.0", blockVersion: 11, p2pVersion: 8, abciVersion: "2.0.0")),
        .initChain(InitChainRequest(time: time, chainID: "test-chain", consensusParams: params, validators: updates,
                                    appStateBytes: Array("{}".utf8), initialHeight: 5)),
        .query(QueryRequest(data: [1], path: "/key", height: 4, prove: true)),
        .checkTx(CheckTxRequest(tx: [0x61], type: .recheck)),
        .commit,
        .listSnapshots,
        .offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: hash)),
        .loadSnapshotChunk(LoadSnapshotChunkRequest(height: 40, format: 2, chunk: 1)),
        .applySnapshotChunk(ApplySnapshotChunkRequest(index: 1, chunk: [5, 6], sender: "peer")),
        .prepareProposal(PrepareProposalRequest(maxTxBytes: 100, txs: [[1], [2, 3]], localLastCommit: extendedCommitInfo,
                                                misbehavior: misbehavior, height: 8, time: time,
                                                nextValidatorsHash: valsHash, proposerAddress: key1.address)),
        .processProposal(ProcessProposalRequest(txs: [[1]], proposedLastCommit: commitInfo, misbehavior: misbehavior,
                                                hash: hash, height: 8, time: time, nextValidatorsHash: valsHash,
                                                proposerAddress: key2.address)),
        .extendVote(ExtendVoteRequest(hash: hash, height: 8, time: time, txs: [[4]], proposedLastCommit: commitInfo,
                                      misbehavior: misbehavior, nextValidatorsHash: valsHash, proposerAddress: key1.address)),
        .verifyVoteExtension(VerifyVoteExtensionRequest(hash: hash, validatorAddress: key2.address, height: 8,
                                                        voteExtension: [8])),
        .finalizeBlock(FinalizeBlockRequest(txs: [[1], [2]], decidedLastCommit: commitInfo, misbehavior: misbehavior,
                                            hash: hash, height: 8, time: time, nextValidatorsHash: valsHash,
                                            proposerAddress: key1.address)),
    ]

    static let responses: [ABCIResponse] = [
        .exception("boom"),
        .echo("hello"),
        .flush,
        .info(InfoResponse(data: "{}", version: "1.0", appVersion: 1, lastBlockHeight: 9, lastBlockAppHash: hash)),
        .initChain(InitChainResponse(consensusParams: paramsUpdate, validators: updates, appHash: hash)),
        .query(QueryResponse(code: 1, log: "l", info: "i", index: -1, key: [1], value: [2],
                             proofOps: [ProofOp(type: "t", key: [3], data: [4])], height: 9, codespace: "c")),
        .checkTx(CheckTxResponse(code: 2, data: [1], log: "l", info: "i", gasWanted: 3, gasUsed: 2, events: events,
                                 codespace: "c")),
        .commit(CommitResponse(retainHeight: 5)),
        .listSnapshots([snapshot, Snapshot(height: 41, format: 1, chunks: 1, hash: [1])]),
        .offerSnapshot(.rejectFormat),
        .loadSnapshotChunk([1, 2, 3]),
        .applySnapshotChunk(ApplySnapshotChunkResponse(result: .retry, refetchChunks: [1, 2], rejectSenders: ["p"])),
        .prepareProposal(PrepareProposalResponse(txs: [[1], [2]])),
        .processProposal(.reject),
        .extendVote(ExtendVoteResponse(voteExtension: [7])),
        .verifyVoteExtension(.reject),
        .finalizeBlock(FinalizeBlockResponse(
            events: events,
            txResults: [TxResult(code: 1, data: [2], log: "l", info: "i", gasWanted: 5, gasUsed: 4, events: events, codespace: "c")],
            validatorUpdates: updates, consensusParamUpdates: paramsUpdate, appHash: hash)),
    ]
}
