import NIOCore
import PalisadeCrypto

/// An authenticated, encrypted connection to one peer. `inbound` yields messages in the order the
/// peer sent them and ends when the connection closes: normally on a clean close, throwing the
/// `P2PError` (or socket error) that caused a disconnect otherwise. Messages not taken from
/// `inbound` hold back reading from the socket once `P2PConfiguration.inboundBufferLimit` wait.
public final class PeerConnection: Sendable {
    /// Lower-case hex of the peer node key's address.
    public let peerID: String
    public let peerKey: Ed25519PublicKey
    public let remoteAddress: String
    /// What the peer said about itself right after the handshake (checked compatible with ours).
    public let nodeInfo: NodeInfo
    public let inbound: InboundMessages
    public let maxMessageSize: Int
    /// Internal so tests can play a misbehaving peer below the frame encoder.
    let channel: any Channel

    init(outcome: HandshakeOutcome, nodeInfo: NodeInfo, remoteAddress: String, inbound: InboundMessages,
         channel: any Channel, maxMessageSize: Int) {
        self.peerID = outcome.peerID
        self.peerKey = outcome.peerKey
        self.nodeInfo = nodeInfo
        self.remoteAddress = remoteAddress
        self.inbound = inbound
        self.channel = channel
        self.maxMessageSize = maxMessageSize
    }

    /// The peer's IP address as the socket sees it (what the per-address peer limit counts).
    var remoteIP: String? { channel.remoteAddress?.ipAddress }

    static func isLoopback(_ ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Seals and writes one message; returns once it is handed to the socket.
    public func send(channel channelID: ChannelID, bytes: Bytes) async throws {
        try await send([(channelID, bytes)])
    }

    /// Seals and writes several messages in order with one flush; returns once the last is
    /// handed to the socket (a failed write fails every later one, so the last reports it).
    public func send(_ messages: [(channel: ChannelID, bytes: Bytes)]) async throws {
        for message in messages where message.bytes.count > maxMessageSize {
            throw P2PError.messageTooLarge(size: message.bytes.count, limit: maxMessageSize)
        }
        let channel = self.channel
        let written = channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            var last = channel.eventLoop.makeSucceededVoidFuture()
            for message in messages {
                last = channel.write(OutboundFrame(channel: message.channel, bytes: message.bytes))
            }
            channel.flush()
            return last
        }
        do {
            try await written.get()
        } catch let error as P2PError {
            throw error
        } catch {
            throw P2PError.connectionClosed
        }
    }

    public func close() async {
        try? await channel.close().get()
    }

    /// Completes when the connection has closed, for whatever reason.
    public func waitClosed() async {
        try? await channel.closeFuture.get()
    }
}
