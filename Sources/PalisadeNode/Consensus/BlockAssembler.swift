import PalisadeTypes

/// The current height's proposals and their blocks: signed proposals held, blocks being
/// assembled from parts, the complete ones, and which were judged. A part is accepted only for a
/// proposal we hold and only if its Merkle proof matches that proposal's part-set header, so
/// parts cannot be forged even by a peer that relays them.
struct BlockAssembler {
    /// Signed proposals by round and the part-set header they name. One block can be proposed in
    /// several rounds (a proposer re-proposes its valid value, with a POL round): each round's
    /// proposal is its own message for the core, while the block is assembled once.
    private var proposals: [Round: [PartSetHeader: Proposal]] = [:]
    private typealias Round = Int32
    /// Blocks whose validity was asked of the app (or that are our own): judged at most once.
    private var judged: Set<BlockID> = []
    /// Part sets by the header a signed proposal named; a Byzantine proposer can name several.
    private(set) var partSets: [PartSetHeader: PartSet] = [:]
    /// Proposals by round, to find which part sets a part of that round can belong to.
    private(set) var headersByRound: [Int32: [PartSetHeader]] = [:]
    /// Complete, decoded blocks by their ID.
    private(set) var blocks: [BlockID: Block] = [:]

    static let maxProposalsPerRound = 4

    /// Holds a verified proposal and starts collecting its block's parts. False when it is
    /// already held.
    mutating func hold(_ proposal: Proposal) -> Bool {
        guard !holds(proposal) else { return false }
        proposals[proposal.round, default: [:]][proposal.blockID.partSetHeader] = proposal
        _ = expect(proposal)
        return true
    }

    func holds(_ proposal: Proposal) -> Bool { proposals[proposal.round]?[proposal.blockID.partSetHeader] != nil }

    /// A held proposal naming `header`, the one of `round` if there is one.
    func proposal(naming header: PartSetHeader, round: Int32) -> Proposal? {
        proposals[round]?[header] ?? heldProposals.first { $0.blockID.partSetHeader == header }
    }

    /// Proposals in a fixed order: by round, then block hash.
    var heldProposals: [Proposal] {
        proposals.values.flatMap(\.values)
            .sorted { ($0.round, $0.blockID.hash.upperHex) < ($1.round, $1.blockID.hash.upperHex) }
    }

    /// Records that `id` is being judged; false if it already was.
    mutating func markJudged(_ id: BlockID) -> Bool { judged.insert(id).inserted }

    func wasJudged(_ id: BlockID) -> Bool { judged.contains(id) }

    /// Starts collecting parts for `proposal`, or lets parts sent with a later round's
    /// re-proposal of the same block complete the set already begun. False when nothing is
    /// needed (the block is complete) or the round is full.
    mutating func expect(_ proposal: Proposal) -> Bool {
        let header = proposal.blockID.partSetHeader
        guard blocks[proposal.blockID] == nil,
              (headersByRound[proposal.round]?.count ?? 0) < Self.maxProposalsPerRound,
              headersByRound[proposal.round]?.contains(header) != true else { return false }
        if partSets[header] == nil {
            guard let set = try? PartSet(header: header) else { return false }
            partSets[header] = set
        }
        headersByRound[proposal.round, default: []].append(header)
        return true
    }

    enum PartOutcome {
        case unexpected
        case invalid(String)
        case added
        /// The part completed a block; its bytes decoded to `block` for header `header`.
        case completed(PartSetHeader, Block)
        case undecodable(PartSetHeader, String)
        case duplicate
    }

    mutating func add(_ part: Part, round: Int32) -> PartOutcome {
        guard let headers = headersByRound[round] else { return .unexpected }
        var lastError = "no part set of round \(round) accepts it"
        for header in headers {
            guard var set = partSets[header] else { continue }
            let added: Bool
            do { added = try set.add(part) } catch {
                lastError = error.description
                continue
            }
            partSets[header] = set
            guard added else { return .duplicate }
            guard set.isComplete, let data = set.data else { return .added }
            do {
                let block = try Block(protobuf: data)
                return .completed(header, block)
            } catch {
                return .undecodable(header, error.description)
            }
        }
        return .invalid(lastError)
    }

    mutating func insert(_ block: Block, id: BlockID) {
        blocks[id] = block
    }

    func block(_ id: BlockID) -> Block? { blocks[id] }

    mutating func reset() {
        proposals = [:]
        judged = []
        partSets = [:]
        headersByRound = [:]
        blocks = [:]
    }
}

extension BlockAssembler {
    /// A part's outcome after a complete block is matched to its proposal: the block is kept
    /// when it hashes to the proposal's block ID.
    mutating func addAndAdopt(_ part: Part, round: Int32) -> (PartOutcome, Proposal?) {
        let outcome = add(part, round: round)
        switch outcome {
        case let .completed(header, block):
            guard let proposal = proposal(naming: header, round: round) else { return (outcome, nil) }
            if block.blockID == proposal.blockID { insert(block, id: proposal.blockID) }
            return (outcome, proposal)
        case let .undecodable(header, _):
            return (outcome, proposal(naming: header, round: round))
        default:
            return (outcome, nil)
        }
    }
}
