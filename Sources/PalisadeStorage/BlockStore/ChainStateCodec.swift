import Foundation
import PalisadeCrypto
import PalisadeProto
import PalisadeState
import PalisadeTypes
import SwiftProtobuf

/// How the block store writes a `ChainState`: one JSON object (our format, not CometBFT's), whose
/// structured parts are the CometBFT protobuf messages those types already round-trip through,
/// base64-encoded. Keys, sorted:
///
/// ```
/// app_hash                              hex
/// chain_id                              string
/// consensus_params                      base64 tendermint.types.ConsensusParams (every section)
/// format                                1
/// initial_height                        integer
/// last_block_height                     integer (0 before the first block)
/// last_block_id                         base64 tendermint.types.BlockID
/// last_block_time                       {"seconds": integer, "nanos": integer}
/// last_height_consensus_params_changed  integer
/// last_height_validators_changed        integer
/// last_results_hash                     hex
/// last_validators                       base64 tendermint.types.ValidatorSet, absent at genesis
/// next_validators                       base64 tendermint.types.ValidatorSet ("" for an empty set)
/// validators                            base64 tendermint.types.ValidatorSet ("" for an empty set)
/// version                               {"app": integer, "block": integer}
/// ```
///
/// JSON rather than one protobuf message because `tendermint.state.State` is not among our
/// generated messages, and a human can read the scalars with `sqlite3` when diagnosing a node.
/// Validator sets keep their proposer priorities and proposer exactly, which the next height's
/// proposer depends on. `format` is checked, so a later change of layout is detected, not misread.
public enum ChainStateCodec {
    public static let format = 1

