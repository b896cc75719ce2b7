import NIOCore
import NIOEmbedded
import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// The NIO frame decoder on an in-memory channel: the same rules as `SecureStreamReader`.
@Suite("Frame decoder")
struct FrameDecoderTests {
    func pipeline(maxMessageSize: Int = 1024) throws -> (FrameSealer, EmbeddedChannel) {
        var a = makeHandshake(makeNodeKey(1), expecting: nil, seed: 10)
        var b = makeHandshake(makeNodeKey(2), expecting: nil, seed: 11)
        let (outA, outB) = try completeHandshake(&a, &b)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(FrameDecoder(opener: outB.makeStream(maxMessageSize: maxMessageSize).1)))
        return (outA.makeStream(maxMessageSize: maxMessageSize).0, channel)
    }

    @Test func framesSplitAcrossReadsAreReassembled() throws {
        var (sealer, channel) = try pipeline()
        var wire = Bytes()
        for index in 0..<20 { wire += try sealer.seal(channel: UInt8(index), message: payload(index: index, size: index * 40)) }
        for piece in stride(from: 0, to: wire.count, by: 33) {
            try channel.writeInbound(channel.allocator.buffer(bytes: wire[piece..<min(piece + 33, wire.count)]))
        }
        for index in 0..<20 {
            let message = try #require(try channel.readInbound(as: InboundMessage.self))
            #expect(message == InboundMessage(channel: UInt8(index), bytes: payload(index: index, size: index * 40)))
        }
        #expect(try channel.finish().isClean)
    }

    @Test func oversizedPrefixIsAnError() throws {
        let (_, channel) = try pipeline()
        #expect(throws: P2PError.frameTooLarge(length: 1 << 20, limit: 1041)) {
            try channel.writeInbound(channel.allocator.buffer(bytes: FrameLength.encode(1 << 20)))
        }
        _ = try? channel.finish()
    }

    @Test func tamperedFrameIsAnError() throws {
        var (sealer, channel) = try pipeline()
        var frame = try sealer.seal(channel: 1, message: [1, 2, 3])
        frame[3] ^= 0x10
        #expect(throws: P2PError.frameDecryptFailed(counter: 1)) {
            try channel.writeInbound(channel.allocator.buffer(bytes: frame))
        }
        _ = try? channel.finish()
    }

    @Test func endOfStreamInsideAFrameIsAnError() throws {
        var (sealer, channel) = try pipeline()
        let frame = try sealer.seal(channel: 1, message: [1, 2, 3])
        try channel.writeInbound(channel.allocator.buffer(bytes: frame.dropLast()))
        #expect(throws: P2PError.truncated(have: frame.count - 1, need: frame.count)) {
            _ = try channel.finish()
        }
    }
}
