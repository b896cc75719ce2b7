/// The server could not listen on `[rpc] laddr` (the port is taken, the host is not ours):
/// `RPCServer.run` throws it before serving anything, naming the address so the operator knows
/// which setting to change. `MetricsServer.run` throws it for `prometheus_listen_addr`.
public struct RPCListenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `tcp://host:port` as configured.
    public var address: String
    public var reason: String

    public var description: String { "cannot listen on \(address): \(reason)" }
}
