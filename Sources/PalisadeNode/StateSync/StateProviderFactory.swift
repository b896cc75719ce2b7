import Logging
import PalisadeTypes

/// Where the node gets its `StateSyncStateProvider` when `[statesync] enable` is set and no
/// provider was injected: the RPC/light-client-backed one is built here. Until it is merged,
/// this refuses, naming what is missing, and the node stops before it touches its home.
public enum StateProviderFactory {
    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String {
            "state sync needs a light-client state provider, which this build does not have yet"
        }
    }

    public static func makeStateProvider(config: StateSyncConfig, genesis: GenesisDoc,
                                         logger: Logger) async throws -> any StateSyncStateProvider {
        throw NotBuilt()
    }
}
