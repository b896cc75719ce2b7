import Foundation
import PalisadeRPC
#if canImport(Glibc)
import Glibc
#endif

/// A minimal RFC 6455 client over a POSIX socket (the test target has no WebSocket client):
/// handshake, masked text frames out, frames in. Blocking reads run on their own thread with a
/// receive timeout, so a missing answer fails the test instead of hanging it.
final class WebSocketTestClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    enum Frame: Equatable {
        case text(String)
        case close(code: UInt16, reason: String)
        case other(UInt8)
    }

    private let fd: Int32

    /// Connects and completes the handshake on a thread of its own: blocking the test's
    /// cooperative threads would stall the in-process server too.
    static func open(port: Int, receiveBuffer: Int32? = nil) async throws -> WebSocketTestClient {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try WebSocketTestClient(port: port, receiveBuffer: receiveBuffer) }) }
                .start()
        }
    }

    private init(port: Int, receiveBuffer: Int32?) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect failed") }
        try write(Array(("GET /websocket HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        var head: [UInt8] = []
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) { head += try read(1) }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw Failure(description: "no upgrade: \(String(decoding: head, as: UTF8.self))")
        }
    }

    deinit { close(fd) }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed") }
            sent += n
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out[got...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "connection closed or timed out") }
            got += n
        }
        return out
    }

    /// Sends one text frame, masked with a zero key (valid, and keeps the payload readable).
    func send(_ text: String) throws {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 127)
            frame += withUnsafeBytes(of: UInt64(payload.count).bigEndian) { Array($0) }
        }
        frame += [0, 0, 0, 0] + payload
        try write(frame)
    }

    /// The next frame (blocking on a thread of its own).
    func receive() async throws -> Frame {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.receiveBlocking() }) }.start()
        }
    }

    private func receiveBlocking() throws -> Frame {
        let head = try read(2)
        var length = Int(head[1] & 0x7F)
        if length == 126 { length = try read(2).reduce(0) { $0 << 8 | Int($1) } }
        if length == 127 { length = try read(8).reduce(0) { $0 << 8 | Int($1) } }
        let payload = try read(length)
        switch head[0] & 0x0F {
        case 1: return .text(String(decoding: payload, as: UTF8.self))
        case 8:
            let code = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : 0
            return .close(code: code, reason: String(decoding: payload.dropFirst(2), as: UTF8.self))
        case let op: return .other(op)
        }
    }

    /// The next text message, parsed.
    func receiveJSON() async throws -> JSONValue {
        while true {
            switch try await receive() {
            case .text(let t): return try JSONValue(parsing: Array(t.utf8))
            case .close(let code, let reason): throw Failure(description: "closed \(code) \(reason)")
            case .other: continue
            }
        }
    }
}
