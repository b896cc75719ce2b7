import NIOCore

/// Limits and hooks of the transport. The log hook receives one line per handshake failure and
/// per disconnect (with its reason), so the node can route it to its own logger.
public struct P2PConfiguration: Sendable {
    /// Largest message body accepted or sent; a longer frame closes the connection.
    public var maxMessageSize: Int
    /// A peer that has not finished the handshake by then is dropped.
    public var handshakeTimeout: TimeAmount
    public var log: @Sendable (String) -> Void

    public init(
        maxMessageSize: Int = WireProtocol.defaultMaxMessageSize,
        handshakeTimeout: TimeAmount = .seconds(10),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.maxMessageSize = maxMessageSize
        self.handshakeTimeout = handshakeTimeout
        self.log = log
    }
}
