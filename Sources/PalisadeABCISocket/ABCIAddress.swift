/// Where an ABCI app listens, in CometBFT's `proxy_app` syntax: `tcp://host:port` or
/// `unix:///path/to/socket`.
public enum ABCIAddress: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `tcp://host:port` (an IPv6 host in brackets: `tcp://[::1]:26658`) or `unix://path`.
    public init(parsing text: String) throws(ABCIAddressError) {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard !path.isEmpty else { throw ABCIAddressError(address: text, reason: "empty socket path") }
            self = .unix(path: path)
            return
        }
        guard text.hasPrefix("tcp://") else {
            throw ABCIAddressError(address: text, reason: "want tcp://host:port or unix:///path")
        }
        let hostPort = text.dropFirst("tcp://".count)
        guard let colon = hostPort.lastIndex(of: ":") else {
            throw ABCIAddressError(address: text, reason: "missing :port")
        }
        var host = String(hostPort[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ABCIAddressError(address: text, reason: "empty host") }
        guard let port = Int(hostPort[hostPort.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ABCIAddressError(address: text, reason: "port must be a number in 0...65535")
        }
        self = .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        case .unix(let path): "unix://\(path)"
        }
    }
}

/// An address that is neither `tcp://host:port` nor `unix://path`.
public struct ABCIAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public var address: String
    public var reason: String

    public var description: String { "ABCI address \"\(address)\": \(reason)" }
}
