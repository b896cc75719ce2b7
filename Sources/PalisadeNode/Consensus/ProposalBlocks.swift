import PalisadeTypes

/// Blocks of the current height being assembled from parts, and the complete ones. A part is
/// accepted only for a proposal we hold and only if its Merkle proof matches that proposal's
/// part-set header, so parts cannot be forged even by a peer that relays them.
struct ProposalBlocks {
    /// Part sets by the header a signed proposal named; a Byzantine proposer can name several.
    private(set) var partSets: [PartSetHeader: PartSet] = [:]
    /// Proposals by round, to find which part sets a part of that round can belong to.
    private(set) var headersByRound: [Int32: [PartSetHeader]] = [:]
    /// Complete, decoded blocks by their ID.
    private(set) var blocks: [BlockID: Block] = [:]

    static let maxProposalsPerRound = 4

    /// Starts collecting parts for `proposal`. Returns false when already known.
    mutating func expect(_ proposal: Proposal) -> Bool {
        let header = proposal.blockID.partSetHeader
        guard partSets[header] == nil, blocks[proposal.blockID] == nil,
              (headersByRound[proposal.round]?.count ?? 0) < Self.maxProposalsPerRound,
              let set = try? PartSet(header: header) else { return false }
        partSets[header] = set
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
        partSets = [:]
        headersByRound = [:]
        blocks = [:]
    }
}
