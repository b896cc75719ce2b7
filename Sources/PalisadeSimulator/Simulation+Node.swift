import PalisadeConsensus
import PalisadeTypes

/// The shell around each core: feeding inputs, executing directives in order, starting heights.
extension Simulation {
    /// Hands `input` to the node's core and executes what it asks. Inputs the directives create
    /// (our own signed messages fed back) queue behind it, so each `handle` call runs to
    /// completion before the next begins, exactly in order.
    func feed(_ node: SimulatedNode, _ input: Input) {
        node.pending.append(input)
        guard !node.draining else { return }
        node.draining = true
        var index = 0
        while index < node.pending.count {
            let next = node.pending[index]
            index += 1
            guard var core = node.core else { break }
            let directives = core.handle(next)
            node.core = core
            for directive in directives {
                execute(directive, at: node)
                if strikeArmedCrash(node) { return }
            }
        }
        node.pending = []
        node.draining = false
    }

    /// Counts one executed directive against an armed crash; true when the node just crashed
    /// (the rest of the directives, and of the queued inputs, are lost with it).
    private func strikeArmedCrash(_ node: SimulatedNode) -> Bool {
        guard !node.replaying, let armed = node.armedCrash else { return false }
        if armed.directives > 1 {
            node.armedCrash = (armed.directives - 1, armed.downFor)
            return false
        }
        crash(node, amnesia: false, downFor: armed.downFor)
        return true
    }

    private func execute(_ directive: Directive, at node: SimulatedNode) {
        switch directive {
        case .persist(let input):
            // The shell already wrote the height's marker when it started the height.
            if case .startHeight = input { return }
            if !node.replaying { node.log.append(input) }
        case .signVote(let vote):
            signVote(vote, at: node)
        case .signProposal(let proposal):
            signProposal(proposal, at: node)
        case .scheduleTimeout(let timeout):
            queue.schedule(at: now + timeout.duration, .timeout(endpoint: node.endpoint, incarnation: node.incarnation, timeout))
        case let .requestProposal(height, round):
            if node.replaying {
                node.afterReplay.append(.requestProposal(height: height, round: round))
            } else {
                requestProposal(node, height: height, round: round)
            }
        case .decide(let decision):
            decide(decision, at: node)
        case let .duplicateVote(first, second):
            record("n\(node.endpoint) evidence \(first.type) h=\(first.height) r=\(first.round) \(first.blockID.traceName) vs \(second.blockID.traceName)")
            if node.isHonest, let signer = directory.index(of: first.validatorAddress) {
                observations.recordEvidence(receiver: node.validator, signer: signer, first)
            }
        }
    }

    private func signVote(_ vote: Vote, at node: SimulatedNode) {
        switch node.signer.sign(vote) {
        case .signed(let signature), .resigned(let signature):
            var signed = vote
            signed.signature = signature
            if node.isHonest { observations.recordHonestVote(validator: node.validator, signed) }
            let envelope = envelope(.vote(signed), from: node)
            if node.replaying {
                node.afterReplay.append(.send(envelope))
            } else {
                transmit(envelope, from: node.endpoint)
                feed(node, .vote(signed, now: timestamp))
            }
        case .regression(let last):
            refused(node, "\(vote.type) h=\(vote.height) r=\(vote.round) below last signed \(last)", regression: true)
        case .conflict(let last):
            refused(node, "\(vote.type) h=\(vote.height) r=\(vote.round) \(vote.blockID.traceName) conflicts with the signed \(last)",
                    regression: false)
        }
    }

    private func signProposal(_ proposal: Proposal, at node: SimulatedNode) {
        switch node.signer.sign(proposal) {
        case .signed(let signature), .resigned(let signature):
            var signed = proposal
            signed.signature = signature
            observations.recordProposal(validator: node.validator, signed)
            let first = envelope(.proposal(signed), from: node)
            if node.replaying {
                node.afterReplay.append(.send(first))
            } else if case let .equivocatingProposer(invalidSecond) = node.behaviour {
                equivocate(signed, first: first, invalidSecond: invalidSecond, at: node)
            } else {
                transmit(first, from: node.endpoint)
                feed(node, .proposal(signed, now: timestamp))
            }
        case .regression(let last):
            refused(node, "proposal h=\(proposal.height) r=\(proposal.round) below last signed \(last)", regression: true)
        case .conflict(let last):
            refused(node, "proposal h=\(proposal.height) r=\(proposal.round) conflicts with the signed \(last)", regression: false)
        }
    }

