import Logging

/// The modules a node's log lines belong to, named as CometBFT names them, so `log_level`
/// pairs written for CometBFT (`p2p:debug,*:error`) select the same lines here. A logger
/// carries its module as the `module` metadata key; a line's own `module` key overrides it.
public enum LogModule {
    public static let main = "main"
    public static let consensus = "consensus"
    public static let p2p = "p2p"
    public static let mempool = "mempool"
    public static let rpc = "rpc"
    public static let state = "state"
    public static let blockSync = "blocksync"
    public static let stateSync = "statesync"
    public static let evidence = "evidence"
    public static let txIndex = "txindex"
    /// The remote signer connection (`priv_validator_laddr`), as CometBFT's `privval`.
    public static let privval = "privval"
    /// The connection to the application (CometBFT's `proxy`).
    public static let proxy = "proxy"

    /// The module of a logger made without one: `palisade.rpc` → `rpc`, `palisade.abci.client`
    /// → `abci`, anything else (`palisade`) → `main`.
    static func module(ofLabel label: String) -> String {
        let parts = label.split(separator: ".")
        guard parts.count >= 2, parts[0] == "palisade" else { return main }
        return String(parts[1])
    }
}

extension Logger {
    /// This logger, with its lines in `module`.
    public func module(_ module: String) -> Logger {
        var logger = self
        logger[metadataKey: "module"] = .string(module)
        return logger
    }
}
