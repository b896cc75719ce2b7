import PalisadeCrypto
import PalisadeTypes

/// CometBFT's `Header.ValidateBasic`: fields a correct node could never have produced are refused
/// before any hash or signature is computed over them. The app hash may have any length.
enum HeaderShape {
    static func check(_ header: Header) throws(LightVerificationError) {
        guard header.version.block == ConsensusVersion.blockProtocol else {
            throw .invalidHeader("block protocol is incorrect: got: \(header.version.block), want: \(ConsensusVersion.blockProtocol)")
        }
        guard header.chainID.utf8.count <= Header.maxChainIDLength else {
            throw .invalidHeader("chainID is too long; got: \(header.chainID.utf8.count), max: \(Header.maxChainIDLength)")
        }
        guard header.height > 0 else { throw .invalidHeader(header.height < 0 ? "negative Height" : "zero Height") }
        try hash(header.lastBlockID.hash, "LastBlockID.Hash")
        try hash(header.lastBlockID.partSetHeader.hash, "LastBlockID.PartSetHeader.Hash")
        try hash(header.lastCommitHash, "LastCommitHash")
        try hash(header.dataHash, "DataHash")
        try hash(header.evidenceHash, "EvidenceHash")
        guard header.proposerAddress.bytes.count == Address.size else {
            throw .invalidHeader("invalid ProposerAddress length; got: \(header.proposerAddress.bytes.count), expected: \(Address.size)")
        }
        try hash(header.validatorsHash, "ValidatorsHash")
        try hash(header.nextValidatorsHash, "NextValidatorsHash")
        try hash(header.consensusHash, "ConsensusHash")
        try hash(header.lastResultsHash, "LastResultsHash")
    }

    /// CometBFT's `ValidateHash`: empty or SHA-256 sized.
    private static func hash(_ bytes: Bytes, _ field: String) throws(LightVerificationError) {
        guard bytes.isEmpty || bytes.count == SHA256Hash.size else {
            throw .invalidHeader("wrong \(field): expected size to be \(SHA256Hash.size) bytes, got \(bytes.count) bytes")
        }
    }
}

/// CometBFT's `Commit.ValidateBasic` with `CommitSig.ValidateBasic` for each entry.
enum CommitShape {
    /// Ed25519 signatures are 64 bytes; CometBFT's `MaxSignatureSize` is the same.
    static let maxSignatureSize = 64

    static func check(_ commit: Commit) throws(LightVerificationError) {
        guard commit.height >= 0 else { throw .invalidHeader("commit: negative Height") }
        guard commit.round >= 0 else { throw .invalidHeader("commit: negative Round") }
        guard commit.height >= 1 else { return }
        guard !commit.blockID.isZero else { throw .invalidHeader("commit cannot be for nil block") }
        guard !commit.signatures.isEmpty else { throw .invalidHeader("no signatures in commit") }
        for (index, sig) in commit.signatures.enumerated() {
            if sig.isAbsent {
                guard sig.validatorAddress.bytes.isEmpty, sig.signature.isEmpty else {
                    throw .invalidHeader("wrong CommitSig #\(index): an absent entry carries an address or signature")
                }
            } else {
                guard sig.validatorAddress.bytes.count == Address.size else {
                    throw .invalidHeader("wrong CommitSig #\(index): expected ValidatorAddress size to be "
                                         + "\(Address.size) bytes, got \(sig.validatorAddress.bytes.count) bytes")
                }
                guard !sig.signature.isEmpty, sig.signature.count <= maxSignatureSize else {
                    throw .invalidHeader("wrong CommitSig #\(index): signature is missing or too big")
                }
            }
        }
    }
}
