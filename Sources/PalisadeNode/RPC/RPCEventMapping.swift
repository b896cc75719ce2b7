import PalisadeABCI
import PalisadeRPC
import PalisadeTypes

/// Node events in the shapes CometBFT's event bus publishes: one committed block becomes
/// NewBlock, NewBlockHeader, NewBlockEvents, one Tx per transaction, and ValidatorSetUpdates
/// when the app changed the set.
enum RPCEventMapping {
    static func events(for event: NodeEvent) -> [RPCEvent] {
        switch event {
        case .newBlock(let committed):
            let block = committed.block
            let height = block.header.height
            var out: [RPCEvent] = [
                RPCEvent(.newBlock(StoredBlock(blockID: committed.blockID, block: block, size: committed.size),
                                   committed.response)),
                RPCEvent(.newBlockHeader(block.header)),
                RPCEvent(.newBlockEvents(height: height, events: committed.response.events,
                                         numTxs: Int64(block.data.txs.count))),
            ]
            for (index, tx) in block.data.txs.enumerated() where committed.response.txResults.indices.contains(index) {
                out.append(RPCEvent(.tx(IndexedTx(height: height, index: UInt32(index), tx: tx,
                                                  result: committed.response.txResults[index]))))
            }
            if !committed.response.validatorUpdates.isEmpty {
                out.append(RPCEvent(.validatorSetUpdates(committed.response.validatorUpdates.map {
                    Validator(publicKey: $0.publicKey, votingPower: $0.power)
                })))
            }
            return out
        case let .newRound(height, round, step, proposer, proposerIndex):
            guard step == .propose else { return [] }
            return [RPCEvent(.newRound(height: height, round: round, proposer: proposer, proposerIndex: proposerIndex))]
        case .vote(let vote):
            return [RPCEvent(.vote(vote))]
        case let .completeProposal(height, round, blockID):
            return [RPCEvent(.completeProposal(height: height, round: round, blockID: blockID))]
        }
    }
}
