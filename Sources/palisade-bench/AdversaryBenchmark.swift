import Foundation
import PalisadeCrypto
import PalisadeNode
import PalisadeP2P
import PalisadeTypes

/// The adversarial harness's attacks against a running node, for `Scripts/bench-adversary`
/// (which measures the node's memory and heights meanwhile). Settings come from the environment:
/// ADVERSARY_TARGET=host:port, ADVERSARY_CHAIN=chain ID, ADVERSARY_ATTACK=data|steps|votes|evidence,
/// ADVERSARY_SECONDS=30. The attacker dials with a fresh node key whenever it is dropped or banned,
/// and sends as fast as the node lets it until the time is up.
enum AdversaryBenchmark {
    enum Attack: String, CaseIterable {
        /// 64 KiB messages of garbage on the consensus data channel (undecodable).
        case data
        /// 20-byte round steps at height 1 (stale; `UnproductiveTraffic`).
        case steps
        /// Prevotes with forged signatures for heights ahead.
        case votes
        /// 2 MiB evidence lists, above the evidence channel's limit.
        case evidence
    }

    static func run() {
        let environment = ProcessInfo.processInfo.environment
        let target = (environment["ADVERSARY_TARGET"] ?? "127.0.0.1:26656").split(separator: ":")
        guard target.count == 2, let port = Int(target[1]),
              let attack = Attack(rawValue: environment["ADVERSARY_ATTACK"] ?? "data"),
              let seconds = Double(environment["ADVERSARY_SECONDS"] ?? "30") else {
            printError("adversary: ADVERSARY_TARGET=host:port, ADVERSARY_ATTACK=\(Attack.allCases.map(\.rawValue)), "
                + "ADVERSARY_SECONDS=n\n")
            exit(2)
        }
        let chainID = environment["ADVERSARY_CHAIN"] ?? ""
        let done = DispatchSemaphore(value: 0)
        Task {
            let (connections, messages, bytes) = await flood(host: String(target[0]), port: port, chainID: chainID,
                                                           attack: attack, seconds: seconds)
            print("adversary \(attack.rawValue): \(connections) connections, \(messages) messages, "
                + "\(BenchmarkHarness.format(Double(bytes) / 1_048_576, decimals: 1)) MiB sent in \(Int(seconds)) s")
            done.signal()
        }
        done.wait()
    }

    static func flood(host: String, port: Int, chainID: String, attack: Attack, seconds: Double) async -> (Int, Int, Int) {
        let deadline = Date().addingTimeInterval(seconds)
        let transport = P2PTransport(configuration: P2PConfiguration(nodeInfo: NodeInfo(nodeID: "", network: chainID)))
        var generator = SystemRandomNumberGenerator()
        var (connections, messages, bytes) = (0, 0, 0)
        var sequence: Int64 = 0
        while Date() < deadline {
            guard let connection = try? await transport.dial(host: host, port: port, expectedID: nil,
                                                              nodeKey: NodeKey.generate(using: &generator)) else {
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            connections += 1
            while Date() < deadline {
                sequence += 1
                let (channel, payload) = message(attack, sequence: sequence)
                do { try await connection.send(channel: channel, bytes: payload) } catch { break }
                messages += 1
                bytes += payload.count
            }
            await connection.close()
        }
        return (connections, messages, bytes)
    }

    static let evidenceList: Bytes = {
        func vote(_ fill: UInt8) -> Vote {
            Vote(type: .prevote, height: 1_000_000, round: 0,
                 blockID: BlockID(hash: Bytes(repeating: fill, count: 32),
                                  partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: fill, count: 32))),
                 timestamp: Timestamp(seconds: 1), validatorAddress: Address(bytes: Bytes(repeating: 7, count: 20)), validatorIndex: 1,
                 signature: Bytes(repeating: fill, count: 64))
        }
        let item = DuplicateVoteEvidence(voteA: vote(1), voteB: vote(2), totalVotingPower: 40, validatorPower: 10,
                                         timestamp: Timestamp(seconds: 1))
        return EvidenceList.encode(Array(repeating: item, count: (2 << 20) / EvidenceList.encode([item]).count))
    }()

    static func message(_ attack: Attack, sequence: Int64) -> (ChannelID, Bytes) {
        switch attack {
        case .data:
            return (NodeChannel.consensusData, Bytes(repeating: UInt8(truncatingIfNeeded: sequence), count: 64 << 10))
        case .steps:
            let step = PeerRoundState(height: 1, round: 0, step: 0, lastStoredHeight: 1)
            return (NodeChannel.consensusState, ConsensusWireMessage.newRoundStep(step).encoded())
        case .votes:
            var forged = Vote(type: .prevote, height: 1 + sequence % 1_000, round: 0, blockID: .zero,
                              timestamp: Timestamp(seconds: 1), validatorAddress: Address(bytes: Bytes(repeating: 1, count: 20)),
                              validatorIndex: 0)
            forged.signature = Bytes(repeating: 0x42, count: 64)
            return (NodeChannel.consensusVote, ConsensusWireMessage.vote(forged).encoded())
        case .evidence:
            return (NodeChannel.evidence, evidenceList)
        }
    }
}
