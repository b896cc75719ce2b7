import Foundation
import PalisadeCrypto
import PalisadeProto

extension Header {
    /// Version, time and last block ID are non-nullable in CometBFT and always written.
    public var proto: Tendermint_Types_Header {
        var p = Tendermint_Types_Header()
        p.version.block = version.block
        p.version.app = version.app
        p.chainID = chainID
        p.height = height
        p.time = time.proto
        p.lastBlockID = lastBlockID.proto
        p.lastCommitHash = lastCommitHash.data
        p.dataHash = dataHash.data
        p.validatorsHash = validatorsHash.data
        p.nextValidatorsHash = nextValidatorsHash.data
        p.consensusHash = consensusHash.data
        p.appHash = appHash.data
        p.lastResultsHash = lastResultsHash.data
        p.evidenceHash = evidenceHash.data
        p.proposerAddress = proposerAddress.bytes.data
        return p
    }

    /// Deterministic protobuf bytes of `proto`.
    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [
        1: "version", 2: "chain_id", 3: "height", 4: "time", 5: "last_block_id", 6: "last_commit_hash",
        7: "data_hash", 8: "validators_hash", 9: "next_validators_hash", 10: "consensus_hash", 11: "app_hash",
        12: "last_results_hash", 13: "evidence_hash", 14: "proposer_address",
    ]

    /// Decodes a header a peer or store sent, with CometBFT's basic checks (`Header.ValidateBasic`).
    public init(protobuf bytes: Bytes) throws(DecodingError) {
        let p = try ProtoDecoder.decode(Tendermint_Types_Header.self, from: bytes, message: "Header",
                                        fieldNames: Self.fieldNames)
        try self.init(proto: p)
    }

    public init(proto: Tendermint_Types_Header) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "Header"))
    }

    init(proto p: Tendermint_Types_Header, at path: FieldPath) throws(DecodingError) {
        guard p.version.block == ConsensusVersion.blockProtocol else {
            throw path.child("version.block").error("block protocol \(p.version.block), want \(ConsensusVersion.blockProtocol)")
        }
        guard p.chainID.utf8.count <= Header.maxChainIDLength else {
            throw path.child("chain_id").error("longer than \(Header.maxChainIDLength) bytes")
        }
        guard p.height > 0 else { throw path.child("height").error("must be positive, got \(p.height)") }
        guard p.proposerAddress.count == Address.size else {
            throw path.child("proposer_address").error("\(p.proposerAddress.count) bytes, want \(Address.size)")
        }
        self.init(
            version: ConsensusVersion(block: p.version.block, app: p.version.app),
            chainID: p.chainID,
            height: p.height,
            time: try path.child("time").timestamp(p.time),
            lastBlockID: try BlockID(proto: p.lastBlockID, at: path.child("last_block_id")),
            lastCommitHash: try path.child("last_commit_hash").hash(p.lastCommitHash),
            dataHash: try path.child("data_hash").hash(p.dataHash),
            validatorsHash: try path.child("validators_hash").hash(p.validatorsHash),
            nextValidatorsHash: try path.child("next_validators_hash").hash(p.nextValidatorsHash),
            consensusHash: try path.child("consensus_hash").hash(p.consensusHash),
            appHash: p.appHash.bytes,
            lastResultsHash: try path.child("last_results_hash").hash(p.lastResultsHash),
            evidenceHash: try path.child("evidence_hash").hash(p.evidenceHash),
            proposerAddress: Address(bytes: p.proposerAddress.bytes))
    }
}
