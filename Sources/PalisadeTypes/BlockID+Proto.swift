import PalisadeCrypto
import PalisadeProto

extension PartSetHeader {
    public var proto: Tendermint_Types_PartSetHeader {
        var p = Tendermint_Types_PartSetHeader()
        p.total = total
        p.hash = hash.data
        return p
    }

    public init(proto: Tendermint_Types_PartSetHeader) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "PartSetHeader"))
    }

    init(proto: Tendermint_Types_PartSetHeader, at path: FieldPath) throws(DecodingError) {
        self.init(total: proto.total, hash: try path.child("hash").hash(proto.hash))
    }
}

extension BlockID {
    /// CometBFT's part-set header is non-nullable, so it is always written (as `12 00` when zero):
    /// that matters because the header hash covers these bytes.
    public var proto: Tendermint_Types_BlockID {
        var p = Tendermint_Types_BlockID()
        p.hash = hash.data
        p.partSetHeader = partSetHeader.proto
        return p
    }

    public init(proto: Tendermint_Types_BlockID) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "BlockID"))
    }

    init(proto: Tendermint_Types_BlockID, at path: FieldPath) throws(DecodingError) {
        self.init(hash: try path.child("hash").hash(proto.hash),
                  partSetHeader: try PartSetHeader(proto: proto.partSetHeader, at: path.child("part_set_header")))
    }

    /// The key CometBFT sorts block IDs by (hash, then the part-set header's protobuf bytes):
    /// it decides which vote of a duplicate pair is vote A.
    public var key: Bytes { hash + CanonicalEncoding.encode(partSetHeader.proto) }
}
