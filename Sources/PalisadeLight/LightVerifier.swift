import PalisadeTypes

/// CometBFT's `light/verifier.go`: can a header be trusted, given one already trusted? Pure
/// functions of their arguments (the caller passes `now`), so the client, state sync and tests
/// share one definition of "verified".
public enum LightVerifier {
    /// `untrusted` is adjacent or not; dispatches to the matching rule.
    /// Only the non-adjacent rule reads `trustedValidators`: the set of the trusted height, as
    /// CometBFT's client passes it (the trusted header's next set would do as well).
    public static func verify(trusted: LightBlock, untrusted: LightBlock, now: Timestamp,
                              options: VerificationOptions) throws(LightVerificationError) {
        if untrusted.height == trusted.height + 1 {
            try verifyAdjacent(trusted: trusted.header, untrusted: untrusted, now: now, options: options)
        } else {
            try verifyNonAdjacent(trusted: trusted.header, trustedValidators: trusted.validatorSet,
                                  untrusted: untrusted, now: now, options: options)
        }
    }

    /// The next height: its validator set must be the one the trusted header named as next, and
    /// more than 2/3 of it signed. No trust level: the set is known exactly.
    public static func verifyAdjacent(trusted: Header, untrusted: LightBlock, now: Timestamp,
                                      options: VerificationOptions) throws(LightVerificationError) {
        guard untrusted.height == trusted.height + 1 else {
            throw .invalidHeader("headers must be adjacent in height")
        }
        try checkNotExpired(trusted, now: now, options: options)
        try verifyNewHeaderAndValidators(untrusted, trusted: trusted, now: now, options: options)
        guard untrusted.header.validatorsHash == trusted.nextValidatorsHash else {
            throw .invalidHeader("expected old header next validators (\(trusted.nextValidatorsHash.upperHex)) "
                                 + "to match those from new header (\(untrusted.header.validatorsHash.upperHex))")
        }
        try untrusted.validatorSet.verifyCommitLight(chainID: trusted.chainID, blockID: untrusted.commit.blockID,
                                                     height: untrusted.height, commit: untrusted.commit)
    }

    /// A height further on (skipping verification): more than the trust level of a set we trust
    /// signed it — so at least one correct validator vouches for it — and more than 2/3 of its
    /// own set signed it.
    public static func verifyNonAdjacent(trusted: Header, trustedValidators: ValidatorSet,
                                         untrusted: LightBlock, now: Timestamp,
                                         options: VerificationOptions) throws(LightVerificationError) {
        guard untrusted.height != trusted.height + 1 else {
            throw .invalidHeader("headers must be non adjacent in height")
        }
        try checkNotExpired(trusted, now: now, options: options)
        try verifyNewHeaderAndValidators(untrusted, trusted: trusted, now: now, options: options)
        try trustedValidators.verifyCommitLightTrusting(chainID: trusted.chainID, commit: untrusted.commit,
                                                        trustLevel: options.trustLevel)
        try untrusted.validatorSet.verifyCommitLight(chainID: trusted.chainID, blockID: untrusted.commit.blockID,
                                                     height: untrusted.height, commit: untrusted.commit)
    }

    /// An older header, trusted by hash chaining from a newer trusted one: it must be the block
    /// the trusted header names as its previous one. No signatures are needed.
    public static func verifyBackwards(untrusted: Header, trusted: Header) throws(LightVerificationError) {
        try HeaderShape.check(untrusted)
        guard untrusted.chainID == trusted.chainID else {
            throw .invalidHeader("header belongs to another chain")
        }
        guard untrusted.time < trusted.time else {
            throw .invalidHeader("expected older header time \(untrusted.time) to be before new header time \(trusted.time)")
        }
        let hash = untrusted.hash()
        guard hash == trusted.lastBlockID.hash else {
            throw .invalidHeader("older header hash \(hash.upperHex) does not match trusted header's last block "
                                 + "\(trusted.lastBlockID.hash.upperHex)")
        }
    }

    /// CometBFT's `HeaderExpired`: expired once trusted time + trusting period is not after now.
    public static func isExpired(_ header: Header, now: Timestamp, trustingPeriod: Duration) -> Bool {
        !(header.time.adding(nanoseconds: trustingPeriod.nanoseconds) > now)
    }

    private static func checkNotExpired(_ trusted: Header, now: Timestamp,
                                        options: VerificationOptions) throws(LightVerificationError) {
        if isExpired(trusted, now: now, trustingPeriod: options.trustingPeriod) {
            throw .oldHeaderExpired(expiredAt: trusted.time.adding(nanoseconds: options.trustingPeriod.nanoseconds),
                                    now: now)
        }
    }

    /// The checks that need no signature: shape, chain, height and time moving forward, a time
    /// not from the future, and the supplied set being the one the header names.
    private static func verifyNewHeaderAndValidators(_ untrusted: LightBlock, trusted: Header, now: Timestamp,
                                                     options: VerificationOptions) throws(LightVerificationError) {
        try untrusted.validateBasic(chainID: trusted.chainID)
        guard untrusted.height > trusted.height else {
            throw .invalidHeader("expected new header height \(untrusted.height) to be greater than one of old header \(trusted.height)")
        }
        guard untrusted.time > trusted.time else {
            throw .invalidHeader("expected new header time \(untrusted.time) to be after old header time \(trusted.time)")
        }
        guard untrusted.time < now.adding(nanoseconds: options.maxClockDrift.nanoseconds) else {
            throw .invalidHeader("new header has a time from the future \(untrusted.time) (now: \(now); "
                                 + "max clock drift: \(options.maxClockDrift))")
        }
    }
}
