import NIOCore
import NIOPosix
import PalisadeABCI
@testable import PalisadeABCISocket

/// What the fake app does with one request.
enum FakeReply: Sendable {
    /// Answer as a well-behaved app would.
    case normal
    case respond(ABCIResponse)
    /// Write these bytes as they are (no length prefix added).
    case raw(Bytes)
    /// Close the socket without answering.
    case close
}

/// A scripted ABCI app that misbehaves on demand, to see what the client makes of it.
final class FakeABCIServer: Sendable {
    let address: ABCIAddress
    private let listener: any Channel

    private init(address: ABCIAddress, listener: any Channel) {
        self.address = address
        self.listener = listener
    }

    static func start(_ script: @escaping @Sendable (ABCIRequest) -> FakeReply) async throws -> FakeABCIServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ABCIFrameDecoder(maxBytes: 1 << 20)))
                    try channel.pipeline.syncOperations.addHandler(Handler(script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeABCIServer(address: .tcp(host: "127.0.0.1", port: listener.localAddress?.port ?? 0), listener: listener)
    }

    func close() async { try? await listener.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let script: @Sendable (ABCIRequest) -> FakeReply

        init(script: @escaping @Sendable (ABCIRequest) -> FakeReply) { self.script = script }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let request = try? ABCIRequest(serializedBytes: Bytes(buffer: unwrapInboundIn(data))) else {
                context.close(promise: nil)
                return
            }
            let allocator = context.channel.allocator
            switch script(request) {
            case .normal:
                context.writeAndFlush(wrapOutboundOut(ABCIFrame.buffer(Self.normal(request).serializedBytes,
                                                                       allocator: allocator)), promise: nil)
            case .respond(let response):
                context.writeAndFlush(wrapOutboundOut(ABCIFrame.buffer(response.serializedBytes, allocator: allocator)),
                                      promise: nil)
            case .raw(let bytes):
                var buffer = allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            case .close:
                context.close(promise: nil)
            }
        }

        static func normal(_ request: ABCIRequest) -> ABCIResponse {
            switch request {
            case .echo(let message): .echo(message)
            case .flush: .flush
            case .info: .info(InfoResponse())
            case .checkTx: .checkTx(CheckTxResponse())
            case .commit: .commit(CommitResponse())
            case .finalizeBlock(let r): .finalizeBlock(FinalizeBlockResponse(txResults: r.txs.map { _ in TxResult() }, appHash: []))
            default: .exception("the fake app does not serve \(ABCIMethod(request))")
            }
        }
    }
}

/// A bare connection to a server: sends whatever bytes a test wants and collects the framed
/// responses until the server closes the socket.
final class RawABCIConnection: Sendable {
    let responses: AsyncStream<ABCIResponse?>
    private let channel: any Channel

    private init(channel: any Channel, responses: AsyncStream<ABCIResponse?>) {
        self.channel = channel
        self.responses = responses
    }

    /// `nil` in the stream stands for a response that did not decode; the stream ends when the
    /// socket closes.
    static func connect(to address: ABCIAddress) async throws -> RawABCIConnection {
        let (stream, continuation) = AsyncStream<ABCIResponse?>.makeStream()
        guard case .tcp(let host, let port) = address else { throw TestFailure("tcp only") }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ABCIFrameDecoder(maxBytes: 1 << 20)))
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation: continuation))
                }
            }
            .connect(host: host, port: port).get()
        return RawABCIConnection(channel: channel, responses: stream)
    }

    func send(_ bytes: Bytes) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeAndFlush(buffer)
    }

    func send(_ request: ABCIRequest) async throws {
        try await channel.writeAndFlush(ABCIFrame.buffer(request.serializedBytes, allocator: channel.allocator))
    }

    func close() async { try? await channel.close() }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncStream<ABCIResponse?>.Continuation

        init(continuation: AsyncStream<ABCIResponse?>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(try? ABCIResponse(serializedBytes: Bytes(buffer: unwrapInboundIn(data))))
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

extension AsyncStream where Element == ABCIResponse? {
    /// The next `count` responses, or fewer if the socket closed first.
    func first(_ count: Int) async -> [ABCIResponse?] {
        var out: [ABCIResponse?] = []
        for await response in self {
            out.append(response)
            if out.count == count { break }
        }
        return out
    }
}
