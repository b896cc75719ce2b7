import PalisadeABCI

/// Where the kvstore keeps its committed state across restarts. `commit` saves after every block;
/// `KVStoreApplication.restore(from:)` loads at startup. A disk-backed store plugs in here.
public protocol KVStateStore: Sendable {
    func load() async throws -> KVState?
    func save(_ state: KVState) async throws
}

/// Keeps the last saved state in memory: for tests and throwaway nodes.
public actor InMemoryKVStateStore: KVStateStore {
    private var saved: KVState?

    public init(_ state: KVState? = nil) { saved = state }

    public func load() -> KVState? { saved }

    public func save(_ state: KVState) { saved = state }
}
