import NIOCore
import PalisadeABCISocket
import PalisadeCrypto
import PalisadeP2P

/// What protects the privval stream, decided by the address's scheme as CometBFT decides it:
/// `unix://` is plaintext (the socket's file permissions guard it), `tcp://` runs CometBFT's
/// SecretConnection (X25519 + ChaCha20-Poly1305, authenticated by Ed25519 keys) under the frames,
/// which tmkms and Horcrux insist on.
///
/// Each end uses a fresh Ed25519 key per connection, as CometBFT's node does for its signer
/// listener: the connection is encrypted and tied to one handshake, and the node trusts the
/// signer for what it proves, a valid signature by the validator's key on every answer, not for
/// its connection key.
public enum PrivvalTransportSecurity: Sendable, Equatable {
    case plaintext
    case secretConnection

    /// The security CometBFT uses for `address`.
    public static func `for`(_ address: ABCIAddress) -> PrivvalTransportSecurity {
        switch address {
        case .unix: .plaintext
        case .tcp: .secretConnection
        }
    }

    /// A privval connection's pipeline on either end: the security, the uvarint framing (a frame
    /// over `maxFrameBytes` closes the connection), then `handler` with the messages. The
    /// SecretConnection handler holds writes until its handshake is done and closes the channel
    /// if the handshake fails, so the handlers above it need not know it is there.
    func configure(_ pipeline: ChannelPipeline.SynchronousOperations, maxFrameBytes: Int,
                   handler: some ChannelHandler, log: @escaping @Sendable (String) -> Void) throws {
        if case .secretConnection = self {
            var generator = SystemRandomNumberGenerator()
            try pipeline.addHandler(SecretConnectionHandler(privateKey: .generate(using: &generator), log: log))
        }
        try pipeline.addHandler(ByteToMessageHandler(ABCIFrameDecoder(maxBytes: maxFrameBytes)))
        try pipeline.addHandler(handler)
    }
}
