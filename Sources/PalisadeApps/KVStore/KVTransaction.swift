import Foundation
import PalisadeABCI

/// A kvstore transaction, in CometBFT's kvstore formats:
/// - `key=value` or `key:value` (exactly one separator, not first or last) sets `key`;
/// - a bare `key` (no `=` or `:`) sets `key` to itself;
/// - `val=<base64 ed25519 key>!<power>` (or `val:`) sets a validator's power, 0 removes it.
/// The validator prefix is checked first, since base64 padding is itself an `=`.
public enum KVTransaction: Sendable, Hashable {
    case set(key: Bytes, value: Bytes)
    case validator(ValidatorUpdate)

    /// CometBFT kvstore's `CodeTypeInvalidTxFormat`.
    public static let invalidFormatCode: UInt32 = 2

    static let validatorPrefixes: [Bytes] = [Array("val=".utf8), Array("val:".utf8)]
    static let equals = UInt8(ascii: "=")
    static let colon = UInt8(ascii: ":")

    /// Why a transaction is not in one of the formats above, for the `log` of a rejection.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public static func parse(_ tx: Bytes) throws(FormatError) -> KVTransaction {
        if let prefix = validatorPrefixes.first(where: { tx.starts(with: $0) }) {
            return .validator(try parseValidator(Array(tx.dropFirst(prefix.count))))
        }
        guard !tx.isEmpty else { throw FormatError(reason: "empty transaction") }
        let equalsCount = tx.count(where: { $0 == equals })
        let colonCount = tx.count(where: { $0 == colon })
        switch (equalsCount, colonCount) {
        case (0, 0):
            return .set(key: tx, value: tx)
        case (1, 0), (0, 1):
            let separator = equalsCount == 1 ? equals : colon
            guard let at = tx.firstIndex(of: separator), at != 0, at != tx.count - 1 else {
                throw FormatError(reason: "key and value must both be non-empty")
            }
            return .set(key: Array(tx[..<at]), value: Array(tx[(at + 1)...]))
        default:
            throw FormatError(reason: "want key=value, key:value or key; found \(equalsCount) '=' and \(colonCount) ':'")
        }
    }

    private static func parseValidator(_ body: Bytes) throws(FormatError) -> ValidatorUpdate {
        let parts = body.split(separator: UInt8(ascii: "!"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw FormatError(reason: "validator tx: want 'val=pubkey!power'") }
        guard let keyBytes = Data(base64Encoded: Data(parts[0])), let key = Ed25519PublicKey(bytes: Bytes(keyBytes)) else {
            throw FormatError(reason: "validator tx: pubkey is not base64 of a 32-byte ed25519 key")
        }
        guard let text = String(bytes: parts[1], encoding: .utf8), let power = Int64(text), power >= 0 else {
            throw FormatError(reason: "validator tx: power is not a non-negative int64")
        }
        return ValidatorUpdate(publicKey: key, power: power)
    }

    /// The canonical form a proposer puts in blocks: `:` becomes `=`, as CometBFT's kvstore
    /// rewrites in PrepareProposal.
    public static func canonical(_ tx: Bytes) -> Bytes {
        guard let at = tx.firstIndex(of: colon) else { return tx }
        var out = tx
        out[at] = equals
        return out
    }

    /// A validator transaction for `update`, in the canonical `val=` form.
    public static func validatorTx(_ update: ValidatorUpdate) -> Bytes {
        Array("val=\(Data(update.publicKey.bytes).base64EncodedString())!\(update.power)".utf8)
    }
}
