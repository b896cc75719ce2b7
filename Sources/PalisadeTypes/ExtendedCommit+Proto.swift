import PalisadeCrypto
import PalisadeProto

extension ExtendedCommit {
    public var proto: Tendermint_Types_ExtendedCommit {
        var p = Tendermint_Types_ExtendedCommit()
        p.height = commit.height
        p.round = commit.round
        p.blockID = commit.blockID.proto
        p.extendedSignatures = zip(commit.signatures, extensions).map { sig, ext in
            let plain = sig.proto
            var out = Tendermint_Types_ExtendedCommitSig()
            out.blockIDFlag = plain.blockIDFlag
            out.validatorAddress = plain.validatorAddress
            out.timestamp = plain.timestamp
            out.signature = plain.signature
            out.extension = ext.data.data
            out.extensionSignature = ext.signature.data
            return out
        }
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [1: "height", 2: "round", 3: "block_id", 4: "extended_signatures"]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        let p = try ProtoDecoder.decode(Tendermint_Types_ExtendedCommit.self, from: bytes, message: "ExtendedCommit",
                                        fieldNames: Self.fieldNames)
        let path = FieldPath(message: "ExtendedCommit")
        var plain = Tendermint_Types_Commit()
        plain.height = p.height
        plain.round = p.round
        plain.blockID = p.blockID
        var extensions: [VoteExtension] = []
        extensions.reserveCapacity(p.extendedSignatures.count)
        for (i, sig) in p.extendedSignatures.enumerated() {
            var commitSig = Tendermint_Types_CommitSig()
            commitSig.blockIDFlag = sig.blockIDFlag
            commitSig.validatorAddress = sig.validatorAddress
            if sig.hasTimestamp { commitSig.timestamp = sig.timestamp }
            commitSig.signature = sig.signature
            plain.signatures.append(commitSig)
            // CometBFT's `ExtendedCommitSig.ValidateBasic`: only a COMMIT entry carries an
            // extension, and an extension is never without its signature.
            let at = path.child("extended_signatures").index(i)
            if sig.blockIDFlag != .commit, !sig.extension.isEmpty || !sig.extensionSignature.isEmpty {
                throw at.child("extension").error("present on an entry that is not COMMIT")
            }
            try Vote.checkSignature(sig.extensionSignature.count, at: at.child("extension_signature"),
                                    required: !sig.extension.isEmpty)
            extensions.append(VoteExtension(data: sig.extension.bytes, signature: sig.extensionSignature.bytes))
        }
        let commit = try Commit(proto: plain, at: path)
        guard let extended = ExtendedCommit(commit: commit, extensions: extensions) else {
            throw path.child("extended_signatures").error("extensions do not line up with the signatures")
        }
        self = extended
    }
}
