import PalisadeConsensus
import PalisadeTypes

/// Crash recovery (ARCHITECTURE §5): a fresh core replays the WAL through the same `handle` path.
/// During replay nothing leaves the node except what the signer allows: a request it has
/// already granted (identical sign bytes) is re-sent, a stale one is dropped, a conflicting one
/// is a violation. Timers are re-armed from the replayed directives; the app is asked again for
/// what the log shows it never answered.
extension Simulation {
    func restart(_ node: SimulatedNode) {
        node.core = ConsensusState(chainID: chainID, validatorAddress: node.address, config: config)
        let log = node.log
        guard case .startHeight(let start)? = log.first else {
            // Nothing to replay (amnesia, or a crash before height 1): start after the last
            // block the node stored.
            record("n\(node.endpoint) RESTART empty WAL, at h=\(node.lastDecidedHeight + 1)")
            startHeight(node, node.lastDecidedHeight + 1)
            regossip(to: node)
            return
        }
        record("n\(node.endpoint) RESTART replaying \(log.count) WAL entries of h=\(start.height)")
        node.height = start.height
        node.replaying = true
        for input in log { feed(node, input) }
        node.replaying = false

        let deferred = node.afterReplay
        node.afterReplay = []
        let incarnation = node.incarnation
        for action in deferred {
            // An armed crash may strike again while the node catches up; its restart redoes this.
            guard node.incarnation == incarnation else { return }
            switch action {
            case .send(let envelope):
                transmit(envelope, from: node.endpoint)
                switch envelope.message {
                case .vote(let vote): feed(node, .vote(vote, now: timestamp))
                case .proposal(let proposal): feed(node, .proposal(proposal, now: timestamp))
                }
            case let .requestProposal(height, round):
                let answered = log.contains {
                    if case let .proposalValue(h, r, _, _) = $0 { return h == height && r == round }
                    return false
                }
                if !answered { requestProposal(node, height: height, round: round) }
            }
        }
        guard node.incarnation == incarnation else { return }
        for input in log {
            guard case let .proposal(proposal, _) = input else { continue }
            let judged = log.contains {
                if case let .proposalValidity(h, r, block, _, _) = $0 {
                    return h == proposal.height && r == proposal.round && block == proposal.blockID
                }
                return false
            }
            if judged {
                node.validityAsked.insert(.init(height: proposal.height, round: proposal.round, block: proposal.blockID))
            } else {
                askValidity(node, height: proposal.height, round: proposal.round, block: proposal.blockID)
            }
        }
        regossip(to: node)
    }
}
