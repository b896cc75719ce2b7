import Foundation
import Synchronization

/// One connection's submitting loop, on its own thread: JSON-RPC batches of
/// `broadcast_tx_async` at its share of the rate (or as fast as the node answers), each
/// transaction's submit time logged just before its request is written.
struct LoadSubmitter: Sendable {
    let connection: Int
    let endpoint: LoadEndpoint
    let run: UInt16
    let batch: Int
    let txSize: Int
    /// Nanoseconds between this connection's requests; 0 sends flat out.
    let period: UInt64
    let log: LoadSubmitLog
    let stop: LoadStopFlag

    func loop() {
        let http = LoadHTTPConnection(endpoint)
        var sequence = 0
        var next = LoadClock.now()
        let errorMarker: [UInt8] = Array("\"error\"".utf8)
        while !stop.isSet {
            if period > 0 {
                let now = LoadClock.now()
                if next > now { LoadClock.sleep(nanoseconds: next - now) }
                next += period
            }
            let body = requestBody(from: sequence)
            log.submitted(connection: connection, count: batch, at: LoadClock.now())
            sequence += batch
            do {
                let reply = try http.post(body)
                let refused = reply.ranges(of: errorMarker).count
                log.answered(accepted: batch - refused, refused: refused)
            } catch {
                log.requestFailed()
                LoadClock.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    /// `batch` requests, as a JSON-RPC batch when there are several (CometBFT accepts both).
    private func requestBody(from sequence: Int) -> [UInt8] {
        var requests: [String] = []
        for i in 0..<batch {
            let tx = LoadTx.make(run: run, connection: connection, sequence: sequence + i, size: txSize)
            requests.append(#"{"jsonrpc":"2.0","id":\#(sequence + i),"method":"broadcast_tx_async","params":{"tx":"\#(Data(tx).base64EncodedString())"}}"#)
        }
        let text = batch == 1 ? requests[0] : "[" + requests.joined(separator: ",") + "]"
        return Array(text.utf8)
    }
}

/// Set once when the load ends; the submitting threads read it before each request.
final class LoadStopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}
