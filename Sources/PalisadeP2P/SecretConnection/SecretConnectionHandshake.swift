import Foundation
import PalisadeCrypto
import PalisadeProto
import SwiftProtobuf

/// CometBFT v0.38's secret-connection handshake (the station-to-station protocol of
/// p2p/conn/secret_connection.go) as a pure state machine: bytes in, directives out, no I/O.
///
/// 1. Each side sends `hello`: its fresh X25519 key as a length-delimited protobuf `BytesValue`.
/// 2. On the peer's key: keys and challenge per `SecretConnectionKeys`; each side sends, in the
///    first sealed frame, a length-delimited `tendermint.p2p.AuthSigMessage` with its Ed25519
///    key and its signature over the challenge.
/// 3. On the peer's `AuthSigMessage`: the key must be Ed25519 and the signature must verify;
///    then the connection is established and the same sealer/opener carry the application data.
///
/// Who dialled plays no part: both sides run the same steps, the key order decides directions.
public struct SecretConnectionHandshake: Sendable {
    /// What the caller must do after feeding bytes.
    public enum Directive: Sendable {
        /// Write these bytes to the peer.
        case send(Bytes)
        /// Authenticated: switch to `connection` for everything after.
        case established(SecretConnection)
    }

    /// The ephemeral key message is 34 bytes (`0a 20` + key) after its 1-byte length. CometBFT
    /// reads up to 1 MiB here, but anything longer than this cannot carry a 32-byte key alone.
    static let maxEphemeralMessageSize = 64
    /// A real `AuthSigMessage` is about 102 bytes (a 32-byte key, a 64-byte signature); one
    /// frame's worth bounds what a hostile peer can make us buffer before authenticating.
    static let maxAuthMessageSize = SecretFrame.maxDataSize

    private enum Phase {
        case awaitingEphemeralKey
        case awaitingAuth(challenge: Bytes, sealer: SecretFrameSealer, opener: SecretFrameOpener, plaintext: Bytes)
        case done
    }

    /// Our first message; send it as soon as the connection is open.
    public let hello: Bytes
    private let privateKey: Ed25519PrivateKey
    private let ephemeral: X25519KeyPair
    private var phase = Phase.awaitingEphemeralKey
    private var received = Bytes()

    public init(privateKey: Ed25519PrivateKey, ephemeral: X25519KeyPair) {
        self.privateKey = privateKey
        self.ephemeral = ephemeral
        var message = Google_Protobuf_BytesValue()
        message.value = Data(ephemeral.publicKey)
        hello = Self.delimited(message)
    }

    /// A fresh ephemeral key from `generator` (the system generator outside tests).
    public init(privateKey: Ed25519PrivateKey, using generator: inout some RandomNumberGenerator) {
        self.init(privateKey: privateKey, ephemeral: X25519KeyPair(using: &generator))
    }

    /// Feeds bytes from the peer; returns what to do, in order.
    public mutating func receive(_ bytes: Bytes) throws(SecretConnectionError) -> [Directive] {
        var directives: [Directive] = []
        switch phase {
        case .awaitingEphemeralKey:
            received += bytes
            guard let (message, consumed) = try Self.delimitedMessage(
                in: received, limit: Self.maxEphemeralMessageSize, malformed: SecretConnectionError.malformedEphemeralKey)
            else { return [] }
            let remoteKey: Bytes
            do { remoteKey = Bytes(try Google_Protobuf_BytesValue(serializedBytes: message).value) } catch {
                throw .malformedEphemeralKey("\(error)")
            }
            guard remoteKey.count == X25519KeyPair.publicKeySize else {
                throw .malformedEphemeralKey("key of \(remoteKey.count) bytes, expected 32")
            }
            guard let keys = SecretConnectionKeys(ephemeral: ephemeral, remoteEphemeralKey: remoteKey) else {
                throw .lowOrderEphemeralKey
            }
            var auth = Tendermint_P2p_AuthSigMessage()
            auth.pubKey.ed25519 = Data(privateKey.publicKey.bytes)
            auth.sig = Data(privateKey.sign(keys.challenge))
            var sealer = SecretFrameSealer(key: keys.send)
            directives.append(.send(try sealer.seal(Self.delimited(auth))))
            let rest = Bytes(received[consumed...])
            received = []
            phase = .awaitingAuth(challenge: keys.challenge, sealer: sealer, opener: SecretFrameOpener(key: keys.receive),
                                  plaintext: [])
            directives += try receive(rest)
        case .awaitingAuth(let challenge, let sealer, var opener, var plaintext):
            plaintext += try opener.open(bytes)
            phase = .awaitingAuth(challenge: challenge, sealer: sealer, opener: opener, plaintext: plaintext)
            guard let (message, consumed) = try Self.delimitedMessage(
                in: plaintext, limit: Self.maxAuthMessageSize, malformed: SecretConnectionError.malformedAuthMessage)
            else { return [] }
            let auth: Tendermint_P2p_AuthSigMessage
            do { auth = try Tendermint_P2p_AuthSigMessage(serializedBytes: message) } catch {
                throw .malformedAuthMessage("\(error)")
            }
            guard case .ed25519(let keyBytes)? = auth.pubKey.sum else { throw .unsupportedKeyType }
            guard let remoteKey = Ed25519PublicKey(bytes: Bytes(keyBytes)) else {
                throw .malformedAuthMessage("ed25519 key of \(keyBytes.count) bytes")
            }
            guard remoteKey.verify(signature: Bytes(auth.sig), message: challenge) else { throw .badChallengeSignature }
            phase = .done
            directives.append(.established(SecretConnection(
                remotePublicKey: remoteKey, sealer: sealer, opener: opener, pendingPlaintext: Bytes(plaintext[consumed...]))))
        case .done:
            throw .handshakeOutOfOrder
        }
        return directives
    }

    /// Call at end of stream before the handshake finished: says how far it got.
    public func finish() throws(SecretConnectionError) {
        switch phase {
        case .awaitingEphemeralKey:
            throw .truncated(have: received.count, need: hello.count)
        case .awaitingAuth(_, _, let opener, _):
            // The peer's AuthSigMessage fits in the one frame it must send; it never completed.
            throw .truncated(have: opener.bufferedCount, need: SecretFrame.sealedSize)
        case .done:
            return
        }
    }

    /// The body of the length-delimited message at the start of `bytes` and the bytes it spans,
    /// or `nil` until all of it has arrived.
    private static func delimitedMessage(
        in bytes: Bytes, limit: Int, malformed: (String) -> SecretConnectionError
    ) throws(SecretConnectionError) -> (Bytes, Int)? {
        let parsed: FrameLength.Parse
        do { parsed = try FrameLength.parse(bytes, limit: limit) } catch { throw malformed("\(error)") }
        guard case .length(let body, let prefix) = parsed, bytes.count >= prefix + body else { return nil }
        return (Bytes(bytes[prefix..<prefix + body]), prefix + body)
    }

    /// protoio's delimited form: a uvarint length, then the message.
    private static func delimited(_ message: some SwiftProtobuf.Message) -> Bytes {
        // Serialising a message with only bytes fields set cannot fail.
        let body: Bytes = (try? message.serializedBytes()) ?? []
        return FrameLength.encode(body.count) + body
    }
}
