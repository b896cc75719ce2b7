import PalisadeConsensus
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// One WAL record's meaning: a consensus input to replay, or the marker that a height is over.
public enum WALEntry: Sendable, Hashable {
    /// An input the core asked to persist (`Directive.persist`), replayed through `handle` on restart.
    case input(Input)
    /// Height `height` is decided and its block stored: a restart at `height + 1` replays only
    /// what follows this marker (CometBFT's `EndHeightMessage`).
    case endHeight(Int64)
    /// A verified part of a proposed block of the current height. Not a consensus input: it is
    /// logged (synced with the next input) so that a block the core judges, prevotes for or
    /// decides can be rebuilt after a crash, as CometBFT logs block parts.
    case blockPart(height: Int64, round: Int32, part: Part)
}

/// The payload encoding, version 1 (WAL-FORMAT.md). One kind byte, then fixed-width fields;
/// votes, proposals, validator sets and block IDs are their deterministic protobuf, length-prefixed.
extension WALEntry {
    static let payloadVersion: UInt8 = 1

    private enum Kind: UInt8 {
        case startHeight = 1, proposal = 2, proposalValidity = 3, proposalValue = 4, vote = 5, timeout = 6
        case endHeight = 0x10
        case blockPart = 0x11
    }

    public func encoded() -> Bytes {
        var w = WALWriter()
        w.u8(Self.payloadVersion)
        switch self {
        case let .endHeight(height):
            w.u8(Kind.endHeight.rawValue)
            w.i64(height)
        case let .blockPart(height, round, part):
            w.u8(Kind.blockPart.rawValue)
            w.i64(height)
            w.i32(round)
            w.lengthPrefixed(CanonicalEncoding.encode(part.proto))
        case let .input(input):
            switch input {
            case let .startHeight(start):
                w.u8(Kind.startHeight.rawValue)
                w.i64(start.height)
                w.lengthPrefixed(start.validators.protobuf)
                w.timestamp(start.lastBlockTime)
                w.timestamp(start.now)
            case let .proposal(proposal, now):
                w.u8(Kind.proposal.rawValue)
                w.lengthPrefixed(proposal.protobuf)
                w.timestamp(now)
            case let .proposalValidity(height, round, blockID, valid, now):
                w.u8(Kind.proposalValidity.rawValue)
                w.i64(height)
                w.i32(round)
                w.lengthPrefixed(CanonicalEncoding.encode(blockID.proto))
                w.bool(valid)
                w.timestamp(now)
            case let .proposalValue(height, round, blockID, now):
                w.u8(Kind.proposalValue.rawValue)
                w.i64(height)
                w.i32(round)
                w.lengthPrefixed(CanonicalEncoding.encode(blockID.proto))
                w.timestamp(now)
            case let .vote(vote, now):
                w.u8(Kind.vote.rawValue)
                w.lengthPrefixed(vote.protobuf)
                w.timestamp(now)
            case let .timeout(timeout, now):
                w.u8(Kind.timeout.rawValue)
                w.i64(timeout.height)
                w.i32(timeout.round)
                w.u8(UInt8(bitPattern: timeout.step.rawValue))
                w.i64(timeout.duration)
                w.timestamp(now)
            }
        }
        return w.bytes
    }

