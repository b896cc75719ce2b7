import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
import PalisadeLight
@testable import PalisadeNode
import PalisadeRPC
import PalisadeTypes
import Testing

/// `palisade light` in front of primaries served over real HTTP on loopback: an honest one is
/// passed through verified; a primary that lies about a block body, a header, or the root of
/// trust is refused.
@Suite struct LightProxyTests {
    struct Served {
        let backend: ChainRPCBackend
        let server: RPCServer
        let task: Task<Void, any Error>
        let port: Int
        var address: String { "http://127.0.0.1:\(port)" }
    }

    static func serve(_ chain: SignedBlockChain) async -> Served {
        let backend = ChainRPCBackend(chain: chain)
        var logger = Logger(label: "light-proxy-test")
        logger.logLevel = .critical
        let server = RPCServer(backend: backend, configuration: RPCServerConfiguration(host: "127.0.0.1", port: 0),
                               logger: logger)
        let task = Task { try await server.run() }
        return Served(backend: backend, server: server, task: task, port: await server.listeningPort())
    }

    /// A proxy over `primary` with `witnesses`, trusting height 1 of `chain` (or `trustHash`).
    static func proxy(_ chain: SignedBlockChain, primary: Served, witnesses: [Served],
                      trustHash: Bytes? = nil) throws -> LightProxy {
        var logger = Logger(label: "light-proxy-test")
        logger.logLevel = .critical
        let root = try #require(chain.blocks.first)
        let configuration = LightProxy.Configuration(
            chainID: SignedBlockChain.chainID, primary: primary.address, witnesses: witnesses.map(\.address),
            trustHeight: 1, trustHash: trustHash ?? root.block.header.hash(),
            // The chain's times are from 2023: a trusting period of ten years keeps them valid.
            options: VerificationOptions(trustingPeriod: .seconds(10 * 365 * 24 * 3600)),
            listen: ListenAddress(host: "127.0.0.1", port: 0))
        return try LightProxy(configuration: configuration, logger: logger)
    }

    static func get(_ port: Int, _ pathAndQuery: String) async throws -> JSONValue {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/\(pathAndQuery)"))
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONValue(parsing: Array(data))
    }

    static func running(_ proxy: LightProxy, _ body: (Int) async throws -> Void) async throws {
        try await proxy.initialize()
        let task = Task { try await proxy.run() }
        defer { task.cancel() }
        try await body(await proxy.listeningPort())
    }

