import NIOCore
import PalisadeABCI
@testable import PalisadeABCISocket
import Testing

@Suite("ABCI socket server")
struct ServerTests {
    @Test func appErrorBecomesAnExceptionResponseInOrder() async throws {
        let server = try await ABCISocketServer.start(serving: FailingApplication(), at: .tcp(host: "127.0.0.1", port: 0))
        let raw = try await RawABCIConnection.connect(to: server.localAddress)
        try await raw.send(.finalizeBlock(ClientFailureTests.block))
        try await raw.send(.echo("after"))
        try await raw.send(.flush)
        let responses = await raw.responses.first(3)
        #expect(responses == [.exception("disk on fire"), .echo("after"), .flush])
        await raw.close()
        await server.close()
    }

    /// Garbage on one connection closes that connection only.
    @Test func malformedFrameClosesOnlyThatConnection() async throws {
        let server = try await ABCISocketServer.start(serving: RecordingApplication(), at: .tcp(host: "127.0.0.1", port: 0))
        let bad = try await RawABCIConnection.connect(to: server.localAddress)
        let good = try await RawABCIConnection.connect(to: server.localAddress)
        try await bad.send(Bytes(repeating: 0xFF, count: 11))
        #expect(await bad.responses.first(1).isEmpty)  // closed without an answer
        try await good.send(.echo("still here"))
        try await good.send(.flush)
        #expect(await good.responses.first(2) == [.echo("still here"), .flush])
        await good.close()
        await server.close()
    }

    @Test func undecodableRequestsCloseTheConnection() async throws {
        let server = try await ABCISocketServer.start(serving: RecordingApplication(), at: .tcp(host: "127.0.0.1", port: 0),
                                                      maxFrameBytes: 1000)
        for bytes: Bytes in [
            [0],                       // an empty Request: no method set
            [2, 0xAA, 0x01],           // finalize_block field with a truncated body
            [0xE9, 0x07] + Bytes(repeating: 0, count: 1001),  // 1001 bytes, over the limit
        ] {
            let raw = try await RawABCIConnection.connect(to: server.localAddress)
            try await raw.send(bytes)
            #expect(await raw.responses.first(1).isEmpty, "\(bytes.prefix(3))")
            await raw.close()
        }
        await server.close()
    }

    @Test func closeEndsOpenConnections() async throws {
        let server = try await ABCISocketServer.start(serving: RecordingApplication(), at: .tcp(host: "127.0.0.1", port: 0))
        let client = try await ABCISocketClient.connect(to: server.localAddress)
        _ = try await client.echo("x")
        await server.close()
        await server.waitUntilClosed()
        await #expect(throws: ABCIClientError.self) { _ = try await client.commit() }
    }

    @Test func frameLengthPrefix() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        ABCIFrame.write(Bytes(repeating: 7, count: 300), to: &buffer)
        #expect(buffer.readableBytes == 302)
        #expect(buffer.getBytes(at: 0, length: 2) == [0xAC, 0x02])
        let (length, size) = try #require(try ABCIFrameDecoder.readLength(buffer))
        #expect(length == 300)
        #expect(size == 2)
        var partial = ByteBufferAllocator().buffer(capacity: 0)
        partial.writeBytes([0x80])
        #expect(try ABCIFrameDecoder.readLength(partial) == nil)
    }
}
