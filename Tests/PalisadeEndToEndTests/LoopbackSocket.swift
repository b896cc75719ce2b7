import Foundation
import Glibc

/// A blocking TCP connection to a loopback port, for what URLSession cannot do: stream a body
/// by hand, speak WebSocket frames, see a connection being closed. Every call waits at most
/// `timeout` seconds (SO_RCVTIMEO/SO_SNDTIMEO); the socket is closed on `close()` or deinit.
/// Not thread-safe: one thread uses it at a time.
final class LoopbackSocket: @unchecked Sendable {
    private(set) var fd: Int32

    enum Failure: Error, CustomStringConvertible {
        /// The peer reset or closed the connection while we were writing.
        case closedByPeer(Int32)
        case timedOut(String)
        case system(String, Int32)

        var description: String {
            switch self {
            case .closedByPeer(let code): "connection closed by the server (\(String(cString: strerror(code))))"
            case .timedOut(let what): "\(what) timed out"
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            }
        }
    }

    init(port: Int, timeout: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.system("socket", errno) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close()
            throw Failure.system("connect to 127.0.0.1:\(port)", code)
        }
    }

    deinit { close() }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Writes all of `bytes`. MSG_NOSIGNAL: a closed peer is an error here, not a SIGPIPE.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EPIPE || code == ECONNRESET { throw Failure.closedByPeer(code) }
                if code == EAGAIN || code == EWOULDBLOCK { throw Failure.timedOut("send") }
                throw Failure.system("send", code)
            }
            offset += sent
        }
    }

    /// The next bytes that arrive; empty at end of stream.
    func receive(max: Int = 65_536) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
            if count >= 0 { return Array(buffer[0..<count]) }
            let code = errno
            if code == EINTR { continue }
            if code == ECONNRESET { throw Failure.closedByPeer(code) }
            if code == EAGAIN || code == EWOULDBLOCK { throw Failure.timedOut("receive") }
            throw Failure.system("recv", code)
        }
    }

    /// Everything until the peer closes (an HTTP/1.1 answer with `Connection: close`).
    func receiveAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let chunk = try receive()
            if chunk.isEmpty { return out }
            out += chunk
        }
    }
}

/// Runs blocking socket work on a thread of its own, so a test waiting on a socket never holds
/// one of the two threads of the cooperative pool that every other test shares.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
