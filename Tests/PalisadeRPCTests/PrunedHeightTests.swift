import PalisadeRPC
import Testing

/// A node that pruned below its base answers heights under it as CometBFT's `getHeight` does
/// (`rpc/core/env.go`): code -32603, "height H is not available, lowest height is B".
@Suite("JSON-RPC: pruned heights")
struct PrunedHeightTests {
    static let base: Int64 = 100

    @Test("block, commit, block_results, validators and header below the base: CometBFT's error; at the base: an answer")
    func belowTheBase() async throws {
        try await RunningServer.with(base: Self.base) { server in
            for method in ["block", "commit", "block_results", "validators", "header"] {
                let below = ErrorTests.error(try await server.post(ErrorTests.request(method, "{\"height\":\"99\"}")).json())
                #expect(below.code == "-32603", "\(method)")
                #expect(below.message == "Internal error", "\(method)")
                #expect(below.data == "height 99 is not available, lowest height is 100", "\(method)")
                let at = try await server.post(ErrorTests.request(method, "{\"height\":\"100\"}")).json()
                #expect(at["error"] == nil, "\(method) at the base")
            }
        }
    }

    @Test("blockchain clamps to the base, and a range wholly below it is CometBFT's min/max error")
    func blockchainBelowTheBase() async throws {
        try await RunningServer.with(base: Self.base) { server in
            let clamped = try await server.post(ErrorTests.request("blockchain", "{\"minHeight\":\"1\",\"maxHeight\":\"105\"}")).json()
            if case .array(let metas)? = clamped["result"]?["block_metas"] {
                #expect(metas.count == 6, "heights 100...105")
            } else {
                Issue.record("no block_metas: \(clamped)")
            }
            let below = ErrorTests.error(try await server.post(ErrorTests.request("blockchain", "{\"minHeight\":\"1\",\"maxHeight\":\"99\"}")).json())
            #expect(below.code == "-32603")
            #expect(below.data == "min height 100 can't be greater than max height 99")
        }
    }
}
