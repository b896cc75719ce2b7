import Foundation
import PalisadeCrypto
@testable import PalisadeTypes

/// Reads CometBFT's RPC JSON shapes (int64 as strings, hashes upper hex) from the recorded fixtures.
enum RPCFixtures {
    struct Bad: Error { let what: String }

    static func block10() throws -> [String: Any] {
        guard let result = try Fixtures.json("cometbft-0.38-rpc/block_at_height_10.json")["result"] as? [String: Any]
        else { throw Bad(what: "result") }
        return result
    }

    static func hex(_ object: [String: Any], _ key: String) throws -> Bytes {
        guard let text = object[key] as? String, let bytes = Bytes(hex: text) else { throw Bad(what: key) }
        return bytes
    }

    static func int(_ object: [String: Any], _ key: String) throws -> Int64 {
        if let text = object[key] as? String, let value = Int64(text) { return value }
        if let value = object[key] as? Int { return Int64(value) }
        throw Bad(what: key)
    }

    static func dict(_ object: [String: Any], _ key: String) throws -> [String: Any] {
        guard let value = object[key] as? [String: Any] else { throw Bad(what: key) }
        return value
    }

    static func time(_ object: [String: Any], _ key: String) throws -> Timestamp {
        guard let text = object[key] as? String, let time = Timestamp(rfc3339: text) else { throw Bad(what: key) }
        return time
    }

    static func blockID(_ object: [String: Any]) throws -> BlockID {
        let parts = try dict(object, "parts")
        return BlockID(hash: try hex(object, "hash"),
                       partSetHeader: PartSetHeader(total: UInt32(try int(parts, "total")), hash: try hex(parts, "hash")))
    }

    static func header(_ h: [String: Any]) throws -> Header {
        let version = try dict(h, "version")
        return Header(
            version: ConsensusVersion(block: UInt64(try int(version, "block")), app: UInt64(try int(version, "app"))),
            chainID: h["chain_id"] as? String ?? "",
            height: try int(h, "height"),
            time: try time(h, "time"),
            lastBlockID: try blockID(try dict(h, "last_block_id")),
            lastCommitHash: try hex(h, "last_commit_hash"),
            dataHash: try hex(h, "data_hash"),
            validatorsHash: try hex(h, "validators_hash"),
            nextValidatorsHash: try hex(h, "next_validators_hash"),
            consensusHash: try hex(h, "consensus_hash"),
            appHash: try hex(h, "app_hash"),
            lastResultsHash: try hex(h, "last_results_hash"),
            evidenceHash: try hex(h, "evidence_hash"),
            proposerAddress: Address(bytes: try hex(h, "proposer_address")))
    }
}
