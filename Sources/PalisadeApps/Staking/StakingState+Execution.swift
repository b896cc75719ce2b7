import PalisadeABCI

/// The state transition: one transaction or one misbehavior at a time. Every action checks all
/// of its preconditions before it changes anything, so a refused action leaves the state as it
/// was; amounts never exceed the total supply, which genesis keeps below `Int64.max / 8`.
extension StakingState {
    /// Signature, sender and nonce: what makes a transaction the signer's next one. Changes nothing.
    func authenticate(_ tx: StakingTx) throws(StakingError) {
        guard tx.verifySignature(chainID: chainID) else { throw .badSignature }
        guard let account = accounts[tx.signerAddress] else { throw .unknownAccount(tx.signerAddress) }
        guard tx.nonce == account.nonce else { throw .badNonce(expected: account.nonce, got: tx.nonce) }
    }

    /// Executes `tx` as part of block `height`, as FinalizeBlock does: once authenticated, the
    /// nonce is used even when the action is refused, so a signed transaction runs at most once
    /// and cannot succeed later by surprise (say, after its sender received funds).
    mutating func deliver(_ tx: StakingTx, at height: Int64) throws(StakingError) -> [Event] {
        try authenticate(tx)
        defer { accounts[tx.signerAddress, default: StakingAccount()].nonce += 1 }
        return try perform(tx.action, by: tx.signerAddress, at: height)
    }

    /// Admits `tx` as the mempool does: only when it would succeed, and then applies it, so the
    /// signer's next transaction is checked against the balance and nonce this one leaves.
    mutating func check(_ tx: StakingTx, at height: Int64) throws(StakingError) -> [Event] {
        try authenticate(tx)
        let events = try perform(tx.action, by: tx.signerAddress, at: height)
        accounts[tx.signerAddress, default: StakingAccount()].nonce += 1
        return events
    }

    private mutating func perform(_ action: StakingTx.Action, by signer: Address, at height: Int64) throws(StakingError) -> [Event] {
        let balance = accounts[signer]?.balance ?? 0
        switch action {
        case .transfer(let recipient, let amount):
            guard amount <= balance else { throw .insufficientFunds(needed: amount, available: balance) }
            accounts[signer, default: StakingAccount()].balance -= amount
            accounts[recipient, default: StakingAccount()].balance += amount
            return [event("transfer", ["sender": signer.description, "recipient": recipient.description, "amount": "\(amount)"])]

        case .bond(let key, let amount):
            guard amount <= balance else { throw .insufficientFunds(needed: amount, available: balance) }
            if let existing = validators[key.address] {
                guard existing.owner == signer else {
                    throw .notAllowed("validator \(key.address) is owned by \(existing.owner)")
                }
            } else if let operated = validator(ownedBy: signer) {
                throw .notAllowed("account \(signer) already operates validator \(operated.address)")
            }
            accounts[signer, default: StakingAccount()].balance -= amount
            validators[key.address, default: StakingValidator(publicKey: key, owner: signer, bonded: 0)].bonded += amount
            return [event("bond", ["validator": key.address.description, "owner": signer.description, "amount": "\(amount)"])]

        case .unbond(let amount):
            guard var validator = validator(ownedBy: signer) else { throw .notAllowed("account \(signer) operates no validator") }
            guard amount <= validator.bonded else { throw .insufficientFunds(needed: amount, available: validator.bonded) }
            validator.bonded -= amount
            accounts[signer, default: StakingAccount()].balance += amount
            keep(validator)
            return [event("unbond", ["validator": validator.address.description, "owner": signer.description, "amount": "\(amount)"])]

        case .unjail:
            guard var validator = validator(ownedBy: signer) else { throw .notAllowed("account \(signer) operates no validator") }
            guard let until = validator.jailedUntil else { throw .notAllowed("validator \(validator.address) is not jailed") }
            guard height >= until else {
                throw .notAllowed("validator \(validator.address) is jailed until height \(until), this is height \(height)")
            }
            validator.jailedUntil = nil
            keep(validator)
            return [event("unjail", ["validator": validator.address.description, "owner": signer.description])]
        }
    }

    /// Stores `validator`, or forgets it once it has no stake and no jail term left to serve (a
    /// jailed validator's record stays, so unbonding and rebonding cannot skip the jail).
    private mutating func keep(_ validator: StakingValidator) {
        if validator.bonded == 0 && !validator.isJailed {
            validators[validator.address] = nil
        } else {
            validators[validator.address] = validator
        }
    }

    /// Punishes a proven double-sign: burns `slashFractionBasisPoints` of the validator's bonded
    /// stake and jails it until `height + jailPeriodBlocks`. Light-client attacks, unknown
    /// validators and validators already in jail (their offence is being punished) are ignored.
    mutating func punish(_ misbehavior: Misbehavior, at height: Int64) -> [Event] {
        guard misbehavior.type == .duplicateVote, var validator = validators[misbehavior.address], !validator.isJailed else {
            return []
        }
        // bonded * bps fits 128 bits; the quotient is at most `bonded`.
        let product = validator.bonded.multipliedFullWidth(by: params.slashFractionBasisPoints)
        let slashed = StakingParams.basisPointsPerUnit.dividingFullWidth(product).quotient
        validator.bonded -= slashed
        burned += slashed
        validator.jailedUntil = height + params.jailPeriodBlocks
        validators[validator.address] = validator
        let address = validator.address.description
        return [
            event("slash", ["validator": address, "amount": "\(slashed)", "reason": "duplicate_vote"]),
            event("jail", ["validator": address, "until": "\(height + params.jailPeriodBlocks)"]),
        ]
    }

    /// One update per validator whose power differs from `before`, by address: CometBFT wants at
    /// most one update per key, and power 0 only for a validator it has.
    func validatorUpdates(since before: [Address: StakingValidator]) -> [ValidatorUpdate] {
        Set(before.keys).union(validators.keys).sorted().compactMap { address in
            let old = before[address]?.power ?? 0
            let new = validators[address]?.power ?? 0
            guard old != new, let key = (validators[address] ?? before[address])?.publicKey else { return nil }
            return ValidatorUpdate(publicKey: key, power: new)
        }
    }

    /// An event whose attributes are all indexed, so `transfer.sender='...'` finds it.
    private func event(_ type: String, _ attributes: KeyValuePairs<String, String>) -> Event {
        Event(type: type, attributes: attributes.map { EventAttribute(key: $0.key, value: $0.value, index: true) })
    }
}
