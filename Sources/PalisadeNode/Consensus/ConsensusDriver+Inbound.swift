import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Messages from peers: decoded, checked, then handed to the core or the block assembler. An
/// undecodable message or a bad signature disconnects the peer (it is broken or hostile); a
/// message that is merely stale is dropped and counted.
extension ConsensusDriver {
    func receive(_ bytes: Bytes, channel: UInt8, from peer: String) async throws {
        // Peers relay what we relayed: an exact copy of a held message was checked and fed
        // once; it costs one hash, not a decoding.
        if channel != NodeChannel.consensusState, reactor.holdsEncoded(channel: channel, bytes: bytes) {
            counters.staleMessages += 1
            return
        }
        let message: ConsensusWireMessage
        do { message = try ConsensusWireMessage(decoding: bytes) } catch {
            await reject(peer, "undecodable consensus message: \(error)")
            return
        }
        guard message.channel == channel else {
            await reject(peer, "message on channel \(channel), expected \(message.channel)")
            return
        }
        if syncing, message.channel != NodeChannel.consensusState {
            // Block sync is applying heights this message's round belongs to or precedes.
            counters.staleMessages += 1
            return
        }
        try await peerBeganHeight(message, from: peer)
        switch message {
        case .newRoundStep(let state):
            await peerAdvanced(peer, to: state)
        case .vote(let vote):
            try await receive(vote, from: peer)
        case .proposal(let proposal):
            try await receive(proposal, from: peer)
        case let .blockPart(height, round, part):
            try await receive(part, height: height, round: round, from: peer)
        }
    }

