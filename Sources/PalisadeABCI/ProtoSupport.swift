import Foundation
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

extension Array where Element == UInt8 {
    var data: Data { Data(self) }
}

extension Data {
    var bytes: Bytes { Bytes(self) }
}

/// Where a decoder is inside an ABCI message, so an error names the message and the full field
/// path (`RequestFinalizeBlock` / `decided_last_commit.votes[3].validator.address`).
struct MessagePath: Sendable {
    let message: String
    let path: String

    init(_ message: String, path: String = "") {
        self.message = message
        self.path = path
    }

    func child(_ name: String) -> MessagePath {
        MessagePath(message, path: path.isEmpty ? name : path + "." + name)
    }

    func index(_ i: Int) -> MessagePath { MessagePath(message, path: path + "[\(i)]") }

    func error(_ reason: String) -> DecodingError {
        DecodingError(message: message, field: path.isEmpty ? "(message)" : path, reason: reason)
    }

    /// Nanos in 0..<1e9 and a year in 1...9999, the range Go's `time` (and so CometBFT) accepts.
    func timestamp(_ proto: Google_Protobuf_Timestamp) throws(DecodingError) -> Timestamp {
        guard (0..<1_000_000_000).contains(proto.nanos) else { throw error("nanos \(proto.nanos) out of range") }
        guard proto.seconds >= Timestamp.goZero.seconds, proto.seconds <= 253_402_300_799 else {
            throw error("seconds \(proto.seconds) outside years 1-9999")
        }
        return Timestamp(seconds: proto.seconds, nanos: proto.nanos)
    }

    func address(_ data: Data) throws(DecodingError) -> Address {
        guard data.count == Address.size else { throw error("\(data.count) bytes, want \(Address.size)") }
        return Address(bytes: data.bytes)
    }

    func publicKey(_ proto: Tendermint_Crypto_PublicKey) throws(DecodingError) -> Ed25519PublicKey {
        switch proto.sum {
        case .ed25519(let data):
            guard let key = Ed25519PublicKey(bytes: data.bytes) else {
                throw child("ed25519").error("\(data.count) bytes, want \(Ed25519PublicKey.size)")
            }
            return key
        case .secp256K1:
            throw child("secp256k1").error("key type not supported, only ed25519")
        case nil:
            throw error("missing")
        }
    }

    /// A generated enum's value that the decoder saw but does not know (or that means "unset").
    func unknownEnum(_ raw: Int) -> DecodingError { error("unknown value \(raw)") }
}

extension Timestamp {
    var abciProto: Google_Protobuf_Timestamp {
        var t = Google_Protobuf_Timestamp()
        t.seconds = seconds
        t.nanos = nanos
        return t
    }
}

extension Ed25519PublicKey {
    var abciProto: Tendermint_Crypto_PublicKey {
        var p = Tendermint_Crypto_PublicKey()
        p.ed25519 = bytes.data
        return p
    }
}

extension ValidatorUpdate {
    var abciProto: Tendermint_Abci_ValidatorUpdate {
        var p = Tendermint_Abci_ValidatorUpdate()
        p.pubKey = publicKey.abciProto
        p.power = power
        return p
    }

    /// CometBFT rejects negative power when it applies updates; catching it here names the field.
    init(abciProto p: Tendermint_Abci_ValidatorUpdate, at path: MessagePath) throws(DecodingError) {
        guard p.hasPubKey else { throw path.child("pub_key").error("missing") }
        let key = try path.child("pub_key").publicKey(p.pubKey)
        guard p.power >= 0 else { throw path.child("power").error("cannot be negative, got \(p.power)") }
        self.init(publicKey: key, power: p.power)
    }

    static func decodeList(_ list: [Tendermint_Abci_ValidatorUpdate], at path: MessagePath) throws(DecodingError) -> [ValidatorUpdate] {
        var out: [ValidatorUpdate] = []
        out.reserveCapacity(list.count)
        for (i, p) in list.enumerated() { out.append(try ValidatorUpdate(abciProto: p, at: path.index(i))) }
        return out
    }
}

extension ConsensusParams {
    /// Wraps the PalisadeTypes decoder so its error carries this ABCI message's name and path.
    static func decode(_ proto: Tendermint_Types_ConsensusParams, at path: MessagePath) throws(DecodingError) -> ConsensusParams {
        do {
            return try ConsensusParams(proto: proto)
        } catch {
            throw path.child(error.field).error(error.reason)
        }
    }
}
