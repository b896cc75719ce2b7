import Foundation

/// A validator's signing key as CometBFT keeps it in `config/priv_validator_key.json`:
///
///     {
///       "address": "<upper hex, 20 bytes>",
///       "pub_key": { "type": "tendermint/PubKeyEd25519", "value": "<base64, 32 bytes>" },
///       "priv_key": { "type": "tendermint/PrivKeyEd25519", "value": "<base64, 64 bytes>" }
///     }
///
/// The address and public key are redundant with the private key. CometBFT silently recomputes
/// them; Palisade refuses a file where they disagree, because such a file has been edited or
/// mixed up with another validator's, and signing with it would sign under the wrong name.
public struct PrivValidatorKey: Sendable, Hashable {
    public static let fileName = "priv_validator_key.json"

    public let privateKey: Ed25519PrivateKey

    public init(privateKey: Ed25519PrivateKey) { self.privateKey = privateKey }

    /// A fresh key from the caller's generator (`SystemRandomNumberGenerator` outside the pure core).
    public static func generate(using generator: inout some RandomNumberGenerator) -> PrivValidatorKey {
        PrivValidatorKey(privateKey: .generate(using: &generator))
    }

    public var publicKey: Ed25519PublicKey { privateKey.publicKey }
    public var address: Address { publicKey.address }

    /// Reads the file's bytes; `fileName` (a name or path) is what errors call the file.
    public init(jsonData data: Data, fileName: String = PrivValidatorKey.fileName) throws(KeyFileError) {
        let root = try KeyFileField.root(of: data, file: fileName)
        let privateKey = try Self.decodePrivateKey(try root.child("priv_key"))

        let publicKeyField = try root.child("pub_key")
        let publicKeyBytes = try publicKeyField.typedKey(type: KeyTypeName.ed25519PublicKey, count: Ed25519PublicKey.size)
        guard publicKeyBytes == privateKey.publicKey.bytes else {
            throw try publicKeyField.child("value").error("does not match the public key of priv_key")
        }

        let addressField = try root.child("address")
        let address = try addressField.hex(count: Address.size)
        let expected = privateKey.publicKey.address
        guard address == expected.bytes else {
            throw addressField.error("\(address.upperHex) does not match the key's address \(expected)")
        }
        self.privateKey = privateKey
    }

    /// The file's bytes, laid out as CometBFT writes them (2-space indent, no trailing newline).
    public func jsonData() -> Data {
        KeyFileWriter.indented([
            ("address", .string(address.bytes.upperHex)),
            ("pub_key", KeyFileWriter.typedKey(type: KeyTypeName.ed25519PublicKey, bytes: publicKey.bytes)),
            ("priv_key", KeyFileWriter.typedKey(type: KeyTypeName.ed25519PrivateKey, bytes: privateKey.bytes)),
        ])
    }

    /// `{"type": "tendermint/PrivKeyEd25519", "value": base64 of seed ‖ public key}`, shared with `node_key.json`.
    static func decodePrivateKey(_ field: KeyFileField) throws(KeyFileError) -> Ed25519PrivateKey {
        let bytes = try field.typedKey(type: KeyTypeName.ed25519PrivateKey, count: Ed25519PrivateKey.size)
        guard let key = Ed25519PrivateKey(bytes: bytes) else {
            throw try field.child("value").error("the last 32 bytes are not the public key of the first 32 (the seed)")
        }
        return key
    }
}
