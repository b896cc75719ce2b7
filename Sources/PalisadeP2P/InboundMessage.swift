import PalisadeCrypto

/// Identifies the reactor a message belongs to (consensus, mempool, evidence, ...), so several
/// protocols share one connection. The numbering is assigned by the layers above the transport.
public typealias ChannelID = UInt8

/// One decrypted message from the peer.
public struct InboundMessage: Sendable, Equatable {
    public let channel: ChannelID
    public let bytes: Bytes

    public init(channel: ChannelID, bytes: Bytes) {
        self.channel = channel
        self.bytes = bytes
    }
}
