import PalisadeABCI

/// What one block (or InitChain) changes, gathered while its transactions run: the pairs it
/// set, the validator set after it, and the transaction count. Transactions never read pairs,
/// so nothing but the (small) validator set has to be in memory to execute a block; the tree
/// is updated once, for the net changes, when the block is done (`batch`).
struct KVBlockWrites {
    var size: Int64
    var pairs: [Bytes: Bytes] = [:]
    /// The whole set: CometBFT keeps validator sets small, and misbehavior is looked up by address.
    var validators: [Ed25519PublicKey: Int64]

    /// Sets a validator's power, or removes it at 0. Returns false for removing a validator that
    /// is not in the set, which CometBFT would refuse as an update.
    mutating func apply(_ update: ValidatorUpdate) -> Bool {
        if update.power == 0 {
            return validators.removeValue(forKey: update.publicKey) != nil
        }
        validators[update.publicKey] = update.power
        return true
    }

    func validatorKey(for address: Address) -> Ed25519PublicKey? {
        validators.keys.first { $0.address == address }
    }

    /// The tree update and rows that take the committed state (`root`, `committedValidators`)
    /// to this one at `height`: one leaf change per pair set and per validator whose power moved.
    func batch(height: Int64, root: SMTNodeKey, committedValidators: [Ed25519PublicKey: Int64],
               nodes: some SMTNodeReader) throws -> KVCommitBatch {
        var changedValidators: [Ed25519PublicKey: Int64] = [:]
        for (key, power) in validators where committedValidators[key] != power { changedValidators[key] = power }
        for key in committedValidators.keys where validators[key] == nil { changedValidators[key] = 0 }
        var changes = pairs.map { KVTreeLayout.change(key: $0.key, value: $0.value) }
        changes += changedValidators.map { KVTreeLayout.change(validator: $0.key, power: $0.value) }
        let tree = try SparseMerkleTree.update(root: root, version: height, changes: changes, reader: nodes)
        return KVCommitBatch(head: KVHead(height: height, size: size, root: tree.root), pairs: pairs,
                             validators: changedValidators, tree: tree)
    }
}
