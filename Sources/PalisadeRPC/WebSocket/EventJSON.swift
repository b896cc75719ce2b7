import PalisadeABCI
import PalisadeTypes

/// CometBFT's `TMEventData` JSON: `{"type": "tendermint/event/<Name>", "value": {...}}`, the
/// amino-registered wrapper a subscriber receives as `result.data`.
enum EventJSON {
    static func data(_ event: RPCEvent) -> JSONValue {
        let (name, value) = typeAndValue(event)
        return .obj(["type": .string("tendermint/event/" + name), "value": value])
    }

    static func typeAndValue(_ event: RPCEvent) -> (String, JSONValue) {
        switch event.payload {
        case .newBlock(let block, let result):
            return ("NewBlock", .obj(["block": TypesJSON.block(block.block),
                                      "block_id": TypesJSON.blockID(block.blockID),
                                      "result_finalize_block": ABCIJSON.finalizeBlockOmitEmpty(result)]))
        case .newBlockHeader(let header):
            return ("NewBlockHeader", .obj(["header": TypesJSON.header(header)]))
        case .newBlockEvents(let height, let events, let numTxs):
            return ("NewBlockEvents", .obj(["height": .int64(height),
                                            "events": .array(events.map(ABCIJSON.event)),
                                            "num_txs": .int64(numTxs)]))
        case .tx(let tx):
            var m: [JSONMember] = []
            if tx.height != 0 { m.append(JSONMember("height", .int64(tx.height))) }
            if tx.index != 0 { m.append(JSONMember("index", .int(tx.index))) }
            if !tx.tx.isEmpty { m.append(JSONMember("tx", .base64(tx.tx))) }
            m.append(JSONMember("result", ABCIJSON.execTxResultOmitEmpty(tx.result)))
            return ("Tx", .obj(["TxResult": .object(m)]))
        case .vote(let vote):
            return ("Vote", .obj(["Vote": TypesJSON.vote(vote)]))
        case .newRound(let height, let round, let proposer, let index):
            return ("NewRound", .obj(["height": .int64(height), "round": .int(round),
                                      "step": .string(RoundStep.newRound.name),
                                      "proposer": .obj(["address": .hex(proposer.bytes), "index": .int(index)])]))
        case .completeProposal(let height, let round, let blockID):
            return ("CompleteProposal", .obj(["height": .int64(height), "round": .int(round),
                                              "step": .string(RoundStep.propose.name),
                                              "block_id": TypesJSON.blockID(blockID)]))
        case .validatorSetUpdates(let validators):
            return ("ValidatorSetUpdates", .obj(["validator_updates": .array(validators.map(TypesJSON.validator))]))
        case .roundState(_, let height, let round, let step):
            return ("RoundState", .obj(["height": .int64(height), "round": .int(round), "step": .string(step.name)]))
        case .newEvidence(let evidence, let height):
            return ("NewEvidence", .obj(["evidence": TypesJSON.evidence(evidence), "height": .int64(height)]))
        }
    }

    /// `events` of a `ResultEvent`: Go writes map keys sorted.
    static func compositeEvents(_ events: [String: [String]]) -> JSONValue {
        .object(events.keys.sorted().map { JSONMember($0, .array((events[$0] ?? []).map { .string($0) })) })
    }
}
