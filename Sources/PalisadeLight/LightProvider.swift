import PalisadeTypes

/// Where light blocks come from: a full node's RPC in production, an in-memory chain in tests.
/// A provider is not trusted; everything it returns goes through `LightVerifier`.
public protocol LightProvider: Sendable {
    /// Names the source in errors and logs (its RPC address).
    var id: String { get }
    /// The light block at `height`, or the latest one for `nil`.
    func lightBlock(height: Int64?) async throws(LightProviderError) -> LightBlock
}

/// What went wrong asking a provider, as distinct from what it answered being wrong.
public enum LightProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider does not have that height (pruned, or before its base).
    case lightBlockNotFound(height: Int64)
    /// The height is above the provider's latest.
    case heightTooHigh(height: Int64)
    case noResponse(String)
    /// The answer could not be decoded into a light block.
    case badResponse(String)

    public var description: String {
        switch self {
        case .lightBlockNotFound(let h): "light block not found at height \(h)"
        case .heightTooHigh(let h): "height \(h) is above the provider's latest height"
        case .noResponse(let why): "no response from provider: \(why)"
        case .badResponse(let why): "bad response from provider: \(why)"
        }
    }
}
