import PalisadeCrypto
import PalisadeTypes

/// Why the node stopped. Each is fatal by design: the node halts rather than sign past a
/// disagreement with the network or its own app (safety before liveness).
public enum NodeError: Error, Sendable, CustomStringConvertible {
    /// Our app computed a different state than the +2/3 of the network that committed a block.
    case appHashMismatch(height: Int64, ours: Bytes, network: Bytes)
    /// A block the network committed does not pass validation against our state.
    case committedBlockInvalid(height: Int64, reason: String)
    /// The application failed, answered badly or went away.
    case application(call: String, reason: String)
    /// The block store or the WAL failed; nothing was signed after the failure.
    case storage(String)
    /// Start-up could not reconcile the node and the app (for example the app is ahead).
    case handshake(String)
    /// The signer's files could not be written; nothing was released.
    case signer(String)
    /// A listener could not be bound: `key` is the config key (`p2p.laddr`, `rpc.laddr`),
    /// `address` its value.
    case listen(key: String, address: String, reason: String)

    public var description: String {
        switch self {
        case let .appHashMismatch(height, ours, network):
            "app hash mismatch at height \(height): this app computed \(ours.upperHex), the network committed "
                + "\(network.upperHex); stopping without signing past it (is the app deterministic? same version?)"
        case let .committedBlockInvalid(height, reason):
            "block \(height), committed by +2/3 of the validators, is invalid here: \(reason); stopping"
        case let .application(call, reason):
            "application failed in \(call): \(reason); stopping (restart the node once the app is back)"
        case let .storage(reason): "storage failure: \(reason); stopping"
        case let .handshake(reason): "handshake with the app failed: \(reason)"
        case let .signer(reason): "signer failure: \(reason); stopping"
        case let .listen(key, address, reason): "cannot listen on \(address) (\(key)): \(reason)"
        }
    }
}
