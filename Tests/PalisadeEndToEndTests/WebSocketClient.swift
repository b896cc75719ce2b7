import Foundation

/// The client half of RFC 6455, just enough for JSON-RPC subscriptions: the upgrade handshake,
/// masked text frames out, text frames in (fragmented or not), pings answered. Hand-made because
/// URLSessionWebSocketTask needs a libcurl built with WebSocket support, and Debian's is not.
/// Blocking; call it from `offPool`.
final class WebSocketClient: @unchecked Sendable {
    let socket: LoopbackSocket
    private var pending: [UInt8] = []

    init(port: Int, path: String = "/websocket", timeout: Int = 30) throws {
        socket = try LoopbackSocket(port: port, timeout: timeout)
        var nonce = SystemRandomNumberGenerator()
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &nonce) }).base64EncodedString()
        try socket.send(Array(("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        let end = Array("\r\n\r\n".utf8)
        while pending.firstRange(of: end) == nil {
            let chunk = try socket.receive()
            guard !chunk.isEmpty else { throw LocalnetError("WebSocket upgrade: connection closed") }
            pending += chunk
        }
        guard let headEnd = pending.firstRange(of: end) else { throw LocalnetError("unreachable") }
        let head = String(decoding: pending[..<headEnd.lowerBound], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else { throw LocalnetError("WebSocket upgrade refused: \(head)") }
        pending.removeSubrange(..<headEnd.upperBound)
    }

    func close() { socket.close() }

    func sendText(_ text: String) throws { try sendFrame(opcode: 0x1, payload: Array(text.utf8)) }

    private func sendFrame(opcode: UInt8, payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        switch payload.count {
        case ..<126: frame.append(0x80 | UInt8(payload.count))
        case ..<65_536: frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> (UInt64($0) * 8)) & 0xFF) }
        }
        var generator = SystemRandomNumberGenerator()
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try socket.send(frame)
    }

    /// The next text message; nil when the server closed (close frame or end of stream).
    /// Throws `LoopbackSocket.Failure.timedOut` when nothing comes within the socket timeout.
    func receiveText() throws -> String? {
        var message: [UInt8] = []
        while true {
            guard let (fin, opcode, payload) = try nextFrame() else { return nil }
            switch opcode {
            case 0x8: return nil
            case 0x9: try sendFrame(opcode: 0xA, payload: payload)
            case 0xA: continue
            case 0x0, 0x1, 0x2:
                message += payload
                if fin { return String(decoding: message, as: UTF8.self) }
            default: throw LocalnetError("WebSocket: unknown opcode \(opcode)")
            }
        }
    }

    /// The next JSON message.
    func receiveJSON() throws -> JSONTree? {
        guard let text = try receiveText() else { return nil }
        return try JSONTree(parsing: Data(text.utf8))
    }

    private func nextFrame() throws -> (fin: Bool, opcode: UInt8, payload: [UInt8])? {
        guard let head = try take(2) else { return nil }
        var length = UInt64(head[1] & 0x7F)
        if length == 126 {
            guard let extended = try take(2) else { return nil }
            length = extended.reduce(0) { $0 << 8 | UInt64($1) }
        } else if length == 127 {
            guard let extended = try take(8) else { return nil }
            length = extended.reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard head[1] & 0x80 == 0 else { throw LocalnetError("WebSocket: the server masked a frame") }
        guard length <= 64 << 20 else { throw LocalnetError("WebSocket: a \(length)-byte frame") }
        guard let payload = try take(Int(length)) else { return nil }
        return (head[0] & 0x80 != 0, head[0] & 0x0F, payload)
    }

    private func take(_ count: Int) throws -> [UInt8]? {
        while pending.count < count {
            let chunk = try socket.receive()
            if chunk.isEmpty { return nil }
            pending += chunk
        }
        let out = Array(pending[..<count])
        pending.removeFirst(count)
        return out
    }
}
