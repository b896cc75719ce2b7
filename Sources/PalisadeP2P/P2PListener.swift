import NIOCore

/// A listening socket. Every inbound connection that completes the handshake appears in `peers`;
/// failed handshakes are only logged.
public final class P2PListener: Sendable {
    public let peers: AsyncStream<PeerConnection>
    /// The bound port (useful after listening on port 0).
    public let port: Int
    private let channel: any Channel
    private let continuation: AsyncStream<PeerConnection>.Continuation

    init(channel: any Channel, peers: AsyncStream<PeerConnection>, continuation: AsyncStream<PeerConnection>.Continuation) {
        self.channel = channel
        self.peers = peers
        self.continuation = continuation
        self.port = channel.localAddress?.port ?? 0
    }

    /// Stops accepting; connections already established stay open.
    public func close() async {
        try? await channel.close().get()
        continuation.finish()
    }
}
