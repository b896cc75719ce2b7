import PalisadeCrypto

/// Proof that validators signed a header that conflicts with the chain (CometBFT's
/// `LightClientAttackEvidence`, ADR-047): what a light client reports when a witness serves a
/// verifiable header that differs from its primary's. The conflicting light block is carried
/// whole (its header, the commit that signed it and the validator set the header names), with
/// the last height both agreed on.
///
/// Three attacks are told apart against our own header at the conflicting height (the trusted one):
/// - **lunatic**: the conflicting header is not what executing the chain gives (another app,
///   validators, consensus or results hash): whoever of the common height's set signed it is at fault;
/// - **equivocation**: a well-derived header, signed in the same round as ours: whoever signed both;
/// - **amnesia**: signed in another round; who is at fault cannot be told, so no one is named.
public struct LightClientAttackEvidence: Sendable, Hashable, CustomStringConvertible {
    public var conflictingHeader: Header
    public var conflictingCommit: Commit
    /// The validator set `conflictingHeader.validatorsHash` names.
    public var conflictingValidators: ValidatorSet
    /// The last height at which the light client's primary and witness agreed: the attackers
    /// were bonded then, so it is the evidence's height for expiry and punishment.
    public var commonHeight: Int64
    /// The validators at fault, ordered by voting power (descending, then address), as CometBFT's
    /// `GetByzantineValidators` computes them; every node recomputes and compares the list.
    public var byzantineValidators: [Validator]
    /// The common height's total voting power.
    public var totalVotingPower: Int64
    /// The time of the block at the common height.
    public var timestamp: Timestamp

    public init(conflictingHeader: Header, conflictingCommit: Commit, conflictingValidators: ValidatorSet,
                commonHeight: Int64, byzantineValidators: [Validator], totalVotingPower: Int64, timestamp: Timestamp) {
        self.conflictingHeader = conflictingHeader
        self.conflictingCommit = conflictingCommit
        self.conflictingValidators = conflictingValidators
        self.commonHeight = commonHeight
        self.byzantineValidators = byzantineValidators
        self.totalVotingPower = totalVotingPower
        self.timestamp = timestamp
    }

    /// The evidence's height is the common height (CometBFT's `Height()`).
    public var height: Int64 { commonHeight }

    /// CometBFT's `Hash()`: SHA-256 of the conflicting header's hash and the common height only,
    /// so the same attack carried with other subsets of signatures is one piece of evidence. The
    /// bytes are CometBFT's exactly: a 32-byte field holding the first 31 bytes of the header hash
    /// (Go copies into `bz[:tmhash.Size-1]`), then the common height as a zig-zag varint.
    public func hash() -> Bytes {
        var bytes = Array(conflictingHeader.hash().prefix(SHA256Hash.size - 1))
        bytes += Bytes(repeating: 0, count: SHA256Hash.size - bytes.count)
        let zigzag = UInt64(bitPattern: commonHeight << 1) ^ UInt64(bitPattern: commonHeight >> 63)
        Varint.append(zigzag, to: &bytes)
        return SHA256Hash.digest(bytes)
    }

    /// A lunatic attack: the conflicting header differs from ours in a field that executing the
    /// chain determines (CometBFT's `ConflictingHeaderIsInvalid`).
    public func conflictingHeaderIsInvalid(trusted: Header) -> Bool {
        trusted.validatorsHash != conflictingHeader.validatorsHash
            || trusted.nextValidatorsHash != conflictingHeader.nextValidatorsHash
            || trusted.consensusHash != conflictingHeader.consensusHash
            || trusted.appHash != conflictingHeader.appHash
            || trusted.lastResultsHash != conflictingHeader.lastResultsHash
    }

    /// The validators at fault (CometBFT's `GetByzantineValidators`): for a lunatic attack, the
    /// common height's validators who signed the conflicting header; for equivocation, those who
    /// signed both it and ours (the sets are the same, so the commits share their order); for
    /// amnesia, none.
    public func computeByzantineValidators(commonValidators: ValidatorSet, trusted: Header,
                                           trustedCommit: Commit) -> [Validator] {
        var validators: [Validator] = []
        if conflictingHeaderIsInvalid(trusted: trusted) {
            for sig in conflictingCommit.signatures where sig.blockIDFlag == .commit {
                if let validator = commonValidators.validator(for: sig.validatorAddress) { validators.append(validator) }
            }
        } else if trustedCommit.round == conflictingCommit.round {
            for (index, sig) in conflictingCommit.signatures.enumerated() where sig.blockIDFlag == .commit {
                guard index < trustedCommit.signatures.count, trustedCommit.signatures[index].blockIDFlag == .commit,
                      let validator = conflictingValidators.validator(for: sig.validatorAddress) else { continue }
                validators.append(validator)
            }
        }
        return validators.sorted(by: Validator.setOrder)
    }

    public var description: String {
        "LightClientAttackEvidence(common h=\(commonHeight), conflicting h=\(conflictingHeader.height) "
            + "\(conflictingHeader.hash().upperHex), \(byzantineValidators.count) byzantine)"
    }
}
