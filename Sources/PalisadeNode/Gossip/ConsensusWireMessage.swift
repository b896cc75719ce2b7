import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import Foundation
import SwiftProtobuf

/// What validators tell each other about consensus, decoded and checked. The encoding is ours
/// (`Proto/palisade/p2p/messages.proto`); the payloads are CometBFT's own messages, so every
/// signature and hash inside is over the same bytes CometBFT would use.
public enum ConsensusWireMessage: Sendable, Hashable {
    case newRoundStep(PeerRoundState)
    case proposal(Proposal)
    case blockPart(height: Int64, round: Int32, part: Part)
    case vote(Vote)

    /// Votes travel on their own channel so a flood of block parts cannot delay them.
    public var channel: UInt8 {
        switch self {
        case .newRoundStep: NodeChannel.consensusState
        case .proposal, .blockPart: NodeChannel.consensusData
        case .vote: NodeChannel.consensusVote
        }
    }

    public func encoded() -> Bytes {
        var message = Palisade_P2p_ConsensusMessage()
        switch self {
        case .newRoundStep(let state):
            var step = Palisade_P2p_NewRoundStep()
            step.height = state.height
            step.round = state.round
            step.step = UInt32(state.step)
            step.lastStoredHeight = state.lastStoredHeight
            step.storedBase = state.storedBase
            message.newRoundStep = step
        case .proposal(let proposal):
            message.proposal = Data(proposal.protobuf)
        case let .blockPart(height, round, part):
            var blockPart = Palisade_P2p_BlockPart()
            blockPart.height = height
            blockPart.round = round
            blockPart.part = Data(CanonicalEncoding.encode(part.proto))
            message.blockPart = blockPart
        case .vote(let vote):
            message.vote = Data(vote.protobuf)
        }
        return CanonicalEncoding.encode(message)
    }

    /// Every field is checked by the same conversions that check blocks and votes from disk; an
    /// error names the message and field, and the caller disconnects the peer that sent it.
    public init(decoding bytes: Bytes) throws(DecodingError) {
        let message: Palisade_P2p_ConsensusMessage
        do { message = try Palisade_P2p_ConsensusMessage(serializedBytes: bytes) } catch {
            throw DecodingError(message: "ConsensusMessage", field: "", reason: "not a valid protobuf message")
        }
        switch message.sum {
        case .newRoundStep(let step)?:
            guard step.height >= 0, step.round >= 0, step.step <= 2, step.lastStoredHeight >= 0,
                  step.storedBase >= 0, step.storedBase <= step.lastStoredHeight else {
                throw DecodingError(message: "NewRoundStep", field: "height/round/step/stored_base",
                                    reason: "out of range (\(step.height)/\(step.round)/\(step.step)/\(step.storedBase))")
            }
            self = .newRoundStep(PeerRoundState(height: step.height, round: step.round, step: UInt8(step.step),
                                                lastStoredHeight: step.lastStoredHeight, storedBase: step.storedBase))
        case .proposal(let data)?:
            self = .proposal(try Proposal(protobuf: Bytes(data)))
        case .blockPart(let blockPart)?:
            guard blockPart.height > 0, blockPart.round >= 0 else {
                throw DecodingError(message: "BlockPart", field: "height/round", reason: "out of range")
            }
            self = .blockPart(height: blockPart.height, round: blockPart.round,
                              part: try Part(protobuf: Bytes(blockPart.part)))
        case .vote(let data)?:
            self = .vote(try Vote(protobuf: Bytes(data)))
        case nil:
            throw DecodingError(message: "ConsensusMessage", field: "sum", reason: "empty")
        }
    }
}

/// The channel numbers, CometBFT's (0x20 state, 0x21 data, 0x22 votes, 0x30 mempool, 0x38
/// evidence) so a packet capture reads the same.
public enum NodeChannel {
    public static let consensusState: UInt8 = 0x20
    public static let consensusData: UInt8 = 0x21
    public static let consensusVote: UInt8 = 0x22
    public static let mempool: UInt8 = 0x30
    public static let evidence: UInt8 = 0x38
    public static let blockSync: UInt8 = 0x40
    /// State sync: snapshot requests and advertisements.
    public static let snapshot: UInt8 = 0x60
    /// State sync: chunk requests and chunks.
    public static let chunk: UInt8 = 0x61
}
