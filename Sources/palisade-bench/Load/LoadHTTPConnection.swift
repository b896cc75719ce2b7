import Foundation

/// One keep-alive HTTP/1.1 connection with blocking I/O, used by one thread at a time. A load
/// generator's connections are few (one thread each keeps its pacing exact without an
/// executor between the clock and the socket), so this is all the client it needs.
final class LoadHTTPConnection {
    enum Failure: Error, CustomStringConvertible {
        case connect(String, Int32), io(String, Int32), closed, malformed(String)

        var description: String {
            switch self {
            case .connect(let to, let errno): "connect \(to): \(String(cString: strerror(errno)))"
            case .io(let what, let errno): "\(what): \(String(cString: strerror(errno)))"
            case .closed: "the server closed the connection"
            case .malformed(let why): "malformed HTTP response: \(why)"
            }
        }
    }

    /// A response larger than this is refused: the biggest we ask for is one `/block`.
    static let maxResponseBytes = 256 << 20

    let endpoint: LoadEndpoint
    private var socket: Int32 = -1
    private var buffer: [UInt8] = []

    init(_ endpoint: LoadEndpoint) { self.endpoint = endpoint }

    deinit { if socket >= 0 { close(socket) } }

    /// POSTs `body` to `/` (JSON-RPC) and returns the response body.
    func post(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        try exchange(head: "POST / HTTP/1.1\r\nHost: \(endpoint.host)\r\nContent-Type: application/json\r\n"
                     + "Content-Length: \(body.count)\r\n\r\n", body: body)
    }

    /// GETs `path` (a URI-style RPC call such as `/block?height=5`) and returns the response body.
    func get(_ path: String) throws(Failure) -> [UInt8] {
        try exchange(head: "GET \(path) HTTP/1.1\r\nHost: \(endpoint.host)\r\n\r\n", body: [])
    }

    /// One request and its response; a connection the server closed is reopened once, since
    /// a keep-alive connection may be closed between requests.
    private func exchange(head: String, body: [UInt8]) throws(Failure) -> [UInt8] {
        let request = Array(head.utf8) + body
        let reused = socket >= 0
        do {
            if socket < 0 { try open() }
            try send(request)
            return try readResponse()
        } catch {
            reset()
            guard reused else { throw error }
            try open()
            try send(request)
            return try readResponse()
        }
    }

    private func open() throws(Failure) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .io("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = endpoint.port.bigEndian
        _ = inet_pton(AF_INET, endpoint.host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close(fd)
            throw .connect(endpoint.description, error)
        }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        socket = fd
        buffer.removeAll(keepingCapacity: true)
    }

    private func reset() {
        if socket >= 0 { close(socket) }
        socket = -1
        buffer.removeAll(keepingCapacity: true)
    }

    private func send(_ bytes: [UInt8]) throws(Failure) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw n == 0 ? .closed : .io("send", errno) }
            sent += n
        }
    }

    /// Reads more bytes into `buffer`.
    private func fill() throws(Failure) {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw n == 0 ? .closed : .io("recv", errno) }
        buffer.append(contentsOf: chunk[..<n])
        guard buffer.count <= Self.maxResponseBytes else { throw .malformed("over \(Self.maxResponseBytes) bytes") }
    }

    private func readResponse() throws(Failure) -> [UInt8] {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: separator)?.upperBound
            if headEnd == nil { try fill() }
        }
        guard let headEnd else { throw .malformed("no header end") }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        if let lengthLine = lines.first(where: { $0.hasPrefix("content-length:") }) {
            guard let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                  length >= 0, length <= Self.maxResponseBytes else { throw .malformed("content-length") }
            while buffer.count < headEnd + length { try fill() }
            let body = Array(buffer[headEnd..<(headEnd + length)])
            buffer.removeFirst(headEnd + length)
            return body
        }
        guard lines.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) else {
            throw .malformed("neither content-length nor chunked")
        }
        return try readChunks(from: headEnd)
    }

    /// A chunked body starting at `start`: size lines in hex, each chunk, a zero-size end.
    private func readChunks(from start: Int) throws(Failure) -> [UInt8] {
        var body: [UInt8] = []
        var at = start
        let crlf: [UInt8] = [13, 10]
        while true {
            var lineEnd = buffer[at...].firstRange(of: crlf)
            while lineEnd == nil { try fill(); lineEnd = buffer[at...].firstRange(of: crlf) }
            guard let lineEnd else { throw .malformed("chunk size") }
            let sizeText = String(decoding: buffer[at..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size >= 0,
                  body.count + size <= Self.maxResponseBytes else { throw .malformed("chunk size \(sizeText)") }
            at = lineEnd.upperBound
            while buffer.count < at + size + 2 { try fill() }
            body.append(contentsOf: buffer[at..<(at + size)])
            at += size + 2
            if size == 0 { break }
        }
        buffer.removeFirst(at)
        return body
    }
}
