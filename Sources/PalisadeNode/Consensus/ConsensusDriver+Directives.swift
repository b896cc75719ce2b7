import PalisadeConsensus
import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes

/// Feeding the core and carrying out what it asks, in order.
extension ConsensusDriver {
    /// Hands `input` to the core and executes its directives. Inputs the directives create (our
    /// own signed votes and proposals, fed back) queue behind it, so each `handle` call runs to
    /// completion before the next begins.
    ///
    /// Returns whether the core accepted `input` (it changed the state): what is relayed to peers
    /// is what the core accepted, within its caps. False for an input queued behind another.
    @discardableResult
    func feed(_ input: Input) async throws -> Bool {
        pending.append(input)
        guard pending.count == 1 else { return false }
        var accepted = false
        var index = 0
        while index < pending.count {
            let next = pending[index]
            let directives = core.handle(next)
            if index == 0 { accepted = !directives.isEmpty }
            index += 1
            for directive in directives {
                try await execute(directive)
            }
        }
        pending = []
        return accepted
    }

    private func execute(_ directive: Directive) async throws {
        switch directive {
        case .persist(let input):
            guard !replaying, walAhead.remove(input) == nil else { return }
            try appendToLog(.input(input))
        case .signVote(let vote):
            try syncLog()
            try await sign(vote)
        case .signProposal(let proposal):
            try syncLog()
            try await sign(proposal)
        case .scheduleTimeout(let timeout):
            schedule(timeout)
        case let .requestProposal(height, round):
            if replaying {
                deferred.proposalRequests.append((height, round))
            } else {
                try await propose(height: height, round: round)
            }
        case .decide(let decision):
            try await decided(decision)
        case let .duplicateVote(first, second):
            try syncLog()
            logger.warning("equivocation", metadata: [
                "validator": "\(first.validatorAddress)", "height": "\(first.height)", "round": "\(first.round)",
                "type": "\(first.type)"])
            await evidence.reportConflictingVotes(first, second)
        }
    }

    /// Group commit (ARCHITECTURE §5 rule 2a): an input is appended when the core asks, and the
    /// log is synced once, before the first directive that reaches beyond the process (a
    /// signature, an equivocation report, a decided block's execution) or before our own message
    /// leaves. Inputs that only change what the core counts (most peers' votes) ride on the next
    /// such sync instead of paying one each, as CometBFT writes peers' messages without a sync;
    /// one lost to a crash is a message still in flight, which peers send again on reconnect.
    func appendToLog(_ entry: WALEntry) throws {
        do { try wal.append(entry) } catch { throw NodeError.storage("WAL \(wal.path): \(error)") }
        walUnsynced = true
    }

    /// Our own input, durable before it is sent.
    private func persist(_ input: Input) throws {
        try appendToLog(.input(input))
        try syncLog()
    }

    /// A verified part of a proposed block, appended to the WAL without a sync of its own: the
    /// next sync (before a vote is signed, our proposal sent or a decided block executed)
    /// covers it, and nothing that relies on the block happens before that sync
    /// (ARCHITECTURE §5 rule 2c).
    func logPart(height: Int64, round: Int32, part: Part) throws {
        guard !replaying else { return }
        try appendToLog(.blockPart(height: height, round: round, part: part))
    }

    /// Makes everything appended so far durable, with one `fdatasync` for all of it; nothing to
    /// do when nothing was appended since the last one.
    func syncLog() throws {
        guard walUnsynced else { return }
        do { try wal.sync() } catch { throw NodeError.storage("WAL \(wal.path): \(error)") }
        walUnsynced = false
    }

    /// Our own message, into the WAL before it leaves (ARCHITECTURE §5 rule 2, as CometBFT's
    /// `WriteSync` of its own messages). Without it a crash just after sending restarts a core
    /// that does not know it voted: it then asks the signer for a different vote (nil, say, after
    /// a timeout), which the signer rightly refuses, and the validator is silent for the round.
    private func feedOwn(_ input: Input) throws {
        try persist(input)
        walAhead.insert(input)
        pending.append(input)
    }

    /// As `feedOwn`, for a message signed during replay and sent after it: WAL, then peers, then
    /// the core, outside any `feed` in progress.
    func sendOwn(_ input: Input, transmit: () async throws -> Void) async throws {
        try persist(input)
        walAhead.insert(input)
        try await transmit()
        try await feed(input)
    }

    private func schedule(_ timeout: Timeout) {
        clock.schedule(.timeout(timeout), afterMilliseconds: max(0, timeout.duration), for: self)
    }

    /// The signer persists before it returns (ARCHITECTURE §5 rule 1). A refusal during WAL replay is
    /// expected for messages already superseded; anywhere else it means the core asked for a
    /// double-sign, which the signer has just prevented: log loudly, send nothing.
    private func sign(_ vote: Vote) async throws {
        guard var signer else { return }
        let signed: Vote
        do {
            signed = try await signer.sign(vote, chainID: chainID)
            self.signer = signer
        } catch {
            try refused(error, what: "\(vote.type) h=\(vote.height) r=\(vote.round)")
            if let earlier = signedEarlier(vote, refusal: error) { try await send(earlier) }
            return
        }
        try await send(signed)
    }

