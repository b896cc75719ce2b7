import PalisadeCrypto

/// Chain-wide limits every node must agree on (CometBFT's `ConsensusParams`). They start in the
/// genesis file and change only when the app returns an update in `FinalizeBlock`.
public struct ConsensusParams: Sendable, Hashable {
    public struct Block: Sendable, Hashable {
        /// Largest block in protobuf bytes; -1 means CometBFT's ceiling of 100 MiB.
        public var maxBytes: Int64
        /// Largest sum of `gas_wanted` in a block; -1 means no limit.
        public var maxGas: Int64

        public init(maxBytes: Int64 = 22_020_096, maxGas: Int64 = -1) {
            self.maxBytes = maxBytes
            self.maxGas = maxGas
        }
    }

    /// Evidence older than both limits is no longer punishable (the unbonding period bounds it).
    public struct Evidence: Sendable, Hashable {
        public var maxAgeNumBlocks: Int64
        /// Nanoseconds, as Go's `time.Duration` (and the genesis JSON) counts them.
        public var maxAgeDurationNanos: Int64
        /// Total protobuf bytes of evidence one block may carry.
        public var maxBytes: Int64

        public init(maxAgeNumBlocks: Int64 = 100_000, maxAgeDurationNanos: Int64 = 48 * 3600 * 1_000_000_000,
                    maxBytes: Int64 = 1_048_576) {
            self.maxAgeNumBlocks = maxAgeNumBlocks
            self.maxAgeDurationNanos = maxAgeDurationNanos
            self.maxBytes = maxBytes
        }
    }

    public struct Validator: Sendable, Hashable {
        /// Key types validators may use, by ABCI name ("ed25519").
        public var pubKeyTypes: [String]

        public init(pubKeyTypes: [String] = [ConsensusParams.ed25519]) { self.pubKeyTypes = pubKeyTypes }
    }

    public struct Version: Sendable, Hashable {
        public var app: UInt64

        public init(app: UInt64 = 0) { self.app = app }
    }

    public struct ABCI: Sendable, Hashable {
        /// First height whose precommits carry vote extensions; 0 means never.
        public var voteExtensionsEnableHeight: Int64

        public init(voteExtensionsEnableHeight: Int64 = 0) { self.voteExtensionsEnableHeight = voteExtensionsEnableHeight }
    }

    public var block: Block
    public var evidence: Evidence
    public var validator: Validator
    public var version: Version
    public var abci: ABCI

    /// CometBFT v0.38's defaults (`DefaultConsensusParams`).
    public init(block: Block = Block(), evidence: Evidence = Evidence(), validator: Validator = Validator(),
                version: Version = Version(), abci: ABCI = ABCI()) {
        self.block = block
        self.evidence = evidence
        self.validator = validator
        self.version = version
        self.abci = abci
    }

    public static let `default` = ConsensusParams()

    public static let ed25519 = "ed25519"
    /// The ABCI key type names CometBFT v0.38 knows. Palisade signs and verifies only ed25519.
    public static let knownPubKeyTypes: Set<String> = [ed25519, "secp256k1"]
    /// CometBFT's `MaxBlockSizeBytes`: the ceiling for `block.maxBytes`, and what -1 means.
    public static let maxBlockSizeBytes: Int64 = 104_857_600

    /// The largest block actually allowed, with -1 resolved.
    public var effectiveMaxBlockBytes: Int64 { block.maxBytes == -1 ? Self.maxBlockSizeBytes : block.maxBytes }

    /// The rules of CometBFT's `ConsensusParams.ValidateBasic`; the error names the offending field.
    public func validate() throws(DecodingError) {
        let path = FieldPath(message: "ConsensusParams")
        guard block.maxBytes != 0 else { throw path.child("block.max_bytes").error("cannot be 0") }
        guard block.maxBytes >= -1 else {
            throw path.child("block.max_bytes").error("must be -1 or greater than 0, got \(block.maxBytes)")
        }
        guard block.maxBytes <= Self.maxBlockSizeBytes else {
            throw path.child("block.max_bytes").error("\(block.maxBytes) exceeds \(Self.maxBlockSizeBytes)")
        }
        guard block.maxGas >= -1 else {
            throw path.child("block.max_gas").error("must be -1 or greater, got \(block.maxGas)")
        }
        guard evidence.maxAgeNumBlocks > 0 else {
            throw path.child("evidence.max_age_num_blocks").error("must be positive, got \(evidence.maxAgeNumBlocks)")
        }
        guard evidence.maxAgeDurationNanos > 0 else {
            throw path.child("evidence.max_age_duration").error("must be positive, got \(evidence.maxAgeDurationNanos)")
        }
        guard evidence.maxBytes >= 0, evidence.maxBytes <= effectiveMaxBlockBytes else {
            throw path.child("evidence.max_bytes").error(
                "\(evidence.maxBytes) must be in 0...\(effectiveMaxBlockBytes) (the block size)")
        }
        guard abci.voteExtensionsEnableHeight >= 0 else {
            throw path.child("abci.vote_extensions_enable_height").error(
                "cannot be negative, got \(abci.voteExtensionsEnableHeight)")
        }
        guard !validator.pubKeyTypes.isEmpty else {
            throw path.child("validator.pub_key_types").error("must list at least one key type")
        }
        for (i, type) in validator.pubKeyTypes.enumerated() where !Self.knownPubKeyTypes.contains(type) {
            throw path.child("validator.pub_key_types").index(i).error("unknown key type \"\(type)\"")
        }
    }

    /// The header's `consensus_hash`: SHA-256 of `HashedParams`, which holds only the block size and
    /// gas limits. The other parameters can change without changing this hash.
    public func hash() -> Bytes {
        SHA256Hash.digest(CanonicalEncoding.encode(hashedParamsProto))
    }
}
