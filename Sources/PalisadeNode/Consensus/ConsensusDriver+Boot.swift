import PalisadeConsensus
import PalisadeStorage
import PalisadeTypes

/// Start-up: replay what the WAL holds for the height we are on through the normal `feed` path
/// (DESIGN §5 rule 2), then release what replay held back.
extension ConsensusDriver {
    func boot() async throws {
        if let note = wal.recoveryNote { logger.warning("WAL recovered", metadata: ["note": "\(note)"]) }
        let height = chain.nextHeight
        let logged = try walInputs(forHeight: height)
        guard case .startHeight? = logged.first else {
            logger.info("starting height", metadata: ["height": "\(height)"])
            try await startHeight()
            return
        }
        logger.notice("replaying WAL", metadata: ["height": "\(height)", "entries": "\(logged.count)"])
        replaying = true
        for input in logged {
            try await feed(input)
        }
        replaying = false
        let held = deferred
        deferred = Deferred()
        for message in held.sends {
            switch message {
            case .proposal(let proposal):
                try await gossipProposal(proposal)
                try await feed(.proposal(proposal, now: clock.now()))
            case .vote(let vote):
                try await gossip(.vote(vote))
                try await feed(.vote(vote, now: clock.now()))
            default:
                break
            }
        }
        for request in held.proposalRequests {
            let answered = logged.contains {
                if case let .proposalValue(h, r, _, _) = $0 { return h == request.height && r == request.round }
                return false
            }
            if !answered { try await propose(height: request.height, round: request.round) }
        }
    }

    /// The store is the authority on what was committed: a crash between saving block h and
    /// writing the WAL's end-of-height marker leaves the marker missing, so it is written now.
    private func walInputs(forHeight height: Int64) throws -> [Input] {
        do {
            return try wal.inputs(forHeight: height)
        } catch .missingEndHeight {
            do {
                try wal.append(.endHeight(height - 1))
                try wal.sync()
                return try wal.inputs(forHeight: height)
            } catch {
                throw NodeError.storage("WAL \(wal.path): \(error)")
            }
        } catch {
            throw NodeError.storage("reading WAL \(wal.path): \(error)")
        }
    }
}
