import Foundation
import PalisadeCrypto
import PalisadeRPC
import PalisadeTypes

/// Recorded CometBFT 0.38 traffic (copied from shared/conformance) and domain values decoded
/// from it, so the fake backend serves what the real node served.
enum Fixtures {
    struct Bad: Error, CustomStringConvertible {
        let what: String
        var description: String { "fixture field \(what)" }
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cometbft-0.38-rpc")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func json(_ name: String) throws -> JSONValue { try JSONValue(parsing: try bytes(name)) }

    /// The names of every recorded request.
    static func outgoing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("outgoing").path)
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    static func result(_ name: String) throws -> JSONValue {
        guard let r = try json("incoming/" + name)["result"] else { throw Bad(what: "\(name).result") }
        return r
    }

    static func string(_ v: JSONValue?, _ what: String) throws -> String {
        guard case .string(let s)? = v else { throw Bad(what: what) }
        return s
    }

    static func int(_ v: JSONValue?, _ what: String) throws -> Int64 {
        switch v {
        case .string(let s)?, .number(let s)?:
            guard let n = Int64(s) else { throw Bad(what: what) }
            return n
        default: throw Bad(what: what)
        }
    }

    static func hex(_ v: JSONValue?, _ what: String) throws -> Bytes {
        guard let b = Bytes(hex: try string(v, what)) else { throw Bad(what: what) }
        return b
    }

    static func base64(_ v: JSONValue?, _ what: String) throws -> Bytes {
        if v == .null { return [] }
        guard let d = Data(base64Encoded: try string(v, what)) else { throw Bad(what: what) }
        return Bytes(d)
    }

    static func time(_ v: JSONValue?, _ what: String) throws -> Timestamp {
        guard let t = Timestamp(rfc3339: try string(v, what)) else { throw Bad(what: what) }
        return t
    }

    static func blockID(_ v: JSONValue?) throws -> BlockID {
        guard let total = UInt32(exactly: try int(v?["parts"]?["total"], "parts.total")) else { throw Bad(what: "total") }
        return BlockID(hash: try hex(v?["hash"], "hash"),
                       partSetHeader: PartSetHeader(total: total, hash: try hex(v?["parts"]?["hash"], "parts.hash")))
    }

    static func header(_ h: JSONValue?) throws -> Header {
        Header(version: ConsensusVersion(block: UInt64(try int(h?["version"]?["block"], "version.block")),
                                         app: UInt64(try int(h?["version"]?["app"], "version.app"))),
               chainID: try string(h?["chain_id"], "chain_id"), height: try int(h?["height"], "height"),
               time: try time(h?["time"], "time"), lastBlockID: try blockID(h?["last_block_id"]),
               lastCommitHash: try hex(h?["last_commit_hash"], "last_commit_hash"),
               dataHash: try hex(h?["data_hash"], "data_hash"),
               validatorsHash: try hex(h?["validators_hash"], "validators_hash"),
               nextValidatorsHash: try hex(h?["next_validators_hash"], "next_validators_hash"),
               consensusHash: try hex(h?["consensus_hash"], "consensus_hash"),
               appHash: try hex(h?["app_hash"], "app_hash"),
               lastResultsHash: try hex(h?["last_results_hash"], "last_results_hash"),
               evidenceHash: try hex(h?["evidence_hash"], "evidence_hash"),
               proposerAddress: Address(bytes: try hex(h?["proposer_address"], "proposer_address")))
    }

    static func commit(_ c: JSONValue?) throws -> Commit {
        guard case .array(let sigs)? = c?["signatures"] else { throw Bad(what: "signatures") }
        return Commit(height: try int(c?["height"], "height"), round: Int32(try int(c?["round"], "round")),
                      blockID: try blockID(c?["block_id"]),
                      signatures: try sigs.map { s in
                          guard let flag = BlockIDFlag(rawValue: Int32(try int(s["block_id_flag"], "flag"))) else {
                              throw Bad(what: "block_id_flag")
                          }
                          return CommitSig(blockIDFlag: flag,
                                           validatorAddress: Address(bytes: try hex(s["validator_address"], "address")),
                                           timestamp: try time(s["timestamp"], "timestamp"),
                                           signature: try base64(s["signature"], "signature"))
                      })
    }

    /// A recorded `ResultBlock` (`block_id` + `block`).
    static func storedBlock(_ result: JSONValue) throws -> StoredBlock {
        let b = result["block"]
        guard case .array(let txs)? = b?["data"]?["txs"] else { throw Bad(what: "txs") }
        let block = Block(header: try header(b?["header"]),
                          data: BlockData(txs: try txs.map { try base64($0, "tx") }),
                          lastCommit: try commit(b?["last_commit"]))
        return StoredBlock(blockID: try blockID(result["block_id"]), block: block, size: block.protobuf.count)
    }

    static func genesis() throws -> GenesisDoc {
        guard let doc = try result("genesis.json")["genesis"] else { throw Bad(what: "genesis") }
        return try GenesisDoc(json: Data(doc.utf8), fileName: "genesis.json")
    }
}
