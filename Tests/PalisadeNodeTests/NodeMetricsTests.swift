import Foundation
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Prometheus
import Testing
@testable import PalisadeNode

/// The metrics port against a real Prometheus registry: CometBFT's names and labels, one registry
/// per node, and the consensus values a committed block sets.
@Suite("Metrics: NodeMetrics over a Prometheus registry")
struct NodeMetricsTests {
    static let address = Address(bytes: Bytes(repeating: 0xAB, count: 20))

    @Test func everySampleCarriesTheChainLabel() {
        let registry = PrometheusCollectorRegistry()
        _ = NodeMetrics.prometheus(registry: registry, namespace: "cometbft", chainID: "test-chain",
                                   validatorAddress: Self.address)
        let text = registry.emitToString()
        // The full list of names is checked against a real node's scrape (`MetricsLocalnetTests`).
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples.count > 50)
        #expect(samples.allSatisfy { $0.hasPrefix("cometbft_") && $0.contains("{chain_id=\"test-chain\"") }, "\(samples)")
        #expect(text.contains("cometbft_consensus_validator_power{chain_id=\"test-chain\",validator_address=\"\(Self.address)\"}"))
        #expect(text.contains("# TYPE cometbft_consensus_height gauge"))
        #expect(text.contains("# TYPE cometbft_mempool_failed_txs counter"))
        #expect(text.contains("# TYPE cometbft_state_block_processing_time histogram"))
    }

    @Test func histogramsHaveCometBFTsBuckets() {
        let registry = PrometheusCollectorRegistry()
        _ = NodeMetrics.prometheus(registry: registry, namespace: "cometbft", chainID: "c", validatorAddress: nil)
        let text = registry.emitToString()
        func bounds(_ name: String) -> [String] {
            // One series per histogram: step durations are read for one step.
            text.split(separator: "\n")
                .filter { $0.hasPrefix(name + "_bucket{") && (!$0.contains("step=") || $0.contains("step=\"Propose\"")) }
                .compactMap { line in line.range(of: "le=\"").map { String(line[$0.upperBound...].prefix { $0 != "\"" }) } }
        }
        #expect(bounds("cometbft_state_block_processing_time") == ["1.0", "11.0", "21.0", "31.0", "41.0", "51.0", "61.0", "71.0", "81.0", "91.0", "+Inf"])
        #expect(bounds("cometbft_mempool_tx_size_bytes") == ["1.0", "3.0", "9.0", "27.0", "81.0", "243.0", "729.0", "+Inf"])
        #expect(bounds("cometbft_consensus_step_duration_seconds").count == 9)
        #expect(bounds("cometbft_consensus_block_interval_seconds").first == "0.005")
    }

    @Test func twoNodesInOneProcessKeepTheirOwnRegistries() {
        let first = PrometheusCollectorRegistry()
        let second = PrometheusCollectorRegistry()
        let a = NodeMetrics.prometheus(registry: first, namespace: "cometbft", chainID: "a", validatorAddress: nil)
        _ = NodeMetrics.prometheus(registry: second, namespace: "cometbft", chainID: "b", validatorAddress: nil)
        a.p2p.peers.record(3)
        #expect(first.emitToString().contains("cometbft_p2p_peers{chain_id=\"a\"} 3"))
        #expect(second.emitToString().contains("cometbft_p2p_peers{chain_id=\"b\"} 0"))
        #expect(!second.emitToString().contains("chain_id=\"a\""))
    }

    @Test func aCommittedBlockSetsHeightsMissingValidatorsAndOurSignature() throws {
        let registry = PrometheusCollectorRegistry()
        var generator = SeededGenerator(seed: 15)
        let keys = (0..<4).map { _ in PrivValidatorKey.generate(using: &generator) }
        let genesis = GenesisDoc(genesisTime: Timestamp(seconds: 100), chainID: "c",
                                 validators: keys.map { GenesisValidator(publicKey: $0.publicKey, power: 10) })
        var before = try ChainState(genesis: genesis)
        let set = before.validators
        let ours = try #require(set.validator(at: 1)).address
        var metrics = NodeMetrics.prometheus(registry: registry, namespace: "cometbft", chainID: "c",
                                             validatorAddress: ours)
        before.lastBlockHeight = 4
        before.lastBlockTime = Timestamp(seconds: 200)
        before.lastValidators = set
        // Validator 1 (ours) and validator 3 are absent from the LastCommit.
        let signatures = try (0..<4).map { index in
            let absent = index == 1 || index == 3
            return CommitSig(blockIDFlag: absent ? .absent : .commit,
                             validatorAddress: absent ? Address(bytes: []) : try #require(set.validator(at: index)).address,
                             timestamp: Timestamp(seconds: 200), signature: absent ? [] : Bytes(repeating: 1, count: 64))
        }
        let noBlock = BlockID(hash: [], partSetHeader: PartSetHeader(total: 0, hash: []))
        let header = Header(chainID: "c", height: 5, time: Timestamp(seconds: 201, nanos: 500_000_000), lastBlockID: noBlock,
                            validatorsHash: [], nextValidatorsHash: [], consensusHash: [], proposerAddress: ours)
        let block = Block(header: header, data: BlockData(txs: [[1, 2], [3]]),
                          lastCommit: Commit(height: 4, round: 0, blockID: noBlock, signatures: signatures))
        metrics.consensus.roundStep(height: 5, round: 1, step: .precommit, at: Timestamp(seconds: 201))
        metrics.consensus.blockCommitted(block, sizeBytes: 321, before: before, at: Timestamp(seconds: 202))
        // The core still reports the decided height until the next begins: `height` stays ahead.
        metrics.consensus.roundStep(height: 5, round: 1, step: .precommit, at: Timestamp(seconds: 202))
        let text = registry.emitToString()
        func value(_ sample: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }?.split(separator: " ").last.map(String.init)
        }
        #expect(value("cometbft_consensus_height{chain_id=\"c\"}") == "6.0")
        #expect(value("cometbft_consensus_latest_block_height{chain_id=\"c\"}") == "5.0")
        #expect(value("cometbft_consensus_rounds{chain_id=\"c\"}") == "1.0")
        #expect(value("cometbft_consensus_missing_validators{chain_id=\"c\"}") == "2.0")
        #expect(value("cometbft_consensus_missing_validators_power{chain_id=\"c\"}") == "20.0")
        #expect(value("cometbft_consensus_validators_power{chain_id=\"c\"}") == "40.0")
        #expect(value("cometbft_consensus_num_txs{chain_id=\"c\"}") == "2.0")
        #expect(value("cometbft_consensus_total_txs{chain_id=\"c\"}") == "2.0")
        #expect(value("cometbft_consensus_block_size_bytes{chain_id=\"c\"}") == "321.0")
        #expect(value("cometbft_consensus_validator_missed_blocks{chain_id=\"c\",validator_address=\"\(ours)\"}") == "1.0")
        #expect(value("cometbft_consensus_block_interval_seconds_sum{chain_id=\"c\"}") == "1.5")
        #expect(value("cometbft_consensus_step_duration_seconds_sum{chain_id=\"c\",step=\"Precommit\"}") == "1.0")
    }
}