    /// Total: any byte string either decodes to the entry that encoded it or throws.
    public init(encoded bytes: Bytes) throws(WALDecodingError) {
        var r = WALReader(bytes)
        let version = try r.u8("version")
        guard version == Self.payloadVersion else {
            throw WALDecodingError(field: "version", reason: "unknown payload version \(version)")
        }
        let rawKind = try r.u8("kind")
        guard let kind = Kind(rawValue: rawKind) else { throw WALDecodingError(field: "kind", reason: "unknown kind \(rawKind)") }
        switch kind {
        case .endHeight:
            self = .endHeight(try r.i64("end_height.height"))
        case .blockPart:
            let height = try r.i64("block_part.height")
            let round = try r.i32("block_part.round")
            let part = try r.decoded("block_part.part") { bytes throws(DecodingError) in try Part(protobuf: bytes) }
            self = .blockPart(height: height, round: round, part: part)
        case .startHeight:
            let height = try r.i64("start_height.height")
            let validators = try r.decoded("start_height.validators") { bytes throws(DecodingError) in try ValidatorSet(protobuf: bytes) }
            let lastBlockTime = try r.timestamp("start_height.last_block_time")
            let now = try r.timestamp("start_height.now")
            self = .input(.startHeight(HeightStart(height: height, validators: validators, lastBlockTime: lastBlockTime, now: now)))
        case .proposal:
            let proposal = try r.decoded("proposal.proposal") { bytes throws(DecodingError) in try Proposal(protobuf: bytes) }
            self = .input(.proposal(proposal, now: try r.timestamp("proposal.now")))
        case .proposalValidity:
            let height = try r.i64("proposal_validity.height")
            let round = try r.i32("proposal_validity.round")
            let blockID = try r.blockID("proposal_validity.block_id")
            let valid = try r.bool("proposal_validity.valid")
            let now = try r.timestamp("proposal_validity.now")
            self = .input(.proposalValidity(height: height, round: round, blockID: blockID, valid: valid, now: now))
        case .proposalValue:
            let height = try r.i64("proposal_value.height")
            let round = try r.i32("proposal_value.round")
            let blockID = try r.blockID("proposal_value.block_id")
            let now = try r.timestamp("proposal_value.now")
            self = .input(.proposalValue(height: height, round: round, blockID: blockID, now: now))
        case .vote:
            let vote = try r.decoded("vote.vote") { bytes throws(DecodingError) in try Vote(protobuf: bytes) }
            self = .input(.vote(vote, now: try r.timestamp("vote.now")))
        case .timeout:
            let height = try r.i64("timeout.height")
            let round = try r.i32("timeout.round")
            let rawStep = try r.u8("timeout.step")
            guard let step = Step(rawValue: Int8(bitPattern: rawStep)) else {
                throw WALDecodingError(field: "timeout.step", reason: "unknown step \(rawStep)")
            }
            let duration = try r.i64("timeout.duration")
            let now = try r.timestamp("timeout.now")
            self = .input(.timeout(Timeout(height: height, round: round, step: step, duration: duration), now: now))
        }
        try r.expectEnd()
    }
}

extension WALWriter {
    mutating func timestamp(_ value: Timestamp) {
        i64(value.seconds)
        i32(value.nanos)
    }
}

extension WALReader {
    mutating func timestamp(_ field: String) throws(WALDecodingError) -> Timestamp {
        let seconds = try i64(field + ".seconds")
        let nanos = try i32(field + ".nanos")
        guard (0..<1_000_000_000).contains(nanos) else {
            throw WALDecodingError(field: field + ".nanos", reason: "\(nanos) is not in 0..<1e9")
        }
        return Timestamp(seconds: seconds, nanos: nanos)
    }

    /// A length-prefixed protobuf decoded by one of PalisadeTypes' checked decoders.
    mutating func decoded<T>(_ field: String, _ decode: (Bytes) throws(DecodingError) -> T) throws(WALDecodingError) -> T {
        let bytes = try lengthPrefixed(field)
        do { return try decode(bytes) } catch { throw WALDecodingError(field: field, reason: error.description) }
    }

    mutating func blockID(_ field: String) throws(WALDecodingError) -> BlockID {
        try decoded(field) { bytes throws(DecodingError) in
            let proto: Tendermint_Types_BlockID
            do { proto = try Tendermint_Types_BlockID(serializedBytes: bytes) } catch {
                throw DecodingError(message: "BlockID", field: "(message)", reason: "not protobuf: \(error)")
            }
            return try BlockID(proto: proto)
        }
    }
}
