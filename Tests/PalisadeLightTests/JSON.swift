import Foundation
import PalisadeCrypto
import PalisadeTypes
import Testing

/// Just enough reading of CometBFT's RPC JSON (int64 as strings, hashes in upper hex, keys and
/// signatures in base64) to rebuild headers and commits from the recorded fixtures.
struct JSON {
    struct Missing: Error, CustomStringConvertible { let description: String }
    let value: Any?

    init(_ data: Data) throws { value = try JSONSerialization.jsonObject(with: data) }
    init(value: Any?) { self.value = value }

    subscript(key: String) -> JSON { JSON(value: (value as? [String: Any])?[key]) }

    var array: [JSON] { get throws { try cast([Any].self).map { JSON(value: $0) } } }
    var string: String { get throws { try cast(String.self) } }
    var int64: Int64 {
        get throws {
            if let text = value as? String, let number = Int64(text) { return number }
            if let number = value as? Int { return Int64(number) }
            throw Missing(description: "not an integer: \(String(describing: value))")
        }
    }
    var hex: Bytes { get throws { try #require(Bytes(hex: try string)) } }
    var base64: Bytes { get throws { Bytes(try #require(Data(base64Encoded: try string))) } }
    var time: Timestamp { get throws { try #require(Timestamp(rfc3339: try string)) } }

    var blockID: BlockID {
        get throws {
            BlockID(hash: try self["hash"].hex,
                    partSetHeader: PartSetHeader(total: UInt32(try self["parts"]["total"].int64),
                                                 hash: try self["parts"]["hash"].hex))
        }
    }

    var header: Header {
        get throws {
            Header(version: ConsensusVersion(block: UInt64(try self["version"]["block"].int64),
                                             app: UInt64((try? self["version"]["app"].int64) ?? 0)),
                   chainID: try self["chain_id"].string, height: try self["height"].int64, time: try self["time"].time,
                   lastBlockID: try self["last_block_id"].blockID, lastCommitHash: try self["last_commit_hash"].hex,
                   dataHash: try self["data_hash"].hex, validatorsHash: try self["validators_hash"].hex,
                   nextValidatorsHash: try self["next_validators_hash"].hex, consensusHash: try self["consensus_hash"].hex,
                   appHash: try self["app_hash"].hex, lastResultsHash: try self["last_results_hash"].hex,
                   evidenceHash: try self["evidence_hash"].hex,
                   proposerAddress: Address(bytes: try self["proposer_address"].hex))
        }
    }

    var commit: Commit {
        get throws {
            Commit(height: try self["height"].int64, round: Int32(try self["round"].int64),
                   blockID: try self["block_id"].blockID,
                   signatures: try self["signatures"].array.map { sig in
                       let flag = try #require(BlockIDFlag(rawValue: Int32(try sig["block_id_flag"].int64)))
                       return CommitSig(blockIDFlag: flag, validatorAddress: Address(bytes: try sig["validator_address"].hex),
                                        timestamp: try sig["timestamp"].time,
                                        signature: (try? sig["signature"].base64) ?? [])
                   })
        }
    }

    private func cast<T>(_ type: T.Type) throws -> T {
        guard let cast = value as? T else { throw Missing(description: "expected \(T.self), got \(String(describing: value))") }
        return cast
    }
}
