import Foundation
import Glibc
import Testing

/// Volume attacks on the RPC port: a body far over `max_body_bytes` and more connections than
/// `max_open_connections`. The node must bound what it takes in, and afterwards serve and commit.
extension RPCLocalnetTests {
    static let hugeBody = 100 << 20

    /// What came back for the 100 MB body: the HTTP head and body if any, and whether the server
    /// closed or reset the connection (while we wrote, or after answering).
    struct HugeBodyOutcome: Sendable {
        var sent: Int
        var response: String
        var closed: Bool
    }

    static func sendHugeBody(port: Int) throws -> HugeBodyOutcome {
        let socket = try LoopbackSocket(port: port, timeout: 20)
        defer { socket.close() }
        try socket.send(Array(("POST / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(hugeBody)\r\n\r\n").utf8))
        // A valid request padded to 100 MB: a server that read it all would answer it with 200.
        let head = Array(#"{"jsonrpc":"2.0","id":1,"method":"health","params":{"pad":""#.utf8)
        let tail = Array(#""}}"#.utf8)
        let chunkSize = 1 << 20
        var sent = 0
        var closed = false
        writing: while sent < hugeBody {
            var chunk = [UInt8](repeating: UInt8(ascii: "a"), count: min(chunkSize, hugeBody - sent))
            if sent == 0 { chunk.replaceSubrange(0..<head.count, with: head) }
            if sent + chunk.count == hugeBody { chunk.replaceSubrange((chunk.count - tail.count)..., with: tail) }
            do {
                try socket.send(chunk)
            } catch LoopbackSocket.Failure.closedByPeer {
                closed = true
                break writing
            } catch LoopbackSocket.Failure.timedOut {
                // The server stopped reading for 20 s: it has answered, or never will.
                break writing
            }
            sent += chunk.count
        }
        var response: [UInt8] = []
        reading: while !closed {
            do {
                let bytes = try socket.receive()
                if bytes.isEmpty { closed = true } else { response += bytes }
            } catch LoopbackSocket.Failure.closedByPeer {
                closed = true
            } catch LoopbackSocket.Failure.timedOut {
                break reading
            }
            if let text = String(bytes: response, encoding: .utf8), Self.isComplete(text) { break reading }
        }
        return HugeBodyOutcome(sent: sent, response: String(decoding: response, as: UTF8.self), closed: closed)
    }

    /// An HTTP/1.1 answer whose head and Content-Length body have arrived.
    static func isComplete(_ text: String) -> Bool {
        guard let split = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<split.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return text[split.upperBound...].utf8.count >= length
    }

    @Test("a 100 MB POST body is refused (HTTP 400/413 or a closed connection) without the node buffering it; the node keeps committing")
    func hundredMegabyteBody() async throws {
        let net = try SharedLocalnet.require()
        #expect(await net.wait { net.height(0) >= 2 })
        let pid = try #require(net.processID(0))
        let peakBefore = try #require(Localnet.peakResidentKiB(pid))
        let port = net.rpcPort(0)
        let outcome = try await offPool { try Self.sendHugeBody(port: port) }
        print("100 MB body to node0: sent \(outcome.sent) bytes, closed: \(outcome.closed), answer: \(outcome.response.prefix(200).debugDescription)")
        let status = outcome.response.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init)
        let refusedWithAnswer = status == "400" || status == "413"
        #expect(refusedWithAnswer || (outcome.response.isEmpty && outcome.closed),
                "sent \(outcome.sent) bytes, closed: \(outcome.closed), answer: \(outcome.response.prefix(600))")
        if status == "400", let body = outcome.response.range(of: "\r\n\r\n").map({ outcome.response[$0.upperBound...] }) {
            let error = try JSONTree(parsing: Data(body.utf8))["error"]
            #expect(error?["code"]?.number == -32600, "\(body)")
            #expect(error?["data"]?.string == "error reading request body: http: request body too large", "\(body)")
        }
        let peakAfter = try #require(Localnet.peakResidentKiB(pid))
        #expect(peakAfter - peakBefore < 50 << 10, "node0's peak RSS grew from \(peakBefore) to \(peakAfter) KiB")
        #expect(net.processID(0) == pid, "node0 still running")
        #expect(await net.keepsCommitting(0), "node0 after the 100 MB body: \(net.log(0).suffix(1_500))")
    }
}
