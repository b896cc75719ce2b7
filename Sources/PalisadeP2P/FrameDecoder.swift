import NIOCore
import PalisadeCrypto

/// Splits the inbound byte stream into frames and decrypts them. The limit is checked on the
/// length prefix alone, so an oversized frame is refused before its body is buffered.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = InboundMessage

    private var opener: FrameOpener

    init(opener: FrameOpener) { self.opener = opener }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard case .length(let body, let prefix) = try opener.parseLength(view.prefix(FrameLength.maxPrefixBytes)),
              view.count - prefix >= body else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: prefix)
        guard let ciphertext = buffer.readBytes(length: body) else { return .needMoreData }
        let message = try opener.open(body: ciphertext)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData, seenEOF, buffer.readableBytes > 0 {
            let have = buffer.readableBytes
            var need = have + 1
            if case .length(let body, let prefix) = try opener.parseLength(buffer.readableBytesView.prefix(FrameLength.maxPrefixBytes)) {
                need = prefix + body
            }
            buffer.moveReaderIndex(forwardBy: have)
            throw P2PError.truncated(have: have, need: need)
        }
        return state
    }
}
