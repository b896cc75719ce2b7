import PalisadeABCI
import PalisadeTypes

/// A test fault behind `palisade app … --fail-finalize-at-height H` (hidden): the wrapped app,
/// except that FinalizeBlock for height `height` throws, as a production app that rejects a
/// decided block does. The socket server answers with an `exception`, so the node must halt
/// naming FinalizeBlock. The wrapped app sees nothing of that block, so restarting it without
/// the option (same database) leaves it at height H-1, ready to execute block H again.
struct FinalizeFaultApplication: ApplicationWrapper {
    let inner: any Application
    let height: Int64

    struct Fault: Error, CustomStringConvertible {
        let height: Int64
        var description: String { "injected fault: FinalizeBlock refuses height \(height) (--fail-finalize-at-height)" }
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        if request.height == height { throw Fault(height: height) }
        return try await inner.finalizeBlock(request)
    }
}
