import NIOCore
import PalisadeABCISocket

/// What protects the privval stream, decided by the address's scheme as CometBFT decides it:
/// `unix://` is plaintext (the socket's file permissions guard it), `tcp://` runs CometBFT's
/// SecretConnection (X25519 + ChaCha20-Poly1305, authenticated by Ed25519 keys) under the frames.
///
/// The SecretConnection handler is being built on its own branch; until it lands, `tcp://` runs
/// plaintext here too, which only our own `palisade signer` speaks (tmkms and Horcrux insist on
/// the secret connection). `secretConnectionAvailable` is the switch to flip, and
/// `addHandlers` the one place the handler goes, in front of the framing on both ends.
public enum PrivvalTransportSecurity: Sendable, Equatable {
    case plaintext
    case secretConnection

    /// False until the SecretConnection handler is merged (issue #15 item 5).
    public static let secretConnectionAvailable = false

    /// The security CometBFT uses for `address`, as far as this build can give it.
    public static func `for`(_ address: ABCIAddress) -> PrivvalTransportSecurity {
        switch address {
        case .unix: .plaintext
        case .tcp: secretConnectionAvailable ? .secretConnection : .plaintext
        }
    }

    /// The security CometBFT would use for `address`, when this build falls short of it: what
    /// the node and the signer warn about at start.
    public static func shortfall(for address: ABCIAddress) -> String? {
        guard case .tcp = address, !secretConnectionAvailable else { return nil }
        return "tcp:// privval runs without CometBFT's SecretConnection in this build: "
            + "only palisade signer can connect, and only loopback or a trusted network is safe"
    }

    /// A privval connection's pipeline on either end: the security, the uvarint framing (a frame
    /// over `maxFrameBytes` closes the connection), then `handler` with the messages.
    func configure(_ pipeline: ChannelPipeline.SynchronousOperations, maxFrameBytes: Int,
                   handler: some ChannelHandler) throws {
        try addHandlers(to: pipeline)
        try pipeline.addHandler(ByteToMessageHandler(ABCIFrameDecoder(maxBytes: maxFrameBytes)))
        try pipeline.addHandler(handler)
    }

    /// The handlers below the framing: none for plaintext. The SecretConnection handler (a
    /// `ChannelDuplexHandler` of `ByteBuffer`s, initialised with our Ed25519 key) is added here.
    private func addHandlers(to pipeline: ChannelPipeline.SynchronousOperations) throws {
        switch self {
        case .plaintext: break
        case .secretConnection: throw SecretConnectionUnavailable()
        }
    }
}

/// `.secretConnection` was asked of a build without the handler.
struct SecretConnectionUnavailable: Error, CustomStringConvertible {
    var description: String { "CometBFT's SecretConnection is not in this build" }
}
