import PalisadeABCI

/// The proofs the kvstore's `abci_query` returns with `prove = true`, and the check a client
/// runs on them. One `ProofOp` (CometBFT's `ProofOps` shape): `type` is `opType`, `key` the
/// queried key, `data` an `SMTProof` encoding for the key's path (`KVTreeLayout`).
///
/// A client takes the app hash of the height the response names from the header at the next
/// height (`app_hash` of block `height + 1`, which a light client can verify), then calls
/// `verify` with the key and the value the response gave (nil when it said "does not exist").
public enum KVStoreProof {
    public static let opType = "palisade:smt"

    static func op(key: Bytes, proof: SMTProof) -> ProofOp {
        ProofOp(type: opType, key: key, data: proof.bytes)
    }

    /// Whether `proof` (a `ProofOp`'s `data`) shows that in the state whose app hash is
    /// `appHash`, `key` holds `value`, or for nil, holds nothing.
    public static func verify(appHash: Bytes, key: Bytes, value: Bytes?, proof: Bytes) -> Bool {
        guard let decoded = SMTProof(bytes: proof) else { return false }
        return decoded.verify(root: appHash, path: KVTreeLayout.path(forKey: key), valueHash: value.map(KVTreeLayout.valueHash))
    }

    /// The same check on a query response's `proofOps`: exactly one op, of this type, for `key`.
    public static func verify(appHash: Bytes, key: Bytes, value: Bytes?, proofOps: [ProofOp]) -> Bool {
        guard proofOps.count == 1, let op = proofOps.first, op.type == opType, op.key == key else { return false }
        return verify(appHash: appHash, key: key, value: value, proof: op.data)
    }
}
