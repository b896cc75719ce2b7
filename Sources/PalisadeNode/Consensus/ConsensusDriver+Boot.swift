import Logging
import PalisadeConsensus
import PalisadeStorage
import PalisadeTypes

/// Start-up: replay what the WAL holds for the height we are on through the normal `feed` path
/// (ARCHITECTURE §5 rule 2), rebuild the proposed blocks from their logged parts, offer everything held
/// for the height to peers again, then release what replay held back.
extension ConsensusDriver {
    func boot() async throws {
        if let note = wal.recoveryNote { logger.warning("WAL recovered", metadata: ["note": "\(note)"]) }
        let height = chain.nextHeight
        let logged = try walEntries(forHeight: height)
        guard logged.contains(where: { if case .input(.startHeight) = $0 { true } else { false } }) else {
            logger.info("starting height", metadata: ["height": "\(height)"])
            try await enterHeight()
            return
        }
        logger.notice("replaying WAL", metadata: ["height": "\(height)", "entries": "\(logged.count)"])
        reactor.begin(height: height)
        replaying = true
        var parts: [(round: Int32, part: Part)] = []
        var inputs: [Input] = []
        for entry in logged {
            switch entry {
            case let .blockPart(partHeight, round, part) where partHeight == height:
                parts.append((round, part))
            case .input(let input):
                inputs.append(input)
                noteReplayed(input)
                try await feed(input)
            case .blockPart, .endHeight:
                break
            }
        }
        replaying = false
        rebuildBlocks(from: parts)
        try await reoffer(inputs)
        let held = deferred
        deferred = Deferred()
        for message in held.sends {
            switch message {
            case .proposal(let proposal):
                try await sendOwn(.proposal(proposal, now: now)) { try await self.gossipProposal(proposal, own: true) }
            case .vote(let signed):
                // A precommit the WAL already held went back out with its logged extension;
                // asking the app for another would only make a second, unsent one.
                let extends = signed.isExtendable && voteExtensionsEnabled(at: signed.height)
                if extends, reactor.holds(.vote(signed)) { continue }
                guard let vote = try await withExtension(signed) else { continue }
                try await sendOwn(.vote(vote, now: now)) { try await self.gossipOwn(.vote(vote)) }
            default:
                break
            }
        }
        for request in held.proposalRequests {
            let answered = inputs.contains {
                if case let .proposalValue(h, r, _, _) = $0 { return h == request.height && r == request.round }
                return false
            }
            if !answered { try await propose(height: request.height, round: request.round) }
        }
        try await resumeAfterReplay()
    }

    /// What the shell keeps beside the core for a replayed input: the proposals it names, and
    /// which blocks were already judged (our own, or with a logged verdict).
    private func noteReplayed(_ input: Input) {
        switch input {
        case .proposal(let proposal, _):
            _ = blocks.hold(proposal)
        case let .proposalValidity(_, _, blockID, _, _), let .proposalValue(_, _, blockID, _):
            _ = blocks.markJudged(blockID)
        default:
            break
        }
    }

    /// Every block whose proposal we hold and whose parts the WAL kept, decoded again.
    private func rebuildBlocks(from parts: [(round: Int32, part: Part)]) {
        for proposal in blocks.heldProposals where blocks.block(proposal.blockID) == nil {
            _ = blocks.expect(proposal)
        }
        for (round, part) in parts { _ = blocks.addAndAdopt(part, round: round) }
    }

    /// Peers may have lost what we sent before the crash (they may have crashed too): the
    /// height's proposals with their blocks' parts, then its votes, ours included byte for
    /// byte, go back into the relay set, which sends each peer at our height what it lacks.
    private func reoffer(_ inputs: [Input]) async throws {
        let ours = signer?.address
        for proposal in blocks.heldProposals {
            try await gossipProposal(proposal, own: ours != nil && ours == core.proposer(round: proposal.round))
        }
        for input in inputs {
            guard case .vote(let vote, _) = input, vote.height == core.height else { continue }
            await transmit(reactor.relay(.vote(vote), own: vote.validatorAddress == ours))
        }
    }

    /// A decision replay reached before the block was rebuilt is executed now; proposals whose
    /// block is complete but which the log shows no verdict for are judged.
    private func resumeAfterReplay() async throws {
        if let decision = pendingDecision, let block = blocks.block(decision.blockID) {
            pendingDecision = nil
            try await commitDecided(block, decision: decision)
            return
        }
        for proposal in blocks.heldProposals where !blocks.wasJudged(proposal.blockID) {
            if let block = blocks.block(proposal.blockID) { try await judge(block, proposal: proposal) }
        }
    }

    /// The store is the authority on what was committed. A crash between saving block h and
    /// writing the WAL's end-of-height marker leaves the marker missing, and a log without any
    /// marker can hold a height the store has already passed: either way the marker is written
    /// now and nothing of the older height is replayed.
    private func walEntries(forHeight height: Int64) throws -> [WALEntry] {
        do {
            let entries = try wal.entries(forHeight: height)
            let start = entries.lazy.compactMap { entry -> Int64? in
                if case .input(.startHeight(let start)) = entry { start.height } else { nil }
            }.first
            guard let start, start != height else { return Self.cutAtOwnEnd(entries, height: height, logger: logger) }
            logger.warning("WAL holds another height than the store's next; closing it",
                           metadata: ["wal_height": "\(start)", "height": "\(height)"])
            return try closeHeight(height - 1)
        } catch .missingEndHeight {
            do { return try closeHeight(height - 1) } catch {
                throw NodeError.storage("WAL \(wal.path): \(error)")
            }
        } catch {
            throw NodeError.storage("reading WAL \(wal.path): \(error)")
        }
    }

    /// A log that already closed `height` ran past the store: `palisade rollback` removed that
    /// height from the store. What the log holds of `height` itself (the proposal, its parts and
    /// the votes, ours included) is replayed, so the node decides the same block again and the
    /// fixed app executes it; what follows the marker belongs to heights not yet reached again.
    /// When the height is closed a second time, that newer marker is the one later replays use.
    static func cutAtOwnEnd(_ entries: [WALEntry], height: Int64, logger: Logger) -> [WALEntry] {
        guard let end = entries.firstIndex(of: .endHeight(height)) else { return entries }
        logger.warning("WAL runs past the store (rolled back?); replaying only this height",
                       metadata: ["height": "\(height)", "entries_after": "\(entries.count - end - 1)"])
        return Array(entries[..<end])
    }

    private func closeHeight(_ height: Int64) throws(WALError) -> [WALEntry] {
        try wal.append(.endHeight(height))
        try wal.sync()
        return try wal.entries(forHeight: height + 1)
    }
}