    /// A stale request during replay is expected (the log re-creates votes already sent); any
    /// other refusal means the core asked an honest signer for a double-sign.
    private func refused(_ node: SimulatedNode, _ detail: String, regression: Bool) {
        record("n\(node.endpoint) signer refuses \(detail)\(node.replaying ? " (replay)" : "")")
        if node.isHonest && !(regression && node.replaying) {
            observations.recordSignerRefusal(validator: node.validator, detail: detail)
        }
    }

    /// The equivocating proposer: a second, different proposal for the same (height, round)
    /// signed with the raw key (a Byzantine node bypasses its own guard), each half of the peers
    /// getting one of the two.
    private func equivocate(_ proposal: Proposal, first: Envelope, invalidSecond: Bool, at node: SimulatedNode) {
        var other = proposal
        other.blockID = app.build(height: proposal.height, round: proposal.round, builder: node.validator, variant: 7,
                                  time: timestamp, valid: !invalidSecond)
        other.sign(with: node.signer.key, chainID: chainID)
        observations.recordProposal(validator: node.validator, other)
        let second = envelope(.proposal(other), from: node)
        var peers = nodes.indices.filter { $0 != node.endpoint }
        networkRandom.shuffle(&peers)
        let half = peers.count / 2
        transmit(first, from: node.endpoint, to: Array(peers[..<half]))
        transmit(second, from: node.endpoint, to: Array(peers[half...]))
        feed(node, .proposal(proposal, now: timestamp))
    }

    func requestProposal(_ node: SimulatedNode, height: Int64, round: Int32) {
        let block = app.build(height: height, round: round, builder: node.validator, variant: node.variant,
                              time: timestamp, valid: node.behaviour != .invalidProposer)
        queue.schedule(at: now + appRandom.int(in: 1...20),
                       .proposalValue(endpoint: node.endpoint, incarnation: node.incarnation, height: height,
                                      round: round, block: block))
    }

    private func decide(_ decision: Decision, at node: SimulatedNode) {
        record("n\(node.endpoint) DECIDE h=\(decision.height) r=\(decision.round) \(decision.blockID.traceName)")
        if node.decided[decision.height] == nil { node.decided[decision.height] = decision.blockID }
        if node.isHonest {
            observations.recordDecision(validator: node.validator, height: decision.height, round: decision.round,
                                        block: decision.blockID, time: now)
            if decision.height >= targetHeight { honestAtTarget.insert(node.validator) }
        }
        queue.schedule(at: now + config.timeoutCommit,
                       .startHeight(endpoint: node.endpoint, incarnation: node.incarnation, height: decision.height + 1))
    }

    /// Begins `height`: writes the height's marker as the WAL's first entry (the WAL holds one
    /// height), hands the core its `HeightStart`, then the messages that arrived early.
    func startHeight(_ node: SimulatedNode, _ height: Int64) {
        let lastBlockTime: Timestamp
        if let previous = node.decided[height - 1], let block = app.block(previous) {
            lastBlockTime = block.time
        } else {
            lastBlockTime = Self.genesisTime
        }
        let start = HeightStart(height: height, validators: directory.validatorSet(height: height),
                                lastBlockTime: lastBlockTime, now: timestamp)
        record("n\(node.endpoint) start h=\(height)")
        node.height = height
        node.validityAsked = []
        node.log = [.startHeight(start)]
        feed(node, .startHeight(start))
        let early = node.future.removeValue(forKey: height) ?? []
        node.future = node.future.filter { $0.key > height }
        for envelope in early where node.height == height {
            record("n\(node.endpoint) recv (buffered) \(envelope.summary)")
            hand(envelope, to: node)
        }
    }
}
