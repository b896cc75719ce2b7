import PalisadeABCI
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Our turn to propose (`getValue()`, paper L18): reap the mempool, let the app shape the list
/// (PrepareProposal), build the block on our state, and hand its ID to the core.
extension ConsensusDriver {
    func propose(height: Int64, round: Int32) async throws {
        guard let address = signer?.address, height == chain.nextHeight else { return }
        let extended = currentLastExtendedCommit()
        let commit = extended?.commit
        let time: Timestamp
        if height == chain.initialHeight {
            time = chain.lastBlockTime
        } else if let lastValidators = chain.lastValidators, let commit,
                  let median = MedianTime.of(commit, validators: lastValidators) {
            time = median
        } else {
            logger.error("cannot propose: no last commit to take the block time from", metadata: ["height": "\(height)"])
            return
        }
        let params = chain.consensusParams.block
        let proposedEvidence = await evidence.evidenceForProposal()
        let evidenceBytes = proposedEvidence.reduce(Int64(0)) { $0 + Int64($1.protobuf.count) }
        let maxDataBytes = Self.maxDataBytes(maxBytes: params.maxBytes, evidenceBytes: evidenceBytes,
                                             validators: chain.validators.count)
        let txs = await mempool.reap(maxBytes: maxDataBytes, maxGas: params.maxGas)
        let request = PrepareProposalRequest(
            maxTxBytes: maxDataBytes, txs: txs, localLastCommit: extendedCommitInfo(extended),
            height: height, time: time, nextValidatorsHash: chain.nextValidators.hash(), proposerAddress: address)
        let prepared: PrepareProposalResponse
        do { prepared = try await app.prepareProposal(request) } catch {
            throw NodeError.application(call: "PrepareProposal", reason: "\(error)")
        }
        let total = prepared.txs.reduce(Int64(0)) { $0 + Int64($1.count) }
        guard total <= maxDataBytes else {
            throw NodeError.application(call: "PrepareProposal",
                                        reason: "returned \(total) bytes of transactions, over max_tx_bytes \(maxDataBytes)")
        }
        let block = BlockBuilder.makeBlock(state: chain, txs: prepared.txs, lastCommit: commit ?? .empty,
                                           evidence: proposedEvidence.map(Evidence.duplicateVote), time: time, proposerAddress: address)
        let blockID = block.blockID
        // Our block's parts precede the value in the WAL: after a crash, replay can rebuild and
        // send the block our signed proposal names.
        let parts = block.makePartSet()
        for index in 0..<parts.total {
            if let part = parts.part(at: index) { try logPart(height: height, round: round, part: part) }
        }
        blocks.insert(block, id: blockID)
        _ = blocks.markJudged(blockID)
        logger.debug("proposing", metadata: ["height": "\(height)", "round": "\(round)", "txs": "\(block.data.txs.count)",
                                             "evidence": "\(block.evidence.count)"])
        try await feed(.proposalValue(height: height, round: round, blockID: blockID, now: now))
    }

    /// CometBFT's `MaxDataBytes`: the block budget minus the header, the last commit (one
    /// CommitSig per validator), the evidence and protobuf overhead.
    static func maxDataBytes(maxBytes: Int64, evidenceBytes: Int64, validators: Int) -> Int64 {
        let maxHeaderBytes: Int64 = 626
        let maxOverheadForBlock: Int64 = 11
        let maxCommitOverheadBytes: Int64 = 94
        let maxCommitSigBytes: Int64 = 109
        let budget = maxBytes > 0 ? maxBytes : 104_857_600
        return budget - maxOverheadForBlock - maxHeaderBytes - maxCommitOverheadBytes
            - maxCommitSigBytes * Int64(validators) - evidenceBytes
    }

    /// ProcessProposal for a block someone else proposed.
    func processProposal(_ block: Block, blockID: BlockID) async throws -> Bool {
        let request: FinalizeBlockRequest
        do { request = try BlockExecutionRequests.finalizeBlock(block, blockID: blockID, state: chain) } catch {
            return false
        }
        let process = ProcessProposalRequest(
            txs: request.txs, proposedLastCommit: request.decidedLastCommit, misbehavior: request.misbehavior,
            hash: request.hash, height: request.height, time: request.time,
            nextValidatorsHash: request.nextValidatorsHash, proposerAddress: request.proposerAddress)
        do { return try await app.processProposal(process) == .accept } catch {
            throw NodeError.application(call: "ProcessProposal", reason: "\(error)")
        }
    }
}
