import NIOCore
import PalisadeABCI

/// The socket's framing: a message body preceded by its length as an unsigned varint (protobuf's
/// base-128 encoding, at most 10 bytes for a 64-bit value). CometBFT frames its privval (remote
/// signer) stream the same way, so the node's signer connection uses these too.
public enum ABCIFrame {
    /// Appends `body` with its length prefix.
    public static func write(_ body: Bytes, to buffer: inout ByteBuffer) {
        var length = UInt64(body.count)
        while length >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        buffer.writeInteger(UInt8(length))
        buffer.writeBytes(body)
    }

    /// One framed message in a fresh buffer.
    public static func buffer(_ body: Bytes, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: body.count + 10)
        write(body, to: &buffer)
        return buffer
    }
}

/// Why a stream of frames cannot be read any further. Both are fatal to the connection: once the
/// framing is lost there is no way to find the next message.
public enum ABCIFrameError: Error, Equatable, CustomStringConvertible {
    /// The length prefix is not a valid varint (more than 10 bytes, or over 64 bits).
    case malformedLength
    /// The length prefix announces more than the limit; nothing of the body was buffered.
    case oversized(length: UInt64, limit: Int)

    public var description: String {
        switch self {
        case .malformedLength: "malformed frame: length prefix is not a valid unsigned varint"
        case .oversized(let length, let limit): "oversized frame: \(length) bytes announced, limit \(limit)"
        }
    }
}

/// Splits the byte stream into message bodies. The length is checked against `maxBytes` as soon
/// as the prefix is complete, so a hostile or broken peer cannot make us buffer a huge body.
public struct ABCIFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let maxBytes: Int

    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let (length, prefixBytes) = try Self.readLength(buffer) else { return .needMoreData }
        guard length <= UInt64(maxBytes) else { throw ABCIFrameError.oversized(length: length, limit: maxBytes) }
        let bodyBytes = Int(length)
        guard buffer.readableBytes >= prefixBytes + bodyBytes else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: prefixBytes)
        guard let body = buffer.readSlice(length: bodyBytes) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
    }

    /// At end of stream a partial frame is simply dropped: the connection is closing either way.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// The varint at the reader index and its size in bytes, or nil if it is not complete yet.
    static func readLength(_ buffer: ByteBuffer) throws -> (UInt64, Int)? {
        var value: UInt64 = 0
        for i in 0..<10 {
            guard let byte: UInt8 = buffer.getInteger(at: buffer.readerIndex + i) else { return nil }
            // The tenth byte holds bit 63 only; anything more would overflow 64 bits.
            if i == 9, byte > 1 { throw ABCIFrameError.malformedLength }
            value |= UInt64(byte & 0x7F) << UInt64(7 * i)
            if byte & 0x80 == 0 { return (value, i + 1) }
        }
        throw ABCIFrameError.malformedLength
    }
}