    func reject(_ peer: String, _ reason: String) async {
        counters.invalidMessages += 1
        logger.warning("disconnecting peer", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
        reactor.disconnected(peer)
        await network.disconnect(peer: peer, reason: reason)
    }

    /// Votes of our height are checked against our validator set, votes of the next height
    /// against the next set (the core buffers them); anything else is stale. Cheap checks come
    /// first: the relay set, the extension fields' shape, then the vote signature, the
    /// extension signature and last the app's VerifyVoteExtension.
    private func receive(_ vote: Vote, from peer: String) async throws {
        // Peers relay what we relayed (our own votes included): a copy already held was checked
        // and fed once, so it costs neither a signature check nor a WAL write again. Held means
        // the same vote (type, height, round, validator, block), whatever extension bytes this
        // copy carries: a resend with other ones is not a new message.
        if vote.height == core.height, reactor.holds(.vote(vote)) {
            counters.staleMessages += 1
            return
        }
        let validators: ValidatorSet
        if vote.height == core.height, let current = core.validators {
            validators = current
        } else if vote.height == core.height + 1, chain.nextHeight == core.height {
            validators = chain.nextValidators
        } else if vote.height == core.height + 1, chain.nextHeight == vote.height {
            // Our block is stored and we wait out timeout_commit: the next height's set is known.
            validators = chain.validators
        } else {
            counters.staleMessages += 1
            return
        }
        let extensionsEnabled = voteExtensionsEnabled(at: vote.height)
        if let problem = Self.extensionShapeProblem(vote, enabled: extensionsEnabled) {
            // Dropped before any signature is checked. The sender is counted, not disconnected:
            // the bytes no signature covers are all that is wrong, and a resend of a real vote
            // costs us nothing more than this.
            counters.invalidMessages += 1
            logger.debug("dropping vote", metadata: ["peer": "\(peer)", "reason": "\(problem)"])
            return
        }
        guard let index = Int(exactly: vote.validatorIndex), validators.validators.indices.contains(index) else {
            await reject(peer, "vote from validator index \(vote.validatorIndex), the set has \(validators.count)")
            return
        }
        let validator = validators.validators[index]
        guard validator.address == vote.validatorAddress else {
            await reject(peer, "vote's validator address does not match index \(index)")
            return
        }
        guard vote.verifySignature(chainID: chainID, publicKey: validator.publicKey) else {
            await reject(peer, "invalid vote signature from \(vote.validatorAddress) at height \(vote.height)")
            return
        }
        if extensionsEnabled, vote.isExtendable {
            guard try await verifyExtension(of: vote, by: validator, from: peer) else { return }
        }
        // Relayed only once the core accepted it, within its caps (a valid vote for a round the
        // core does not keep is not passed on).
        guard try await feed(.vote(vote, now: now)) else {
            counters.staleMessages += 1
            return
        }
        observer.publish(.vote(vote))
        if vote.height == reactor.height { try await gossip(.vote(vote), from: peer) }
    }

    /// Proposals must be signed by the proposer of their (height, round).
    private func receive(_ proposal: Proposal, from peer: String) async throws {
        guard proposal.height == core.height, !core.hasDecided,
              proposal.round >= 0, proposal.round <= core.round + 1_000 else {
            counters.staleMessages += 1
            return
        }
        // A block above block.max_bytes can never be valid, so a part set that could hold one
        // is refused before the signature check (CometBFT's part-count check, with our limit).
        guard proposal.blockID.partSetHeader.total <= maxProposalParts else {
            counters.invalidMessages += 1
            logger.warning("proposal names more parts than block.max_bytes allows",
                           metadata: ["peer": "\(peer)", "parts": "\(proposal.blockID.partSetHeader.total)"])
            return
        }
        guard let proposerAddress = proposer(round: proposal.round),
              let proposer = core.validators?.validator(for: proposerAddress) else { return }
        guard proposal.verifySignature(chainID: chainID, publicKey: proposer.publicKey) else {
            await reject(peer, "invalid proposal signature at height \(proposal.height) round \(proposal.round)")
            return
        }
        guard !blocks.holds(proposal), try await feed(.proposal(proposal, now: now)) else {
            counters.staleMessages += 1
            return
        }
        _ = blocks.hold(proposal)
        try await gossip(.proposal(proposal), from: peer)
        if let block = blocks.block(proposal.blockID) { try await judge(block, proposal: proposal) }
    }

    /// The proposer of `round` at the core's height. The core's own lookup rotates the set
    /// `round` times per call; a peer sending proposals for rounds up to 1,000 ahead (each with
    /// a bad signature, from a fresh key each time) would make each cost O(validators × 1,000)
    /// before its signature is checked. The rotation is kept per validator set instead, so every
    /// round's proposer is computed once per height however many proposals name it.
    func proposer(round: Int32) -> Address? {
        guard let validators = core.validators else { return nil }
        if rotation?.validators != validators { rotation = ProposerRotation(validators) }
        let before = rotation?.steps ?? 0
        let proposer = rotation?.proposer(round: round)
        proposerSelectionRounds += (rotation?.steps ?? 0) - before
        return proposer
    }

    /// The most parts a block within `block.max_bytes` (100 MiB when unset) can have.
    var maxProposalParts: UInt32 {
        let limit = chain.consensusParams.block.maxBytes
        let maxBytes = limit > 0 ? min(limit, 104_857_600) : 104_857_600
        return UInt32((maxBytes + Int64(Part.size) - 1) / Int64(Part.size))
    }

    private func receive(_ part: Part, height: Int64, round: Int32, from peer: String) async throws {
        guard height == core.height else {
            counters.staleMessages += 1
            return
        }
        let (outcome, proposal) = blocks.addAndAdopt(part, round: round)
        switch outcome {
        case .unexpected, .duplicate:
            counters.staleMessages += 1
        case .invalid(let reason):
            // Parts are checked against a signed header, so a bad one is the sender's fault.
            await reject(peer, "invalid block part: \(reason)")
        case .added:
            try logPart(height: height, round: round, part: part)
            try await gossip(.blockPart(height: height, round: round, part: part), from: peer)
        case let .undecodable(_, reason):
            try logPart(height: height, round: round, part: part)
            try await gossip(.blockPart(height: height, round: round, part: part), from: peer)
            logger.warning("proposed block does not decode", metadata: ["reason": "\(reason)"])
            if let proposal {
                try await feed(.proposalValidity(height: height, round: proposal.round, blockID: proposal.blockID,
                                                 valid: false, now: now))
            }
        case let .completed(_, block):
            try logPart(height: height, round: round, part: part)
            try await gossip(.blockPart(height: height, round: round, part: part), from: peer)
            guard let proposal else { return }
            observer.publish(.completeProposal(height: height, round: proposal.round, blockID: proposal.blockID))
            try await judge(block, proposal: proposal)
        }
    }

    /// `valid(v)`: the block must follow from our state and the app must accept it. The verdict
    /// goes to the core as an input, logged like any other.
    func judge(_ block: Block, proposal: Proposal) async throws {
        if let decision = pendingDecision, decision.height == chain.nextHeight, decision.blockID == proposal.blockID,
           block.blockID == decision.blockID {
            pendingDecision = nil
            try await commitDecided(block, decision: decision)
            return
        }
        guard blocks.markJudged(proposal.blockID) else { return }
        var valid = block.blockID == proposal.blockID
        var reason = valid ? "" : "block does not hash to the proposed ID"
        if valid {
            do {
                try BlockValidator.validate(block, against: chain,
                                            medianTime: BlockExecutor.medianTime(of: block, state: chain),
                                            validatorSetAt: store.validatorSetLookup)
            } catch {
                valid = false
                reason = "\(error)"
            }
        }
        if valid, !block.evidence.isEmpty, let problem = await evidence.problemWithProposed(block.evidence) {
            valid = false
            reason = problem
        }
        if valid {
            valid = try await processProposal(block, blockID: proposal.blockID)
            if !valid { reason = "the app rejected it (ProcessProposal)" }
        }
        if !valid {
            logger.warning("rejecting proposal", metadata: ["height": "\(proposal.height)",
                                                            "round": "\(proposal.round)", "reason": "\(reason)"])
        }
        try await feed(.proposalValidity(height: proposal.height, round: proposal.round, blockID: proposal.blockID,
                                         valid: valid, now: now))
    }
}
