import PalisadeABCI

/// A staking transaction: what the signer wants done, under which nonce, and its Ed25519
/// signature. The wire form is a tagged binary with fixed-size fields, so every transaction has
/// exactly one encoding and the signed bytes need no canonicalisation (layout in `StakingGuide`):
///
/// ```
/// version (1) = 1 | action tag (1) | signer public key (32) | nonce (8, big-endian) | payload | signature (64)
/// payload: transfer (tag 1) = recipient address (20) | amount (8)
///          bond     (tag 2) = validator public key (32) | amount (8)
///          unbond   (tag 3) = amount (8)
///          unjail   (tag 4) = nothing
/// ```
///
/// The signature covers `uvarint(len chain id) ‖ chain id ‖ every byte before the signature`,
/// so a transaction signed for one chain is worthless on another.
public struct StakingTx: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case transfer(to: Address, amount: Int64)
        case bond(validator: Ed25519PublicKey, amount: Int64)
        case unbond(amount: Int64)
        case unjail
    }

    public static let version: UInt8 = 1

    public var signer: Ed25519PublicKey
    public var nonce: UInt64
    public var action: Action
    public var signature: Bytes

    public init(signer: Ed25519PublicKey, nonce: UInt64, action: Action, signature: Bytes) {
        self.signer = signer
        self.nonce = nonce
        self.action = action
        self.signature = signature
    }

    /// Builds and signs a transaction: the client side, for wallets and tests.
    public static func signed(_ action: Action, nonce: UInt64, by key: Ed25519PrivateKey, chainID: String) -> StakingTx {
        var tx = StakingTx(signer: key.publicKey, nonce: nonce, action: action, signature: [])
        tx.signature = key.sign(tx.signBytes(chainID: chainID))
        return tx
    }

    public var signerAddress: Address { signer.address }

    /// The bytes the signature covers.
    public func signBytes(chainID: String) -> Bytes {
        var out: Bytes = []
        Varint.append(UInt64(chainID.utf8.count), to: &out)
        out += Array(chainID.utf8)
        out += unsignedBytes
        return out
    }

    public func verifySignature(chainID: String) -> Bool {
        signer.verify(signature: signature, message: signBytes(chainID: chainID))
    }

    /// The wire form, ready for `broadcast_tx`.
    public var encoded: Bytes { unsignedBytes + signature }

    var unsignedBytes: Bytes {
        var out: Bytes = [Self.version, action.tag]
        out += signer.bytes
        out.appendBigEndian(nonce)
        switch action {
        case .transfer(let to, let amount):
            out += to.bytes
            out.appendBigEndian(UInt64(bitPattern: amount))
        case .bond(let validator, let amount):
            out += validator.bytes
            out.appendBigEndian(UInt64(bitPattern: amount))
        case .unbond(let amount):
            out.appendBigEndian(UInt64(bitPattern: amount))
        case .unjail:
            break
        }
        return out
    }

    /// Parses the wire form. Checks the shape only (lengths, tag, a positive amount); the
    /// signature is checked against the chain id by the app.
    public static func decode(_ bytes: Bytes) throws(StakingError) -> StakingTx {
        var reader = ByteReader(bytes)
        guard let version = reader.byte(), version == Self.version else {
            throw .malformed("version byte: want \(Self.version)")
        }
        guard let tag = reader.byte() else { throw .malformed("missing action tag") }
        guard let signerBytes = reader.take(Ed25519PublicKey.size), let signer = Ed25519PublicKey(bytes: signerBytes) else {
            throw .malformed("signer public key: want 32 bytes")
        }
        guard let nonce = reader.uint64() else { throw .malformed("nonce: want 8 bytes") }
        let action: Action
        switch tag {
        case 1:
            guard let to = reader.take(Address.size) else { throw .malformed("transfer recipient: want a 20-byte address") }
            action = .transfer(to: Address(bytes: to), amount: try reader.amount())
        case 2:
            guard let keyBytes = reader.take(Ed25519PublicKey.size), let key = Ed25519PublicKey(bytes: keyBytes) else {
                throw .malformed("bond validator: want a 32-byte ed25519 public key")
            }
            action = .bond(validator: key, amount: try reader.amount())
        case 3:
            action = .unbond(amount: try reader.amount())
        case 4:
            action = .unjail
        default:
            throw .malformed("unknown action tag \(tag)")
        }
        guard let signature = reader.take(Ed25519PrivateKey.signatureSize) else { throw .malformed("signature: want 64 bytes") }
        guard reader.isAtEnd else { throw .malformed("\(reader.remaining) unexpected bytes after the signature") }
        return StakingTx(signer: signer, nonce: nonce, action: action, signature: signature)
    }
}

extension StakingTx.Action {
    var tag: UInt8 {
        switch self {
        case .transfer: 1
        case .bond: 2
        case .unbond: 3
        case .unjail: 4
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// A cursor over transaction bytes that answers nil instead of reading past the end.
struct ByteReader {
    private let bytes: Bytes
    private var offset = 0

    init(_ bytes: Bytes) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func byte() -> UInt8? { take(1)?.first }

    mutating func take(_ count: Int) -> Bytes? {
        guard remaining >= count else { return nil }
        defer { offset += count }
        return Bytes(bytes[offset..<offset + count])
    }

    mutating func uint64() -> UInt64? {
        take(8)?.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// An amount: 8 bytes, positive, within `Int64` (stake is voting power, an `Int64`).
    mutating func amount() throws(StakingError) -> Int64 {
        guard let raw = uint64() else { throw .malformed("amount: want 8 bytes") }
        guard raw > 0, raw <= UInt64(Int64.max) else { throw .malformed("amount must be between 1 and \(Int64.max), got \(raw)") }
        return Int64(raw)
    }
}
