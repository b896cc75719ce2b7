import PalisadeP2P

extension P2PConfig {
    /// The transport settings `[p2p]` sets: `handshake_timeout` and `dial_timeout`.
    var transport: P2PConfiguration {
        var transport = P2PConfiguration()
        transport.handshakeTimeout = .milliseconds(handshakeTimeout)
        transport.dialTimeout = .milliseconds(dialTimeout)
        return transport
    }
}
