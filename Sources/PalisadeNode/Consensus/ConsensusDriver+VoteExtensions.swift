import PalisadeABCI
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Vote extensions (ABCI 2.0, CometBFT v0.38). From `abci.vote_extensions_enable_height` on, our
/// precommit for a block carries what the app returns from ExtendVote, signed apart from the vote;
/// a peer's precommit for a block must carry a valid extension signature and an extension the app
/// accepts (VerifyVoteExtension), or it is not counted; the decision keeps each precommit's
/// extension, the store keeps them with the seen commit, and the next proposer hands them to
/// PrepareProposal. Before that height a vote with extension bytes is invalid.
extension ConsensusDriver {
    /// Whether votes of `height` carry extensions. The chain state's parameters are those of
    /// `chain.nextHeight`, and an enable height at or below a height is frozen from then on, so
    /// they answer exactly for every height up to the next one. For the height after it (votes
    /// the core buffers while our block is not executed yet) they are the best guess: only that
    /// block could still set or move the enable height to exactly that height, and a vote judged
    /// by the guess is at worst counted without its extension or dropped. Dropping every such
    /// precommit instead would cost chains without extensions the votes a peer sends once.
    func voteExtensionsEnabled(at height: Int64) -> Bool {
        chain.consensusParams.abci.voteExtensionsEnabled(at: height)
    }

    /// What is wrong with a peer's vote's extension fields, by cheap checks only (no signature,
    /// no app call); nil when nothing is. `enabled`: whether the vote's height has extensions.
    static func extensionShapeProblem(_ vote: Vote, enabled: Bool) -> String? {
        if !enabled || !vote.isExtendable {
            return vote.hasExtensionData ? "vote carries extension bytes, but vote extensions are not enabled "
                + "at height \(vote.height)" : nil
        }
        return vote.extensionSignature.isEmpty ? "precommit at height \(vote.height) lacks its extension signature" : nil
    }

    /// A peer's precommit for a block at a height with extensions: the extension signature of the
    /// validator that signed the vote (a bad one disconnects the peer: no honest node relays it),
    /// then the app's verdict. Our own extension is not put to our app, as in CometBFT.
    /// Returns whether the vote may be counted.
    func verifyExtension(of vote: Vote, by validator: Validator, from peer: String) async throws -> Bool {
        guard vote.verifyExtensionSignature(chainID: chainID, publicKey: validator.publicKey) else {
            await reject(peer, "invalid vote extension signature from \(vote.validatorAddress) at height \(vote.height)")
            return false
        }
        if vote.validatorAddress == signer?.address { return true }
        let request = VerifyVoteExtensionRequest(hash: vote.blockID.hash, validatorAddress: vote.validatorAddress,
                                                 height: vote.height, voteExtension: vote.extension)
        let verdict: VerifyVoteExtensionResponse
        do { verdict = try await app.verifyVoteExtension(request) } catch {
            throw NodeError.application(call: "VerifyVoteExtension", reason: "\(error)")
        }
        guard verdict == .accept else {
            // The validator signed it, so the relaying peer may be honest: drop, do not disconnect.
            counters.invalidMessages += 1
            logger.warning("the app rejected a vote extension", metadata: [
                "validator": "\(vote.validatorAddress)", "height": "\(vote.height)", "round": "\(vote.round)"])
            return false
        }
        return true
    }

    /// Our signed vote as it must leave: a precommit for a block at a height with extensions gets
    /// the app's ExtendVote bytes and their signature; any other vote is returned unchanged. Nil
    /// when the block is not held (the app cannot be asked about a block we lack): a precommit
    /// without its extension would be refused by every peer, so nothing is sent.
    func withExtension(_ vote: Vote) async throws -> Vote? {
        guard vote.isExtendable, voteExtensionsEnabled(at: vote.height), var signer else { return vote }
        guard let block = blocks.block(vote.blockID) else {
            logger.error("cannot extend our precommit: its block is not held",
                         metadata: ["height": "\(vote.height)", "round": "\(vote.round)"])
            return nil
        }
        let request: ExtendVoteRequest
        do {
            let view = try BlockExecutionRequests.finalizeBlock(block, blockID: vote.blockID, state: chain)
            request = ExtendVoteRequest(hash: view.hash, height: view.height, time: view.time, txs: view.txs,
                                        proposedLastCommit: view.decidedLastCommit, misbehavior: view.misbehavior,
                                        nextValidatorsHash: view.nextValidatorsHash,
                                        proposerAddress: view.proposerAddress)
        } catch {
            logger.error("cannot extend our precommit: \(error)", metadata: ["height": "\(vote.height)"])
            return nil
        }
        let response: ExtendVoteResponse
        do { response = try await app.extendVote(request) } catch {
            throw NodeError.application(call: "ExtendVote", reason: "\(error)")
        }
        var extended = vote
        extended.extension = response.voteExtension
        do {
            let signed = try await signer.signExtension(of: extended, chainID: chainID)
            self.signer = signer
            return signed
        } catch {
            // A precommit without its extension's signature would be refused by every peer.
            try refused(error, what: "vote extension h=\(vote.height) r=\(vote.round)")
            return nil
        }
    }

    /// The previous height's commit with every precommit heard so far, and their extensions: the
    /// core's decision while it has one (it keeps adding late precommits until the next height
    /// starts), else what was stored or applied last.
    func currentLastExtendedCommit() -> ExtendedCommit? {
        if let decision = core.decisions[chain.lastBlockHeight], decision.blockID == chain.lastBlockID,
           let extended = decision.extendedCommit {
            return extended
        }
        guard let lastCommit else { return nil }
        return ExtendedCommit(commit: lastCommit, extensions: lastCommitExtensions)
            ?? ExtendedCommit(withoutExtensions: lastCommit)
    }

    /// PrepareProposal's view of the previous commit: one entry per validator of that height,
    /// with the extension its precommit for the block carried (CometBFT's `ExtendedCommitInfo`).
    func extendedCommitInfo(_ extended: ExtendedCommit?) -> ExtendedCommitInfo {
        guard let extended, let lastValidators = chain.lastValidators,
              lastValidators.count == extended.commit.signatures.count else { return ExtendedCommitInfo() }
        let votes = lastValidators.validators.enumerated().map { index, validator in
            let flag = extended.commit.signatures[index].blockIDFlag
            let vote = flag == .commit ? extended.extensions[index] : .none
            return ExtendedVoteInfo(address: validator.address, power: validator.votingPower, voteExtension: vote.data,
                                    extensionSignature: vote.signature, blockIDFlag: flag)
        }
        return ExtendedCommitInfo(round: extended.commit.round, votes: votes)
    }
}
