import PalisadeCrypto
import PalisadeProto
import SwiftProtobuf

/// Sign bytes exactly as CometBFT v0.38 builds them: the canonical message (fixed-width height and
/// round, the block ID left out entirely for nil, the chain ID last) behind a uvarint length prefix.
public enum CanonicalEncoding {
    static func voteSignBytes(chainID: String, type: SignedMsgType, height: Int64, round: Int32,
                              blockID: BlockID, timestamp: Timestamp) -> Bytes {
        voteSignBytes(chainID: chainID, rawType: Int(type.rawValue), height: height, round: round,
                      blockID: blockID, timestamp: timestamp)
    }

    /// CometBFT's vectors include a vote of type 0 (unknown), which `Vote` cannot hold; tests reach it here.
    static func unknownTypeVoteSignBytes(chainID: String, height: Int64, round: Int32, timestamp: Timestamp) -> Bytes {
        voteSignBytes(chainID: chainID, rawType: 0, height: height, round: round, blockID: .zero, timestamp: timestamp)
    }

    private static func voteSignBytes(chainID: String, rawType: Int, height: Int64, round: Int32,
                                      blockID: BlockID, timestamp: Timestamp) -> Bytes {
        var vote = Tendermint_Types_CanonicalVote()
        vote.type = Tendermint_Types_SignedMsgType(rawValue: rawType) ?? .unknown
        vote.height = height
        vote.round = Int64(round)
        if let canonical = canonicalBlockID(blockID) { vote.blockID = canonical }
        vote.timestamp = timestamp.proto
        vote.chainID = chainID
        return lengthDelimited(vote)
    }

    static func proposalSignBytes(chainID: String, height: Int64, round: Int32, polRound: Int32,
                                  blockID: BlockID, timestamp: Timestamp) -> Bytes {
        var proposal = Tendermint_Types_CanonicalProposal()
        proposal.type = .proposal
        proposal.height = height
        proposal.round = Int64(round)
        proposal.polRound = Int64(polRound)
        if let canonical = canonicalBlockID(blockID) { proposal.blockID = canonical }
        proposal.timestamp = timestamp.proto
        proposal.chainID = chainID
        return lengthDelimited(proposal)
    }

    /// CometBFT's `VoteExtensionSignBytes`: the length-delimited `CanonicalVoteExtension` (the
    /// extension, fixed-width height and round, the chain ID), signed apart from the vote so that
    /// the app's bytes never touch what the double-sign guard compares.
    static func voteExtensionSignBytes(chainID: String, extension: Bytes, height: Int64, round: Int32) -> Bytes {
        var canonical = Tendermint_Types_CanonicalVoteExtension()
        canonical.extension = `extension`.data
        canonical.height = height
        canonical.round = Int64(round)
        canonical.chainID = chainID
        return lengthDelimited(canonical)
    }

    /// CometBFT drops the block ID from the canonical form when it is zero (a nil vote).
    private static func canonicalBlockID(_ blockID: BlockID) -> Tendermint_Types_CanonicalBlockID? {
        guard !blockID.isZero else { return nil }
        var canonical = Tendermint_Types_CanonicalBlockID()
        canonical.hash = blockID.hash.data
        canonical.partSetHeader.total = blockID.partSetHeader.total
        canonical.partSetHeader.hash = blockID.partSetHeader.hash.data
        return canonical
    }

    /// Deterministic protobuf bytes (fields in number order, defaults omitted), as gogoproto writes them.
    public static func encode(_ message: some SwiftProtobuf.Message) -> Bytes {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        // Serialising a well-formed generated message cannot fail; a failure is a programming error.
        guard let data = try? message.serializedBytes(options: options) as [UInt8] else {
            preconditionFailure("protobuf serialisation of \(type(of: message)) failed")
        }
        return data
    }

    public static func lengthDelimited(_ message: some SwiftProtobuf.Message) -> Bytes {
        let body = encode(message)
        var out = Bytes()
        out.reserveCapacity(body.count + 5)
        Varint.append(UInt64(body.count), to: &out)
        out.append(contentsOf: body)
        return out
    }
}

/// Unsigned LEB128, the length prefix of sign bytes, ABCI frames and our wire protocol.
public enum Varint {
    public static func append(_ value: UInt64, to out: inout Bytes) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Decodes a uvarint at `offset`; `nil` when truncated or longer than 10 bytes.
    public static func read(_ bytes: Bytes, at offset: Int) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < bytes.count, index - offset < 10 {
            let byte = bytes[index]
            value |= UInt64(byte & 0x7f) << shift
            index += 1
            if byte & 0x80 == 0 { return (value, index - offset) }
            shift += 7
        }
        return nil
    }
}