    @Test func servesVerifiedBlocksCommitsAndValidators() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 20)
        let primary = await Self.serve(chain), witness = await Self.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        try await Self.running(try Self.proxy(chain, primary: primary, witnesses: [witness])) { port in
            let expected = chain.blocks[11].block.header.hash().upperHex
            let block = try await Self.get(port, "block?height=12")
            #expect(block["result"]?["block_id"]?["hash"] == .string(expected))
            #expect(block["result"]?["block"]?["data"]?["txs"] == .array([.string(Data("k12=v12".utf8).base64EncodedString())]))
            let commit = try await Self.get(port, "commit?height=12")
            #expect(commit["result"]?["signed_header"]?["commit"]?["block_id"]?["hash"] == .string(expected))
            let validators = try await Self.get(port, "validators?height=12")
            #expect(validators["result"]?["total"] == .string("4"))
            let status = try await Self.get(port, "status")
            #expect(status["result"]?["sync_info"]?["latest_block_height"] == .string("20"))
        }
    }

    @Test func refusesABodyThatDoesNotMatchItsHeader() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 20)
        let primary = await Self.serve(chain), witness = await Self.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        primary.backend.update { chain in
            var (block, commit) = chain.blocks[14]
            block.data = BlockData(txs: [Array("k15=stolen".utf8)])
            chain.replace(height: 15, block: block, commit: commit)
        }
        try await Self.running(try Self.proxy(chain, primary: primary, witnesses: [witness])) { port in
            let answer = try await Self.get(port, "block?height=15")
            #expect(answer["result"] == nil)
            guard case .string(let detail)? = answer["error"]?["data"] else {
                Issue.record("expected an error, got \(answer)")
                return
            }
            #expect(detail.contains("data_hash"))
            // Heights it did not tamper with are still served.
            let good = try await Self.get(port, "block?height=14")
            #expect(good["result"]?["block_id"]?["hash"] == .string(chain.blocks[13].block.header.hash().upperHex))
        }
    }

    /// `abci_query` is passed on only with a kvstore proof of the app hash the verified header at
    /// height + 1 commits to: a primary that changes the value, or drops the proof, is refused.
    @Test func abciQueryIsProvenAgainstTheVerifiedAppHash() async throws {
        let app = KVStoreApplication()
        _ = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 0), chainID: SignedBlockChain.chainID, validators: []))
        for height in Int64(1)...3 {
            _ = try await app.finalizeBlock(FinalizeBlockRequest(
                txs: [Array("k\(height)=v\(height)".utf8)], hash: Bytes(repeating: 1, count: 32), height: height,
                time: Timestamp(seconds: height), nextValidatorsHash: Bytes(repeating: 1, count: 32),
                proposerAddress: Address(bytes: Bytes(repeating: 0, count: 20))))
            _ = try await app.commit()
        }
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 3)
        // The header at 4 commits to the app's state after block 3, the height its answers name.
        try chain.append(appHash: await app.appHash)
        try chain.extend(to: 6)
        let primary = await Self.serve(chain), witness = await Self.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        primary.backend.answerQueries { try await app.query($0) }
        let key = "abci_query?data=0x\(Array("k2".utf8).hex)"
        func refusal(_ port: Int) async throws -> String {
            let answer = try await Self.get(port, key)
            #expect(answer["result"] == nil)
            guard case .string(let detail)? = answer["error"]?["data"] else { return "no error: \(answer)" }
            return detail
        }
        try await Self.running(try Self.proxy(chain, primary: primary, witnesses: [witness])) { port in
            let honest = try await Self.get(port, key)
            #expect(honest["result"]?["response"]?["value"] == .string(Data("v2".utf8).base64EncodedString()))
            #expect(honest["result"]?["response"]?["height"] == .string("3"))
            // Absence is proven too.
            let absent = try await Self.get(port, "abci_query?data=0x\(Array("nope".utf8).hex)")
            #expect(absent["result"]?["response"]?["value"] == .null)

            primary.backend.answerQueries { request in
                var response = try await app.query(request)
                response.value = Array("forged".utf8)
                return response
            }
            #expect(try await refusal(port).contains("does not match the verified app hash"))
            primary.backend.answerQueries { request in
                var response = try await app.query(request)
                response.proofOps = []
                return response
            }
            #expect(try await refusal(port).contains("carries no proof"))
        }
    }

    /// The primary serves a header at 16 that the chain's validators never signed (re-signed by
    /// keys outside the set): its commit fails verification and the proxy answers an error.
    @Test func refusesAForgedHeader() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 20)
        let primary = await Self.serve(chain), witness = await Self.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        let strangers = try SignedBlockChain(validatorCount: 4, seedOffset: 100)
        primary.backend.update { chain in
            var (block, _) = chain.blocks[15]
            block.header.appHash = Bytes(repeating: 0xEE, count: 32)
            // Signed in the set's order and under its addresses, but with keys of strangers: no
            // signature verifies.
            let forged = (try? strangers.sign(block, with: strangers.validators)) ?? .empty
            var commit = forged
            commit.signatures = zip(forged.signatures, chain.validators.validators).map { sig, validator in
                CommitSig(blockIDFlag: .commit, validatorAddress: validator.address, timestamp: sig.timestamp,
                          signature: sig.signature)
            }
            chain.replace(height: 16, block: block, commit: commit)
        }
        try await Self.running(try Self.proxy(chain, primary: primary, witnesses: [witness])) { port in
            for path in ["commit?height=16", "block?height=16"] {
                let answer = try await Self.get(port, path)
                #expect(answer["result"] == nil, "\(path)")
                guard case .string(let detail)? = answer["error"]?["data"] else {
                    Issue.record("\(path): expected an error, got \(answer)")
                    continue
                }
                // Refused by verification (a signature that does not verify), not by chance.
                #expect(detail.contains("light client: verify from #"), "\(path): \(detail)")
                #expect(detail.contains("signature"), "\(path): \(detail)")
            }
        }
    }

    @Test func refusesARootOfTrustThePrimaryDoesNotHave() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 5)
        let primary = await Self.serve(chain)
        defer { primary.task.cancel() }
        let proxy = try Self.proxy(chain, primary: primary, witnesses: [], trustHash: Bytes(repeating: 0x42, count: 32))
        await #expect(throws: LightClientError.self) { try await proxy.initialize() }
    }
}
