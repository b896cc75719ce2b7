import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// Test faults behind hidden `palisade app` options, each at one height H:
/// - `--fail-finalize-at-height H`: FinalizeBlock throws, as a production app that rejects a
///   decided block does. The socket server answers with an `exception`, so the node must halt
///   naming FinalizeBlock. The wrapped app sees nothing of that block, so restarting it without
///   the option (same database) leaves it at height H-1, ready to execute block H again.
/// - `--wrong-app-hash-at-height H`: FinalizeBlock answers with a corrupted app hash, as a
///   non-deterministic app does. The node stores it and halts on the next block (app-hash
///   mismatch); `palisade rollback` and a fixed app recover it.
struct FinalizeFaultApplication: ApplicationWrapper {
    enum Fault: Sendable {
        case refuse
        case wrongAppHash
    }

    let inner: any Application
    let height: Int64
    var fault: Fault = .refuse

    struct Refusal: Error, CustomStringConvertible {
        let height: Int64
        var description: String { "injected fault: FinalizeBlock refuses height \(height) (--fail-finalize-at-height)" }
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        guard request.height == height else { return try await inner.finalizeBlock(request) }
        switch fault {
        case .refuse:
            throw Refusal(height: height)
        case .wrongAppHash:
            var response = try await inner.finalizeBlock(request)
            response.appHash = SHA256Hash.digest(response.appHash + Array("wrong".utf8))
            return response
        }
    }
}
