import Foundation

/// A node's peer-to-peer identity as CometBFT keeps it in `config/node_key.json`:
/// `{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"<base64, 64 bytes>"}}`, written
/// compact (CometBFT does not indent this one). The node ID peers dial (`id@host:port`) is the
/// lower-case hex of the public key's address.
public struct NodeKey: Sendable, Hashable {
    public static let fileName = "node_key.json"

    public let privateKey: Ed25519PrivateKey

    public init(privateKey: Ed25519PrivateKey) { self.privateKey = privateKey }

    /// A fresh key from the caller's generator (`SystemRandomNumberGenerator` outside the pure core).
    public static func generate(using generator: inout some RandomNumberGenerator) -> NodeKey {
        NodeKey(privateKey: .generate(using: &generator))
    }

    public var publicKey: Ed25519PublicKey { privateKey.publicKey }

    /// 40 lower-case hex digits, as in CometBFT's `persistent_peers` and `/status`.
    public var id: String { Self.id(of: publicKey) }

    public static func id(of publicKey: Ed25519PublicKey) -> String { publicKey.address.bytes.hex }

    /// Reads the file's bytes; `fileName` (a name or path) is what errors call the file.
    public init(jsonData data: Data, fileName: String = NodeKey.fileName) throws(KeyFileError) {
        let root = try KeyFileField.root(of: data, file: fileName)
        privateKey = try PrivValidatorKey.decodePrivateKey(try root.child("priv_key"))
    }

    public func jsonData() -> Data {
        KeyFileWriter.compact([
            ("priv_key", KeyFileWriter.typedKey(type: KeyTypeName.ed25519PrivateKey, bytes: privateKey.bytes)),
        ])
    }
}