    /// Writes the object directly, keys in the sorted order `JSONEncoder` with `.sortedKeys` would
    /// give (and what `decode` reads through `Record`): the store writes a state for every height,
    /// and going through `JSONEncoder` cost more than the rest of the height's row writes.
    public static func encode(_ state: ChainState) -> Bytes {
        var out = Bytes()
        out.reserveCapacity(1_024)
        out += Array("{\"app_hash\":\"\(state.appHash.hex)\",\"chain_id\":".utf8)
        appendString(state.chainID, to: &out)
        out += Array(",\"consensus_params\":\"\(base64(state.consensusParams.proto))\",\"format\":\(format)".utf8)
        out += Array(",\"initial_height\":\(state.initialHeight),\"last_block_height\":\(state.lastBlockHeight)".utf8)
        out += Array(",\"last_block_id\":\"\(base64(state.lastBlockID.proto))\"".utf8)
        out += Array(",\"last_block_time\":{\"nanos\":\(state.lastBlockTime.nanos),\"seconds\":\(state.lastBlockTime.seconds)}".utf8)
        out += Array(",\"last_height_consensus_params_changed\":\(state.lastHeightConsensusParamsChanged)".utf8)
        out += Array(",\"last_height_validators_changed\":\(state.lastHeightValidatorsChanged)".utf8)
        out += Array(",\"last_results_hash\":\"\(state.lastResultsHash.hex)\"".utf8)
        if let last = state.lastValidators { out += Array(",\"last_validators\":\"\(base64(last))\"".utf8) }
        out += Array(",\"next_validators\":\"\(base64(state.nextValidators))\"".utf8)
        out += Array(",\"validators\":\"\(base64(state.validators))\"".utf8)
        out += Array(",\"version\":{\"app\":\(state.version.app),\"block\":\(state.version.block)}}".utf8)
        return out
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7). The
    /// chain ID is the only free text in the object; hex and base64 need no escaping.
    private static func appendString(_ text: String, to out: inout Bytes) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out += [UInt8(ascii: "\\"), byte]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func decode(_ bytes: Bytes) throws(PalisadeTypes.DecodingError) -> ChainState {
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(bytes))
        } catch let error as Swift.DecodingError {
            throw Self.error(error)
        } catch {
            throw fault("(message)", "not JSON: \(error)")
        }
        guard record.format == format else { throw fault("format", "format \(record.format), want \(format)") }
        let blockID = try BlockID(proto: try message(Tendermint_Types_BlockID.self, record.lastBlockID, "last_block_id"))
        let params = try ConsensusParams(proto: try message(Tendermint_Types_ConsensusParams.self,
                                                            record.consensusParams, "consensus_params"))
        guard let lastResultsHash = Bytes(hex: record.lastResultsHash) else { throw fault("last_results_hash", "not hex") }
        guard let appHash = Bytes(hex: record.appHash) else { throw fault("app_hash", "not hex") }
        return ChainState(
            chainID: record.chainID, initialHeight: record.initialHeight, lastBlockHeight: record.lastBlockHeight,
            lastBlockID: blockID,
            lastBlockTime: Timestamp(seconds: record.lastBlockTime.seconds, nanos: record.lastBlockTime.nanos),
            validators: try validatorSet(record.validators, "validators"),
            nextValidators: try validatorSet(record.nextValidators, "next_validators"),
            lastValidators: try record.lastValidators.map { (text) throws(PalisadeTypes.DecodingError) in
                try validatorSet(text, "last_validators")
            },
            lastHeightValidatorsChanged: record.lastHeightValidatorsChanged, consensusParams: params,
            lastHeightConsensusParamsChanged: record.lastHeightConsensusParamsChanged,
            lastResultsHash: lastResultsHash, appHash: appHash,
            version: ConsensusVersion(block: record.version.block, app: record.version.app))
    }

    // MARK: - Helpers

    private static func base64(_ message: some SwiftProtobuf.Message) -> String {
        Data(CanonicalEncoding.encode(message)).base64EncodedString()
    }

    private static func base64(_ set: ValidatorSet) -> String {
        set.isEmpty ? "" : base64(set.proto)
    }

    private static func message<M: SwiftProtobuf.Message>(_ type: M.Type, _ text: String,
                                                          _ field: String) throws(PalisadeTypes.DecodingError) -> M {
        guard let data = Data(base64Encoded: text) else { throw fault(field, "not base64") }
        do { return try M(serializedBytes: data) } catch { throw fault(field, "malformed protobuf (\(error))") }
    }

    private static func validatorSet(_ text: String, _ field: String) throws(PalisadeTypes.DecodingError) -> ValidatorSet {
        if text.isEmpty {
            do { return try ValidatorSet(validators: []) } catch { throw fault(field, error.description) }
        }
        let proto = try message(Tendermint_Types_ValidatorSet.self, text, field)
        do { return try ValidatorSet(proto: proto) } catch { throw fault(field, error.description) }
    }

    private static func fault(_ field: String, _ reason: String) -> PalisadeTypes.DecodingError {
        PalisadeTypes.DecodingError(message: "ChainState", field: field, reason: reason)
    }

    private static func error(_ error: Swift.DecodingError) -> PalisadeTypes.DecodingError {
        switch error {
        case let .keyNotFound(key, context):
            return fault(path(context.codingPath + [key]), "missing")
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return fault(path(context.codingPath), context.debugDescription)
        @unknown default:
            return fault("(message)", "\(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "(message)" : keys.map(\.stringValue).joined(separator: ".")
    }

    /// The JSON object as `decode` reads it; names are the format above (`encode` writes them).
    private struct Record: Decodable {
        struct Time: Decodable {
            var seconds: Int64
            var nanos: Int32
        }

        struct Version: Decodable {
            var block: UInt64
            var app: UInt64
        }

        var format: Int
        var chainID: String
        var initialHeight: Int64
        var lastBlockHeight: Int64
        var lastBlockID: String
        var lastBlockTime: Time
        var validators: String
        var nextValidators: String
        var lastValidators: String?
        var lastHeightValidatorsChanged: Int64
        var consensusParams: String
        var lastHeightConsensusParamsChanged: Int64
        var lastResultsHash: String
        var appHash: String
        var version: Version

        enum CodingKeys: String, CodingKey {
            case format
            case chainID = "chain_id"
            case initialHeight = "initial_height"
            case lastBlockHeight = "last_block_height"
            case lastBlockID = "last_block_id"
            case lastBlockTime = "last_block_time"
            case validators
            case nextValidators = "next_validators"
            case lastValidators = "last_validators"
            case lastHeightValidatorsChanged = "last_height_validators_changed"
            case consensusParams = "consensus_params"
            case lastHeightConsensusParamsChanged = "last_height_consensus_params_changed"
            case lastResultsHash = "last_results_hash"
            case appHash = "app_hash"
            case version
        }
    }
}