    /// Our signed vote, extended if it must be, goes into the WAL, then to peers, then back to
    /// the core as an input. During replay it waits: its block, which ExtendVote is asked about,
    /// is rebuilt only after replay.
    private func send(_ signed: Vote) async throws {
        if replaying {
            deferred.sends.append(.vote(signed))
        } else if let vote = try await withExtension(signed) {
            try feedOwn(.vote(vote, now: now))
            try await gossipOwn(.vote(vote))
        }
    }

    private func sign(_ proposal: Proposal) async throws {
        guard var signer else { return }
        let signed: Proposal
        do {
            signed = try await signer.sign(proposal, chainID: chainID)
            self.signer = signer
        } catch {
            try refused(error, what: "proposal h=\(proposal.height) r=\(proposal.round)")
            if let earlier = signedEarlier(proposal, refusal: error) { try await send(earlier) }
            return
        }
        try await send(signed)
    }

    private func send(_ signed: Proposal) async throws {
        _ = blocks.hold(signed)
        if replaying {
            deferred.sends.append(.proposal(signed))
        } else {
            try feedOwn(.proposal(signed, now: now))
            try await gossipProposal(signed, own: true)
        }
    }

    func refused(_ error: SignerError, what: String) throws {
        switch error {
        case .refused(let refusal):
            if replaying {
                logger.debug("signer skips \(what) during replay: \(refusal)")
            } else {
                logger.error("signer refused \(what): \(refusal)")
            }
        case .remoteRefused, .unavailable:
            // A remote signer's refusal or absence costs this step, never the node (issue #15).
            logger.error("no signature for \(what): \(error)")
        case .storage:
            throw NodeError.signer("\(error)")
        }
    }

    /// Sends our proposal and then its parts: peers accept parts only for a proposal they hold,
    /// and one connection keeps the order.
    func gossipProposal(_ proposal: Proposal, own: Bool = false) async throws {
        await transmit(reactor.relay(.proposal(proposal), own: own))
        guard let block = blocks.block(proposal.blockID) else { return }
        let parts = block.makePartSet()
        for index in 0..<parts.total {
            guard let part = parts.part(at: index) else { continue }
            await transmit(reactor.relay(.blockPart(height: proposal.height, round: proposal.round, part: part), own: own))
        }
    }
}

extension ConsensusDriver {
    /// The vote the signer already signed at `vote`'s (height, round, step), rebuilt from its
    /// record, when it refused `vote` for conflicting with it. The core asked for something else
    /// because it forgot what we signed (a crash between the signer's write and the WAL's, or a
    /// lost WAL tail); staying silent would cost the round, and at a full restart could stall
    /// the height, while sending what was signed is exactly as safe as the first time.
    func signedEarlier(_ vote: Vote, refusal: SignerError) -> Vote? {
        guard case .refused(.conflictingData) = refusal, let signer, let record = signer.signRecord,
              let index = core.validators?.index(of: signer.address) else { return nil }
        guard record.height == vote.height, record.round == vote.round, record.step == SignStep(vote.type),
              let signBytes = record.signBytes, let signature = record.signature,
              let earlier = SignedMessageRecovery.vote(signBytes: signBytes, signature: signature, chainID: chainID,
                                                       type: vote.type, height: vote.height, round: vote.round,
                                                       validatorAddress: signer.address,
                                                       validatorIndex: Int32(index)) else { return nil }
        logger.notice("sending the vote the signer signed before instead",
                      metadata: ["height": "\(vote.height)", "round": "\(vote.round)", "type": "\(vote.type)",
                                 "block": "\(earlier.blockID.hash.upperHex)"])
        return earlier
    }

    /// As for votes: the proposal the signer signed at this (height, round), if we still hold the
    /// block it names (a proposal without its block helps nobody).
    func signedEarlier(_ proposal: Proposal, refusal: SignerError) -> Proposal? {
        guard case .refused(.conflictingData) = refusal, let record = signer?.signRecord else { return nil }
        guard record.height == proposal.height, record.round == proposal.round, record.step == .propose,
              let signBytes = record.signBytes, let signature = record.signature,
              let earlier = SignedMessageRecovery.proposal(signBytes: signBytes, signature: signature, chainID: chainID,
                                                           height: proposal.height, round: proposal.round),
              blocks.block(earlier.blockID) != nil else { return nil }
        logger.notice("sending the proposal the signer signed before instead",
                      metadata: ["height": "\(proposal.height)", "round": "\(proposal.round)",
                                 "block": "\(earlier.blockID.hash.upperHex)"])
        return earlier
    }
}
