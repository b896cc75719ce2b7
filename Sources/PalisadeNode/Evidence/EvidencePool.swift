import Logging
import PalisadeCrypto
import PalisadeProto
import PalisadeState
import PalisadeTypes

/// Equivocation on its way into a block (CometBFT's evidence pool and reactor, duplicate votes
/// only). Three sources feed it: the consensus core's conflicting votes, peers on the evidence
/// channel, and `broadcast_evidence`. Every item is verified against the chain before it is kept,
/// kept on disk until a block carries it, gossiped to every peer, and offered to our proposals.
///
/// A pair of conflicting votes for the height being decided cannot become evidence yet: evidence
/// carries the time of the block at its height and the validator powers there, and every node
/// must build the same bytes. So the pair waits until that height is committed.
public actor EvidencePool {
    /// What happened to one item offered to the pool.
    public enum Verdict: Sendable, Equatable {
        case added
        /// Already pending or already in a block: nothing to do.
        case known
        /// Not checkable yet (a height we have not committed) or too old: the sender is not at
        /// fault, it may just be ahead of or behind us.
        case ignored(String)
        /// Fails verification: whoever sent it is faulty.
        case invalid(String)
    }

    let chainID: String
    let store: any ChainStore
    let network: any PeerNetwork
    let logger: Logger
    /// The state after the last committed block; evidence is judged against it.
    private(set) var state: ChainState
    private var pending: PendingEvidence
    private var conflicting: [(first: Vote, second: Vote)] = []
    public private(set) var counters = EvidenceCounters()

    /// Loads the pending items a previous run kept.
    public init(chainID: String, state: ChainState, store: any ChainStore, network: any PeerNetwork,
                logger: Logger, limits: PendingEvidence.Limits = PendingEvidence.Limits()) throws {
        self.pending = PendingEvidence(limits: limits)
        self.chainID = chainID
        self.state = state
        self.store = store
        self.network = network
        self.logger = logger
        do {
            for item in try store.pendingEvidence() {
                pending.insert(item, hash: item.hash(), size: Self.encodedSize(item))
            }
        } catch {
            throw NodeError.storage("\(error)")
        }
    }

    /// Items waiting for a block, oldest height first.
    public var pendingEvidence: [DuplicateVoteEvidence] {
        pending.items.values.sorted { $0.height != $1.height ? $0.height < $1.height : $0.hash().lexicographicallyPrecedes($1.hash()) }
    }

    // MARK: - Sources

    /// Two votes from one validator for one (height, round, type) and different blocks, as the
    /// core saw them. Turned into evidence once their height is committed.
    public func reportConflictingVotes(_ first: Vote, _ second: Vote) async {
        conflicting.append((first, second))
        await convertConflictingVotes()
    }

    /// An item from `broadcast_evidence` or a peer. Added items are gossiped to every peer.
    @discardableResult
    public func add(_ evidence: DuplicateVoteEvidence, from peer: String? = nil) async -> Verdict {
        let hash = evidence.hash()
        let size = Self.encodedSize(evidence)
        var verdict: Verdict = pending[hash] != nil ? .known : .added
        if verdict == .added, let refusal = pending.refusal(validator: evidence.validatorAddress, size: size) {
            // Before any signature or store read: the pool is full for this validator or in all.
            verdict = .ignored("pending evidence is full: \(refusal)")
        }
        if verdict == .added { verdict = verify(evidence) }
        switch verdict {
        case .added:
            do { try store.savePendingEvidence(evidence) } catch {
                // Kept in memory anyway: only a restart would forget it.
                logger.error("cannot store pending evidence", metadata: ["error": "\(error)"])
            }
            pending.insert(evidence, hash: hash, size: size)
            counters.added += 1
            logger.notice("evidence added", metadata: [
                "evidence": "\(evidence)", "hash": "\(evidence.hash().upperHex)", "from": "\(peer ?? "local")"])
            await gossip([evidence], to: nil)
        case .known:
            break
        case .ignored(let reason):
            counters.ignored += 1
            logger.debug("evidence ignored", metadata: ["reason": "\(reason)", "from": "\(peer ?? "local")"])
        case .invalid(let reason):
            counters.invalid += 1
            logger.warning("invalid evidence", metadata: ["reason": "\(reason)", "from": "\(peer ?? "local")"])
        }
        return verdict
    }

    /// The evidence channel. Undecodable bytes or an item that fails verification disconnect the
    /// peer; an item it is merely ahead or behind on does not.
    public func receive(_ bytes: Bytes, from peer: String) async {
        var items: [DuplicateVoteEvidence]
        do { items = try EvidenceList.decode(bytes) } catch {
            counters.invalid += 1
            logger.warning("disconnecting peer", metadata: ["peer": "\(peer)", "reason": "\(error)"])
            await network.disconnect(peer: peer, reason: "undecodable evidence message: \(error)")
            return
        }
        // Copies within one message are judged once.
        var seen = Set<DuplicateVoteEvidence>()
        items = items.filter { seen.insert($0).inserted }
        for item in items {
            if case .invalid(let reason) = await add(item, from: peer) {
                await network.disconnect(peer: peer, reason: "invalid evidence: \(reason)")
                return
            }
        }
    }

    /// A new peer gets everything pending; after that it hears of new items as they are added.
    public func peerConnected(_ peer: String) async {
        await gossip(pendingEvidence, to: peer)
    }

    // MARK: - Blocks

    /// Pending items for our next proposal, within the byte budget consensus params give evidence.
    public func evidenceForProposal() -> [DuplicateVoteEvidence] {
        var chosen: [DuplicateVoteEvidence] = []
        var bytes: Int64 = 0
        for item in pendingEvidence {
            let size = Int64(item.protobuf.count)
            guard bytes + size <= state.consensusParams.evidence.maxBytes else { break }
            bytes += size
            chosen.append(item)
        }
        return chosen
    }

    /// What `BlockValidator` cannot judge about a proposed block's evidence: whether it was
    /// committed before and whether its time is the block time at its height. Nil when fine.
    public func problemWithProposed(_ evidence: [Evidence]) -> String? {
        for (index, item) in evidence.enumerated() where pending[item.hash()] == nil {
            let verdict = switch item {
            case .duplicateVote(let vote): verify(vote)
            case .lightClientAttack(let attack): verify(attack)
            }
            switch verdict {
            case .added:
                continue
            case .known:
                return "evidence[\(index)] was committed in an earlier block"
            case .ignored(let reason), .invalid(let reason):
                return "evidence[\(index)]: \(reason)"
            }
        }
        return nil
    }

    /// State sync restored the chain at `state`: evidence is judged against it from now on.
    public func bootstrap(state: ChainState) {
        self.state = state
    }

    /// After each committed block: forget what it carried, convert conflicting votes whose
    /// height is now committed, and drop items that expired.
    public func blockCommitted(_ block: Block, state: ChainState) async {
        self.state = state
        for item in block.evidence {
            if pending.remove(item.hash()) != nil { counters.committed += 1 }
        }
        await convertConflictingVotes()
        let expired = pending.items.filter { isExpired($0.value) }.map(\.key)
        guard !expired.isEmpty else { return }
        for hash in expired { pending.remove(hash) }
        do { try store.removePendingEvidence(hashes: expired) } catch {
            logger.error("cannot remove expired evidence", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Verification

    /// CometBFT's `verify` for duplicate votes: from a committed height, not expired, not
    /// committed before, the time of the block at its height, and proven against the validator
    /// set of that height (signatures and powers).
    func verify(_ evidence: DuplicateVoteEvidence) -> Verdict {
        let hash = evidence.hash()
        if pending[hash] != nil { return .known }
        // The checks that need nothing but our state come before the store is read.
        guard evidence.height <= state.lastBlockHeight else {
            return .ignored("height \(evidence.height) is not committed here yet (last \(state.lastBlockHeight))")
        }
        guard evidence.height >= state.initialHeight else {
            return .invalid("height \(evidence.height) is before the chain's initial height \(state.initialHeight)")
        }
        do {
            if try store.isEvidenceCommitted(hash: hash) { return .known }
        } catch {
            return .ignored("cannot read the block store: \(error)")
        }
        if isExpired(evidence) { return .ignored("expired (height \(evidence.height), last \(state.lastBlockHeight))") }
        let blockTime: Timestamp?
        let validators: ValidatorSet?
        do {
            blockTime = try store.blockTime(at: evidence.height)
            validators = try store.validators(at: evidence.height)
        } catch {
            return .ignored("cannot read the block store: \(error)")
        }
        guard let blockTime, let validators else {
            return .ignored("height \(evidence.height) is pruned or not stored here")
        }
        guard evidence.timestamp == blockTime else {
            return .invalid("timestamp \(evidence.timestamp) is not the block time \(blockTime) at height \(evidence.height)")
        }
        do { try evidence.verify(chainID: chainID, validatorSet: validators) } catch {
            return .invalid("\(error)")
        }
        return .added
    }

    private func isExpired(_ evidence: DuplicateVoteEvidence) -> Bool {
        EvidenceCheck.isExpired(evidenceHeight: evidence.height, evidenceTime: evidence.timestamp,
                                height: state.lastBlockHeight, time: state.lastBlockTime,
                                params: state.consensusParams.evidence)
    }

    /// Conflicting votes whose height is committed become evidence, with the powers and block
    /// time of that height, which every honest node reads the same.
    private func convertConflictingVotes() async {
        let ready = conflicting.filter { $0.first.height <= state.lastBlockHeight }
        conflicting.removeAll { $0.first.height <= state.lastBlockHeight }
        for (first, second) in ready {
            let evidence: DuplicateVoteEvidence
            do {
                guard let validators = try store.validators(at: first.height),
                      let blockTime = try store.blockTime(at: first.height) else { continue }
                evidence = try DuplicateVoteEvidence(conflicting: first, second, validatorSet: validators,
                                                     timestamp: blockTime)
            } catch {
                logger.warning("conflicting votes not turned into evidence", metadata: ["error": "\(error)"])
                continue
            }
            await add(evidence)
        }
    }

    private func gossip(_ items: [DuplicateVoteEvidence], to peer: String?) async {
        for bytes in Self.messages(items) {
            if let peer {
                await network.send(to: peer, channel: NodeChannel.evidence, bytes: bytes)
            } else {
                await network.broadcast(channel: NodeChannel.evidence, bytes: bytes)
            }
        }
    }

    /// The largest evidence message sent, and accepted (`ChannelLimits.evidence`): a quarter of
    /// the transport's 4 MiB, so that a new peer's backlog goes out as several messages
    /// instead of one that the transport would refuse.
    static let gossipChunkBytes = 1 << 20

    /// `items` as `EvidenceList` messages of at most `limit` bytes each, in order. An item that
    /// alone exceeds the limit cannot be sent and is left out.
    static func messages(_ items: [DuplicateVoteEvidence], limit: Int = gossipChunkBytes) -> [Bytes] {
        var messages: [Bytes] = []
        var chunk: [DuplicateVoteEvidence] = []
        var chunkBytes = 0
        for item in items {
            // A list's encoding is its items' one-item encodings laid end to end.
            let size = encodedSize(item)
            guard size <= limit else { continue }
            if chunkBytes + size > limit {
                messages.append(EvidenceList.encode(chunk))
                chunk = []
                chunkBytes = 0
            }
            chunk.append(item)
            chunkBytes += size
        }
        if !chunk.isEmpty { messages.append(EvidenceList.encode(chunk)) }
        return messages
    }

    /// What `item` adds to an `EvidenceList`'s encoding.
    static func encodedSize(_ item: DuplicateVoteEvidence) -> Int {
        EvidenceList.encode([item]).count
    }
}

/// Kept for operators and tests.
public struct EvidenceCounters: Sendable, Hashable {
    public var added = 0
    public var committed = 0
    public var ignored = 0
    public var invalid = 0
}
