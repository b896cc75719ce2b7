import PalisadeCrypto
import PalisadeProto

extension Ed25519PublicKey {
    /// The `tendermint.crypto.PublicKey` oneof with its ed25519 case set.
    var proto: Tendermint_Crypto_PublicKey {
        var p = Tendermint_Crypto_PublicKey()
        p.ed25519 = bytes.data
        return p
    }

    /// Only ed25519 keys of 32 bytes: the one key type Palisade validators use.
    init(proto: Tendermint_Crypto_PublicKey, at path: FieldPath) throws(DecodingError) {
        switch proto.sum {
        case .ed25519(let data):
            guard let key = Ed25519PublicKey(bytes: data.bytes) else {
                throw path.child("ed25519").error("\(data.count) bytes, want \(Ed25519PublicKey.size)")
            }
            self = key
        case .secp256K1:
            throw path.child("secp256k1").error("key type not supported, only ed25519")
        case nil:
            throw path.error("missing")
        }
    }
}

extension Validator {
    public var proto: Tendermint_Types_Validator {
        var p = Tendermint_Types_Validator()
        p.address = address.bytes.data
        p.pubKey = publicKey.proto
        p.votingPower = votingPower
        p.proposerPriority = proposerPriority
        return p
    }

    /// CometBFT's `ValidatorFromProto` with `ValidateBasic`: an ed25519 key, a non-negative
    /// power, and the address the key derives.
    public init(proto: Tendermint_Types_Validator) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "Validator"))
    }

    init(proto p: Tendermint_Types_Validator, at path: FieldPath) throws(DecodingError) {
        guard p.hasPubKey else { throw path.child("pub_key").error("missing") }
        let key = try Ed25519PublicKey(proto: p.pubKey, at: path.child("pub_key"))
        guard p.votingPower >= 0 else { throw path.child("voting_power").error("cannot be negative, got \(p.votingPower)") }
        guard p.address.count == Address.size else {
            throw path.child("address").error("\(p.address.count) bytes, want \(Address.size)")
        }
        guard Address(bytes: p.address.bytes) == key.address else {
            throw path.child("address").error("\(p.address.bytes.upperHex) is not derived from pub_key (want \(key.address))")
        }
        self.init(publicKey: key, votingPower: p.votingPower, proposerPriority: p.proposerPriority)
    }

    /// `SimpleValidator` bytes (key and power, not priority): the leaf of the validator-set hash,
    /// so the hash changes with membership and stake but not from round to round.
    var simpleValidatorBytes: Bytes {
        var p = Tendermint_Types_SimpleValidator()
        p.pubKey = publicKey.proto
        p.votingPower = votingPower
        return CanonicalEncoding.encode(p)
    }
}
