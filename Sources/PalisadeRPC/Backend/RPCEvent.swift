import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// Something that happened in the node that WebSocket clients can subscribe to. The node yields
/// these from `RPCBackend.events()`; the server matches each against every subscription's query
/// using `compositeEvents` and sends it as CometBFT's `ResultEvent`.
public struct RPCEvent: Sendable, Hashable {
    public enum Payload: Sendable, Hashable {
        /// A block was committed, with what the app returned for it.
        case newBlock(StoredBlock, FinalizeBlockResponse)
        case newBlockHeader(Header)
        /// The block-level events of `FinalizeBlock`.
        case newBlockEvents(height: Int64, events: [Event], numTxs: Int64)
        /// One committed transaction (one event per transaction, in block order).
        case tx(IndexedTx)
        /// A vote the node accepted.
        case vote(Vote)
        case newRound(height: Int64, round: Int32, proposer: Address, proposerIndex: Int32)
        case completeProposal(height: Int64, round: Int32, blockID: BlockID)
        /// The validator set changed; the validators with their new powers (0: removed).
        case validatorSetUpdates([Validator])
        /// A step change CometBFT publishes as `EventDataRoundState`: `kind` is one of
        /// `NewRoundStep`, `TimeoutPropose`, `TimeoutWait`, `Polka`, `Lock`, `Unlock`, `Relock`,
        /// `ValidBlock`.
        case roundState(kind: String, height: Int64, round: Int32, step: RoundStep)
        case newEvidence(DuplicateVoteEvidence, height: Int64)
    }

    public var payload: Payload

    public init(_ payload: Payload) { self.payload = payload }

    /// The `tm.event` value: CometBFT's event name.
    public var type: String {
        switch payload {
        case .newBlock: "NewBlock"
        case .newBlockHeader: "NewBlockHeader"
        case .newBlockEvents: "NewBlockEvents"
        case .tx: "Tx"
        case .vote: "Vote"
        case .newRound: "NewRound"
        case .completeProposal: "CompleteProposal"
        case .validatorSetUpdates: "ValidatorSetUpdates"
        case .roundState(let kind, _, _, _): kind
        case .newEvidence: "NewEvidence"
        }
    }

    /// The flattened events queries match against, as CometBFT's event bus builds them:
    /// `type.key -> [values]` from the ABCI events (attributes with an empty key and events with an
    /// empty type are skipped), plus `tm.event`, and for a transaction `tx.hash` and `tx.height`.
    public var compositeEvents: [String: [String]] {
        var out: [String: [String]] = [:]
        func add(_ events: [Event]) {
            for event in events where !event.type.isEmpty {
                for attribute in event.attributes where !attribute.key.isEmpty {
                    out[event.type + "." + attribute.key, default: []].append(attribute.value)
                }
            }
        }
        switch payload {
        case .newBlock(_, let result): add(result.events)
        case .newBlockEvents(_, let events, _): add(events)
        case .tx(let tx):
            add(tx.result.events)
            out["tx.hash", default: []].append(tx.hash.upperHex)
            out["tx.height", default: []].append(String(tx.height))
        default: break
        }
        out["tm.event", default: []].append(type)
        return out
    }
}
