import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import PalisadeRPC
import Testing

/// Silent or slow connections cannot hold the server's connection slots: a connection that has
/// not finished its first request head within `requestHeadTimeout` is closed.
@Suite("RPC server: the first request head has a deadline")
struct RequestHeadDeadlineTests {
    static func configuration(maxConnections: Int = 900) -> RPCServerConfiguration {
        var configuration = RPCServerConfiguration(host: "127.0.0.1", port: 0, maxOpenConnections: maxConnections)
        configuration.requestHeadTimeout = 0.3
        return configuration
    }

    @Test("a connection that sends nothing is closed by the server")
    func silentConnectionIsClosed() async throws {
        try await RunningServer.with(Self.configuration()) { server in
            let outcome = try await RawConnection.run(port: server.port) { connection in connection.readUntilClosed() }
            #expect(outcome == .closedByServer)
        }
    }

    @Test("a head sent in pieces within the deadline is served, and the connection then outlives the deadline")
    func slowButTimelyHeadIsServed() async throws {
        try await RunningServer.with(Self.configuration()) { server in
            let answers = try await RawConnection.run(port: server.port) { connection -> [String] in
                try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                usleep(100_000)
                try connection.send("\r\n")
                let first = try connection.readResponseHead()
                usleep(600_000)
                try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return [first, try connection.readResponseHead()]
            }
            #expect(answers.allSatisfy { $0.hasPrefix("HTTP/1.1 200") }, "\(answers)")
        }
    }

    /// 950 keep-alive clients that made one request each and went quiet once kept a new client
    /// from `/status` for more than 20 s: the deadline only covered a connection's first request.
    @Test("a kept-alive connection that goes quiet after a response is closed by the server")
    func idleKeepAliveConnectionIsClosed() async throws {
        var configuration = Self.configuration()
        configuration.requestHeadTimeout = 10
        configuration.idleTimeout = 0.3
        try await RunningServer.with(configuration) { server in
            let (head, outcome) = try await RawConnection.run(port: server.port) { connection in
                try connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return (try connection.readResponseHead(), connection.readUntilClosed())
            }
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(outcome == .closedByServer)
        }
    }

    /// A body over `max_body_bytes` is answered at once and the connection cut off within the
    /// idle timeout, not read to its end: the client here announces 50 MB and sends 2 KB.
    @Test("an oversized body gets its error and the connection is cut off without reading the rest")
    func oversizedBodyClosesTheConnection() async throws {
        var configuration = Self.configuration()
        configuration.maxBodyBytes = 1_000
        configuration.requestHeadTimeout = 10
        configuration.idleTimeout = 0.5
        try await RunningServer.with(configuration) { server in
            let (head, outcome) = try await RawConnection.run(port: server.port) { connection in
                try connection.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 50000000\r\n\r\n" + String(repeating: "a", count: 2_000))
                return (try connection.readResponseHead(), connection.readUntilClosed())
            }
            #expect(head.hasPrefix("HTTP/1.1 400"), "\(head)")
            #expect(head.lowercased().contains("connection: close"), "\(head)")
            #expect(outcome == .closedByServer)
        }
    }

    @Test("silent connections up to the limit do not lock other clients out")
    func silentConnectionsDoNotHoldTheLimit() async throws {
        try await RunningServer.with(Self.configuration(maxConnections: 4)) { server in
            let silent = try (0..<4).map { _ in try RawConnection(port: server.port) }
            defer { silent.forEach { $0.close() } }
            let status = try await server.get("/health").status
            #expect(status == 200)
        }
    }
}

/// A blocking TCP client for byte-level HTTP, run on its own thread.
final class RawConnection: @unchecked Sendable {
    enum Ending: Equatable { case closedByServer, timedOut, data }

    let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawError("socket") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw RawError("connect")
        }
    }

    static func run<T: Sendable>(port: Int, _ body: @escaping @Sendable (RawConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let connection = try RawConnection(port: port)
                    defer { connection.close() }
                    return try body(connection)
                })
            }.start()
        }
    }

    func close() { Glibc.close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw RawError("send") }
    }

    /// Waits for the server to close (EOF or reset) or the 20 s receive timeout.
    func readUntilClosed() -> Ending {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n > 0 { return .data }
        if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { return .timedOut }
        return .closedByServer
    }

    /// The status line and headers of one response; its body (Content-Length) is consumed too.
    func readResponseHead() throws -> String {
        while !String(decoding: buffered, as: UTF8.self).contains("\r\n\r\n") { try fill() }
        let text = String(decoding: buffered, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { throw RawError("no head") }
        let head = String(text[..<end.lowerBound])
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let headBytes = text[..<end.upperBound].utf8.count
        while buffered.count < headBytes + length { try fill() }
        buffered.removeFirst(headBytes + length)
        return head
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw RawError("connection closed or timed out") }
        buffered += chunk[..<n]
    }
}

struct RawError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
