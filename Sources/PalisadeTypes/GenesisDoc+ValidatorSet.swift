import PalisadeCrypto

extension GenesisDoc {
    /// The first height's validator set, in CometBFT's order with proposer priorities at their
    /// start. `nil` when the file lists no validators: then the app names them in `InitChain`.
    public func validatorSet() throws(ValidatorSetError) -> ValidatorSet? {
        guard !validators.isEmpty else { return nil }
        return try ValidatorSet(validators: validators.map { Validator(publicKey: $0.publicKey, votingPower: $0.power) })
    }
}
