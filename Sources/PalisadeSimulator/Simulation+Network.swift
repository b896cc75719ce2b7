import PalisadeConsensus
import PalisadeTypes

/// Sending, relaying and receiving.
///
/// Gossip choice: correct nodes RELAY. An honest endpoint that receives a message for the first
/// time forwards it to every peer, which gives the paper's guarantee that a message sent or
/// received by a correct process reaches every correct process by max(t, GST) + Δ, even when a
/// Byzantine sender showed it to only some. The relay is simulated exactly but economically: a
/// relay that would arrive no earlier than the copy the receiver already has on the way changes
/// nothing the receiver can observe (it drops repeats before relaying), so it is not scheduled.
/// That keeps a message at O(N) deliveries instead of O(N²) while arrival times are as with
/// full flooding.
extension Simulation {
    /// Signs nothing: `envelope` is already signed. Sends it from `from` to `targets` (all other
    /// endpoints by default), as the original transmission.
    func transmit(_ envelope: Envelope, from: Int, to targets: [Int]? = nil) {
        for to in targets ?? Array(nodes.indices) where to != from {
            send(envelope, from: from, to: to, relay: false)
        }
    }

    /// A fresh envelope for a message this endpoint just signed.
    func envelope(_ message: Envelope.Message, from node: SimulatedNode) -> Envelope {
        defer { nextMessageID += 1 }
        let envelope = Envelope(id: nextMessageID, origin: node.endpoint, signer: node.validator, message: message)
        earliestArrival.append(contentsOf: repeatElement(SimTime.max, count: nodes.count))
        earliestArrival[envelope.id * nodes.count + node.endpoint] = now
        if node.isHonest { archiveIfNew(envelope) }
        record("n\(node.endpoint) send \(envelope.summary)")
        return envelope
    }

    private func send(_ envelope: Envelope, from: Int, to: Int, relay: Bool) {
        // No relay can beat a copy arriving before the link's fixed latency has even elapsed.
        let slot = envelope.id * nodes.count + to
        let known = earliestArrival[slot]
        if relay && known <= now + plan.network.baseLatency[from][to] { return }
        let arrivals = plan.network.arrivals(from: from, to: to, at: now, rng: &networkRandom)
        guard let first = arrivals.first else { return }
        if relay && first >= known { return }
        if first < known { earliestArrival[slot] = first }
        for time in arrivals {
            queue.schedule(at: time, .deliver(to: to, envelope: envelope))
        }
    }

    func receive(_ envelope: Envelope, at node: SimulatedNode) {
        guard node.isAlive else {
            record("n\(node.endpoint) lost (down) #\(envelope.id)")
            return
        }
        let firstTime = node.seen.insert(envelope.id).inserted
        if firstTime && node.isHonest {
            archiveIfNew(envelope)
            for to in nodes.indices where to != node.endpoint {
                send(envelope, from: node.endpoint, to: to, relay: true)
            }
        }
        guard verify(envelope) else {
            record("n\(node.endpoint) reject bad signature #\(envelope.id)")
            return
        }
        if envelope.height > node.height {
            node.future[envelope.height, default: []].append(envelope)
            return
        }
        if envelope.height < node.height { return }
        record("n\(node.endpoint) recv \(envelope.summary)\(firstTime ? "" : " (again)")")
        hand(envelope, to: node)
    }

    /// Gives a verified message of the node's current height to its core.
    func hand(_ envelope: Envelope, to node: SimulatedNode) {
        switch envelope.message {
        case .vote(let vote):
            if node.isHonest { observations.recordReceivedVote(receiver: node.validator, signer: envelope.signer, vote) }
            feed(node, .vote(vote, now: timestamp))
        case .proposal(let proposal):
            let incarnation = node.incarnation
            feed(node, .proposal(proposal, now: timestamp))
            // A crash in the middle of that input takes the pending app call with it.
            guard node.incarnation == incarnation else { return }
            askValidity(node, height: proposal.height, round: proposal.round, block: proposal.blockID)
        }
    }

    /// ProcessProposal: the app's verdict reaches the core a little later, as it would from an
    /// ABCI call.
    func askValidity(_ node: SimulatedNode, height: Int64, round: Int32, block: BlockID) {
        guard node.validityAsked.insert(.init(height: height, round: round, block: block)).inserted else { return }
        let valid = app.isValid(block, height: height)
        queue.schedule(at: now + appRandom.int(in: 1...30),
                       .proposalValidity(endpoint: node.endpoint, incarnation: node.incarnation, height: height,
                                         round: round, block: block, valid: valid))
    }

    /// The shell checks signatures before building an input; proposals must be signed by the
    /// proposer of their (height, round). One check per signing act, cached by envelope id.
    private func verify(_ envelope: Envelope) -> Bool {
        if let known = signatureValid[envelope.id] { return known }
        let valid: Bool
        switch envelope.message {
        case .vote(let vote):
            guard let index = directory.index(of: vote.validatorAddress) else { valid = false; break }
            valid = vote.verifySignature(chainID: chainID, publicKey: directory.keys[index].publicKey)
        case .proposal(let proposal):
            let proposer = directory.proposer(height: proposal.height, round: proposal.round)
            valid = proposal.verifySignature(chainID: chainID, publicKey: directory.keys[proposer].publicKey)
        }
        signatureValid[envelope.id] = valid
        return valid
    }

    private func archiveIfNew(_ envelope: Envelope) {
        guard archived.insert(envelope.id).inserted else { return }
        archive[envelope.height, default: []].append(envelope)
    }

    /// Peers re-gossip what they hold for the heights a restarted node is missing (CometBFT's
    /// reactor does this for a peer that reports an older height). The relayer is an honest
    /// peer drawn from the network stream; the send obeys the network model like any other.
    ///
    /// What was on its way to the node when it crashed is forgotten first, so that later relays
    /// of those messages are not elided on the strength of a delivery the crash swallowed.
    func regossip(to node: SimulatedNode) {
        var slot = node.endpoint
        while slot < earliestArrival.count {
            earliestArrival[slot] = .max
            slot += nodes.count
        }
        let peers = nodes.filter { $0.isHonest && $0.endpoint != node.endpoint }.map(\.endpoint)
        guard !peers.isEmpty else { return }
        for height in archive.keys.sorted() where height >= max(node.height, 1) {
            for envelope in archive[height] ?? [] {
                send(envelope, from: peers[networkRandom.index(below: peers.count)], to: node.endpoint, relay: false)
            }
        }
    }
}
