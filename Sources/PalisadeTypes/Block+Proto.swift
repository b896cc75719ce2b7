import PalisadeCrypto
import PalisadeProto

extension Block {
    /// Header, data and evidence are non-nullable in CometBFT and always written, even empty; the
    /// part-set hash of a real chain's block depends on it.
    public var proto: Tendermint_Types_Block {
        var p = Tendermint_Types_Block()
        p.header = header.proto
        p.data = data.proto
        p.evidence = Tendermint_Types_EvidenceList()
        p.evidence.evidence = evidence.map(\.proto)
        if let lastCommit { p.lastCommit = lastCommit.proto }
        return p
    }

    /// The bytes that are split into parts and gossiped.
    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [1: "header", 2: "data", 3: "evidence", 4: "last_commit"]

    /// Decodes a block reassembled from parts, then runs `validateBasic` as CometBFT's
    /// `BlockFromProto` does: a block whose header does not commit to its body never exists as a value.
    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_Block.self, from: bytes, message: "Block",
                                                     fieldNames: Self.fieldNames))
    }

    public init(proto p: Tendermint_Types_Block) throws(DecodingError) {
        let path = FieldPath(message: "Block")
        guard p.hasHeader else { throw path.child("header").error("missing") }
        var evidence: [Evidence] = []
        for (i, e) in p.evidence.evidence.enumerated() {
            evidence.append(try Evidence(proto: e, at: path.child("evidence.evidence").index(i)))
        }
        self.init(header: try Header(proto: p.header, at: path.child("header")),
                  data: BlockData(proto: p.data),
                  evidence: evidence,
                  lastCommit: p.hasLastCommit ? try Commit(proto: p.lastCommit, at: path.child("last_commit")) : nil)
        try validateBasic()
    }
}
