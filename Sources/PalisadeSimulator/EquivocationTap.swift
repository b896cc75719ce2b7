import PalisadeCrypto
import PalisadeNode
import PalisadeTypes
import Synchronization

/// The equivocating proposer's fault, on top of an honest runtime: its network port watches its
/// own proposal and block parts go out and, once the block is whole, signs a second proposal
/// for (height, round) with the raw key — a different block, one transaction more — and sends
/// it with that block's parts to half its peers. `invalidSecond` makes that transaction one
/// the honest app rejects.
final class EquivocationTap: Sendable {
    let key: Ed25519PrivateKey
    let validator: Int
    let invalidSecond: Bool
    private let state = Mutex(Assembly())

    private struct Assembly {
        var proposal: Proposal?
        var parts: PartSet?
        var done: Set<[Int64]> = []
    }

    init(key: Ed25519PrivateKey, validator: Int, invalidSecond: Bool) {
        self.key = key
        self.validator = validator
        self.invalidSecond = invalidSecond
    }

    func observe(channel: UInt8, bytes: Bytes, world: SimWorld, from endpoint: Int) {
        guard channel == NodeChannel.consensusData, let message = try? ConsensusWireMessage(decoding: bytes) else { return }
        let complete: (Proposal, Block)? = state.withLock { assembly in
            switch message {
            case .proposal(let proposal):
                guard !assembly.done.contains([proposal.height, Int64(proposal.round)]),
                      proposal.verifySignature(chainID: world.chainID, publicKey: key.publicKey),
                      let parts = try? PartSet(header: proposal.blockID.partSetHeader) else { return nil }
                assembly.proposal = proposal
                assembly.parts = parts
            case let .blockPart(height, round, part):
                guard let proposal = assembly.proposal, proposal.height == height, proposal.round == round,
                      var parts = assembly.parts else { return nil }
                _ = try? parts.add(part)
                assembly.parts = parts
                guard parts.isComplete, let data = parts.data, let block = try? Block(protobuf: data) else { return nil }
                assembly.done.insert([height, Int64(round)])
                assembly.proposal = nil
                assembly.parts = nil
                return (proposal, block)
            default:
                break
            }
            return nil
        }
        guard let (first, block) = complete else { return }
        equivocate(first, block: block, world: world, from: endpoint)
    }

    private func equivocate(_ first: Proposal, block: Block, world: SimWorld, from endpoint: Int) {
        var second = block
        let tag = invalidSecond ? SimulatedApplication.invalidPrefix : "sim-equivocation"
        second.data.txs.append(Bytes("\(tag)=\(first.height)/\(first.round)".utf8))
        second.fillHeaderHashes()
        var proposal = Proposal(height: first.height, round: first.round, polRound: first.polRound,
                                blockID: second.blockID, timestamp: first.timestamp)
        proposal.sign(with: key, chainID: world.chainID)
        let parts = second.makePartSet()
        var messages = [ConsensusWireMessage.proposal(proposal).encoded()]
        for index in 0..<parts.total {
            if let part = parts.part(at: index) {
                messages.append(ConsensusWireMessage.blockPart(height: first.height, round: first.round, part: part).encoded())
            }
        }
        world.state.withLock { state in
            state.observations.recordProposal(validator: validator, proposal)
            state.trace.record(state.now, "n\(endpoint) EQUIVOCATES h=\(first.height) r=\(first.round) "
                + "\(first.blockID.traceName) / \(proposal.blockID.traceName)")
            for (position, peer) in state.links.peers(of: endpoint).enumerated() where position % 2 == 0 {
                for bytes in messages {
                    state.send(from: endpoint, to: peer, channel: NodeChannel.consensusData, bytes: bytes)
                }
            }
        }
    }
}
