import PalisadeCrypto
@testable import PalisadeP2P
import Testing

@Suite("Secure stream")
struct SecureStreamTests {
    /// Both directions of a fresh session between two nodes.
    func session(maxMessageSize: Int = WireProtocol.defaultMaxMessageSize) throws
        -> (aSends: FrameSealer, bReads: SecureStreamReader, bSends: FrameSealer, aReads: SecureStreamReader) {
        var a = makeHandshake(makeNodeKey(1), expecting: nil, seed: 10)
        var b = makeHandshake(makeNodeKey(2), expecting: nil, seed: 11)
        let (outA, outB) = try completeHandshake(&a, &b)
        let (sealA, openA) = outA.makeStream(maxMessageSize: maxMessageSize)
        let (sealB, openB) = outB.makeStream(maxMessageSize: maxMessageSize)
        return (sealA, SecureStreamReader(opener: openB), sealB, SecureStreamReader(opener: openA))
    }

    @Test func manyFramesRoundTripBothWaysInArbitraryPieces() throws {
        var (aSends, bReads, bSends, aReads) = try session()
        var generator = SeededGenerator(seed: 5)
        var wireAB = Bytes(), wireBA = Bytes()
        var sent: [InboundMessage] = []
        for index in 0..<500 {
            let message = InboundMessage(channel: UInt8(index % 7), bytes: payload(index: index, size: (index * 131) % 3000))
            sent.append(message)
            wireAB += try aSends.seal(channel: message.channel, message: message.bytes)
            wireBA += try bSends.seal(channel: message.channel, message: message.bytes)
        }
        #expect(aSends.counter == 501)
        let receivedByB = try feed(wireAB, into: &bReads, using: &generator)
        let receivedByA = try feed(wireBA, into: &aReads, using: &generator)
        #expect(receivedByB == sent)
        #expect(receivedByA == sent)
        #expect(bReads.counter == 501)
        #expect(aReads.counter == 501)
        try bReads.finish()
    }

    func feed(_ wire: Bytes, into reader: inout SecureStreamReader, using generator: inout SeededGenerator) throws -> [InboundMessage] {
        var received: [InboundMessage] = []
        var offset = 0
        while offset < wire.count {
            let piece = min(wire.count - offset, Int.random(in: 1...4000, using: &generator))
            reader.append(Bytes(wire[offset..<(offset + piece)]))
            offset += piece
            while let message = try reader.next() { received.append(message) }
        }
        return received
    }

    @Test func sameMessageNeverEncryptsTheSameWay() throws {
        var (aSends, _, _, _) = try session()
        let first = try aSends.seal(channel: 1, message: [1, 2, 3])
        let second = try aSends.seal(channel: 1, message: [1, 2, 3])
        #expect(first != second)
        #expect(ChaCha20Poly1305.nonce(counter: 0x0102) == [0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func flippedCiphertextBitFails() throws {
        var (aSends, bReads, _, _) = try session()
        var frame = try aSends.seal(channel: 3, message: payload(index: 1, size: 100))
        frame[frame.count - 20] ^= 0x04
        bReads.append(frame)
        #expect(throws: P2PError.frameDecryptFailed(counter: 1)) { try bReads.next() }
    }

    @Test func reorderedOrReplayedFrameFails() throws {
        var (aSends, bReads, _, _) = try session()
        let first = try aSends.seal(channel: 0, message: [1])
        let second = try aSends.seal(channel: 0, message: [2])
        var replay = bReads
        bReads.append(second)
        #expect(throws: P2PError.frameDecryptFailed(counter: 1)) { try bReads.next() }
        replay.append(first + first)
        #expect(try replay.next() == InboundMessage(channel: 0, bytes: [1]))
        #expect(throws: P2PError.frameDecryptFailed(counter: 2)) { try replay.next() }
    }

    @Test func oversizedLengthPrefixFailsBeforeTheBody() throws {
        var (_, bReads, _, _) = try session(maxMessageSize: 1024)
        // 2^30 announced; only the 5 prefix bytes ever arrive.
        bReads.append(FrameLength.encode(1 << 30))
        #expect(throws: P2PError.frameTooLarge(length: 1 << 30, limit: 1024 + 17)) { try bReads.next() }
        // The limit is checked as soon as the partial value exceeds it, even with the prefix incomplete.
        #expect(throws: P2PError.frameTooLarge(length: 16383, limit: 1041)) { try FrameLength.parse([0xff, 0xff], limit: 1041) }
        #expect(try FrameLength.parse(FrameLength.encode(1041), limit: 1041) == .length(body: 1041, prefixBytes: 2))
    }

    @Test func sealRefusesOversizedMessages() throws {
        var (aSends, _, _, _) = try session(maxMessageSize: 10)
        #expect(throws: P2PError.messageTooLarge(size: 11, limit: 10)) { try aSends.seal(channel: 0, message: Bytes(repeating: 0, count: 11)) }
        #expect(aSends.counter == 1)
        _ = try aSends.seal(channel: 0, message: Bytes(repeating: 0, count: 10))
    }

    @Test func malformedLengthPrefixesFail() throws {
        #expect(throws: P2PError.malformedLength) { try FrameLength.parse([0x81, 0x00], limit: 1 << 20) }
        #expect(throws: P2PError.malformedLength) { try FrameLength.parse([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], limit: 1 << 20) }
        #expect(try FrameLength.parse([0x80, 0x80], limit: 1 << 20) == .needMoreBytes)
        var (_, bReads, _, _) = try session()
        bReads.append([0x05, 1, 2, 3, 4, 5])
        #expect(throws: P2PError.frameTooShort(length: 5)) { try bReads.next() }
    }

    @Test func truncatedFrameAtEndOfStream() throws {
        var (aSends, bReads, _, _) = try session()
        let frame = try aSends.seal(channel: 9, message: payload(index: 2, size: 300))
        bReads.append(Bytes(frame.dropLast()))
        #expect(try bReads.next() == nil)
        #expect(throws: P2PError.truncated(have: frame.count - 1, need: frame.count)) { try bReads.finish() }
        var partialPrefix = try session().bReads
        partialPrefix.append([0x80])
        #expect(throws: P2PError.truncated(have: 1, need: 2)) { try partialPrefix.finish() }
    }

    @Test func emptyMessagesAndAllChannelsRoundTrip() throws {
        var (aSends, bReads, _, _) = try session()
        for channel in ChannelID.min...ChannelID.max {
            bReads.append(try aSends.seal(channel: channel, message: []))
            #expect(try bReads.next() == InboundMessage(channel: channel, bytes: []))
        }
    }
}

@Suite("Nonce exhaustion")
struct NonceExhaustionTests {
    @Test func bothHalvesStopBeforeTheCounterWraps() throws {
        let key = Bytes(repeating: 7, count: ChaCha20Poly1305.keySize)
        var sealer = FrameSealer(key: key, maxMessageSize: 100, counter: UInt64.max - 1)
        var opener = FrameOpener(key: key, maxMessageSize: 100, counter: UInt64.max - 1)
        let frame = try sealer.seal(channel: 4, message: [9])
        #expect(sealer.counter == UInt64.max)
        #expect(throws: P2PError.nonceExhausted) { try sealer.seal(channel: 4, message: [9]) }
        #expect(try opener.open(body: Bytes(frame.dropFirst())) == InboundMessage(channel: 4, bytes: [9]))
        #expect(throws: P2PError.nonceExhausted) { try opener.open(body: Bytes(frame.dropFirst())) }
    }
}
