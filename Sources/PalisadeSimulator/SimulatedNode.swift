import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes

/// One endpoint: a consensus core plus the shell state around it. The split between what a
/// crash keeps and what it loses is the point of this type:
/// - durable (survives a crash): `log` (the WAL since the current height began), `signer`
///   (the double-sign guard's record) and `decided` (the block store);
/// - volatile (lost): the core itself, timers (via `incarnation`), the set of messages seen,
///   the buffer of messages for later heights, pending work.
final class SimulatedNode {
    let endpoint: Int
    let validator: Int
    let address: Address
    let behaviour: ByzantineBehaviour?
    /// 0 for a normal node or a twin's first instance, 1 for the second instance: it makes the
    /// two twins build different blocks.
    let variant: Int

    // Durable.
    var log: [Input] = []
    var signer: SimulatedSigner
    var decided: [Int64: BlockID] = [:]

    // Volatile.
    var core: ConsensusState?
    var incarnation = 0
    var height: Int64 = 0
    var seen: Set<Int> = []
    var future: [Int64: [Envelope]] = [:]
    var validityAsked: Set<BlockKey> = []
    var pending: [Input] = []
    var draining = false
    var replaying = false
    /// What a replay allowed but deferred until the whole log has been fed.
    var afterReplay: [Deferred] = []
    /// A mid-input crash waiting to strike: directives still to execute, then downtime.
    var armedCrash: (directives: Int, downFor: SimTime)?

    struct BlockKey: Hashable {
        var height: Int64
        var round: Int32
        var block: BlockID
    }

    enum Deferred {
        case send(Envelope)
        case requestProposal(height: Int64, round: Int32)
    }

    var isHonest: Bool { behaviour == nil }
    var isAlive: Bool { core != nil }
    var lastDecidedHeight: Int64 { decided.keys.max() ?? 0 }

    init(endpoint: Int, validator: Int, key: Ed25519PrivateKey, chainID: String,
         behaviour: ByzantineBehaviour?, variant: Int) {
        self.endpoint = endpoint
        self.validator = validator
        self.address = key.publicKey.address
        self.behaviour = behaviour
        self.variant = variant
        self.signer = SimulatedSigner(key: key, chainID: chainID)
    }

    /// Loses everything volatile. With `amnesia` the WAL and the signer record go too.
    func crash(amnesia: Bool) {
        core = nil
        incarnation += 1
        height = 0
        seen = []
        future = [:]
        validityAsked = []
        pending = []
        draining = false
        replaying = false
        afterReplay = []
        armedCrash = nil
        if amnesia {
            log = []
            signer = SimulatedSigner(key: signer.key, chainID: signer.chainID)
        }
    }
}
