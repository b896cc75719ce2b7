import PalisadeApps
import PalisadeCrypto
import PalisadeMempool
import PalisadeNode

/// One simulated endpoint: what survives its crashes (block store, WAL, signer record, the
/// app's committed history) and the incarnation that runs now (the driver and everything
/// volatile around it). A twin is two endpoints with one key.
final class SimulatedNode {
    let endpoint: Int
    let validator: Int
    let key: Ed25519PrivateKey
    let behaviour: ByzantineBehaviour?
    let store = MemoryChainStore()
    let log: MemoryLog
    let vault = SignerVault()
    let history = AppHistory()
    var app = KVStoreApplication()
    var incarnation = 0
    var driver: ConsensusDriver?
    var evidence: EvidencePool?
    var mempool: Mempool?
    /// The restart an armed crash will schedule when it strikes.
    var armedDownFor: SimTime?
    var halted = false

    init(endpoint: Int, validator: Int, key: Ed25519PrivateKey, behaviour: ByzantineBehaviour?) {
        self.endpoint = endpoint
        self.validator = validator
        self.key = key
        self.behaviour = behaviour
        log = MemoryLog(endpoint: endpoint)
    }

    var isHonest: Bool { behaviour == nil }
    var isRunning: Bool { driver != nil }
}
