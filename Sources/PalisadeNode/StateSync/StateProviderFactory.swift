import Logging
import PalisadeCrypto
import PalisadeLight
import PalisadeTypes

/// Where the node gets its `StateSyncStateProvider` when `[statesync] enable` is set and no
/// provider was injected: the light client over `rpc_servers`, trusting `trust_height` and
/// `trust_hash` for `trust_period` (CometBFT's `NewLightClientStateProvider`).
public enum StateProviderFactory {
    public static func makeStateProvider(config: StateSyncConfig, genesis: GenesisDoc,
                                         logger: Logger) async throws -> any StateSyncStateProvider {
        // The config's validation has already refused a trust hash that is not hex.
        let hash = Bytes(hex: config.trustHash) ?? []
        logger.info("state sync trusts the light client", metadata: [
            "primary": "\(config.rpcServers.first ?? "")", "witnesses": "\(config.rpcServers.dropFirst().joined(separator: ","))",
            "trust_height": "\(config.trustHeight)", "trust_hash": "\(config.trustHash)"])
        return try LightStateProvider(chainID: genesis.chainID, initialHeight: genesis.initialHeight,
                                      rpcServers: config.rpcServers, trustHeight: config.trustHeight, trustHash: hash,
                                      options: VerificationOptions(trustingPeriod: .milliseconds(config.trustPeriod)))
    }
}
