import PalisadeCrypto
import PalisadeMempool
import PalisadeNode
import PalisadeTypes

/// What the run sees from outside each runtime: blocks stored (`.newBlock`) and votes received
/// (`.vote`), as RPC subscribers would, and the transactions it feeds each mempool.
extension Simulation {
    func observer(for node: SimulatedNode) -> NodeObserver {
        let world = world, endpoint = node.endpoint, validator = node.validator, honest = node.isHonest
        let directory = directory
        return NodeObserver { event in
            switch event {
            case .newBlock(let committed):
                let height = committed.block.header.height
                let invalid = committed.block.data.txs.contains(where: SimulatedApplication.isInvalid)
                world.state.withLock { state in
                    state.trace.record(state.now, "n\(endpoint) stored h=\(height) r=\(committed.commit.round) "
                        + "\(committed.blockID.traceName) txs=\(committed.block.data.txs.count)")
                    if invalid { state.invalidBlocks.insert(committed.blockID) }
                    if honest {
                        state.observations.recordDecision(validator: validator, height: height, round: committed.commit.round,
                                                          block: committed.blockID, time: state.now)
                    }
                    state.progressed = true
                }
            case .vote(let vote):
                guard honest, let signer = directory.index(of: vote.validatorAddress) else { return }
                world.state.withLock { $0.observations.recordReceivedVote(receiver: validator, signer: signer, vote) }
            default:
                break
            }
        }
    }

    /// A crash between storing a decided block and publishing it leaves a decision only the
    /// store knows: the node comes back past that height and never reports it. The checker must
    /// still see it (for agreement, and for liveness at that height), so on every crash the
    /// store's heights that were not observed are recorded as decided now.
    func recordUnobservedDecisions(_ node: SimulatedNode) {
        guard node.isHonest else { return }
        let validator = node.validator, endpoint = node.endpoint, store = node.store
        let latest = store.latestHeight
        guard latest > 0 else { return }
        world.state.withLock { state in
            for height in 1...latest where state.observations.decisions[validator]?[height] == nil {
                guard let block = try? store.block(at: height) else { continue }
                let blockID = block.blockID
                let round = (try? store.decidedCommit(at: height))??.round ?? 0
                state.trace.record(state.now, "n\(endpoint) had stored h=\(height) \(blockID.traceName) unobserved")
                state.observations.recordDecision(validator: validator, height: height, round: round,
                                                  block: blockID, time: state.now)
            }
        }
    }

    /// A few small transactions per incarnation, and where the plan wants blocks near
    /// `block.max_bytes`, big ones sized so that three fill a block to within a few hundred bytes.
    func fill(_ mempool: Mempool, node: SimulatedNode, height: Int64) async {
        let tag = "n\(node.endpoint)-i\(node.incarnation)"
        for index in 0..<2 {
            _ = await mempool.checkTx(Bytes("\(tag)-\(index)=\(seed)".utf8))
        }
        guard let maxBytes = plan.maxBlockBytes else { return }
        let maxData = maxBytes - 731 - 109 * Int64(plan.validatorCount)
        let size = Int(maxData / 3) - 16
        guard size > 64 else { return }
        for index in 0..<6 {
            var tx = Bytes("big-\(tag)-\(index)=".utf8)
            tx += Bytes(repeating: UInt8(ascii: "x"), count: size - tx.count)
            _ = await mempool.checkTx(tx)
        }
    }
}
