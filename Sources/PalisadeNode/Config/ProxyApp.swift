/// `proxy_app`: which application the node runs blocks through. A name picks an app compiled into
/// `palisade` (in-process, no socket); an address connects to an ABCI 2.0 server the way CometBFT
/// does, so an app written for CometBFT runs unchanged.
public enum ProxyApp: Sendable, Hashable, CustomStringConvertible {
    /// The built-in key-value store (`PalisadeApps.KVStoreApplication`).
    case kvstore
    /// The built-in staking app.
    case staking
    /// An ABCI server over TCP, `tcp://host:port`.
    case tcp(ListenAddress)
    /// An ABCI server on a Unix domain socket, `unix:///path/to/socket`.
    case unix(path: String)

    public init(parsing text: String) throws(ListenAddress.ParseError) {
        switch text {
        case "kvstore": self = .kvstore
        case "staking": self = .staking
        default:
            if text.hasPrefix("unix://") {
                let path = String(text.dropFirst("unix://".count))
                guard !path.isEmpty else { throw ListenAddress.ParseError(text: text, reason: "the socket path is empty") }
                self = .unix(path: path)
            } else if text.hasPrefix("tcp://") {
                self = .tcp(try ListenAddress(parsing: text))
            } else {
                throw ListenAddress.ParseError(
                    text: text, reason: "expected \"kvstore\", \"staking\", \"tcp://host:port\" or \"unix:///path\"")
            }
        }
    }

    /// The text `proxy_app` holds.
    public var description: String {
        switch self {
        case .kvstore: "kvstore"
        case .staking: "staking"
        case let .tcp(address): address.description
        case let .unix(path): "unix://" + path
        }
    }
}
