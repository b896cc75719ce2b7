import Logging
import NIOCore
import PalisadeABCISocket
import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes
import Synchronization

/// The signer's answers: the file signer's double-sign guard behind CometBFT's privval requests.
/// Shared by every connection the signer process makes in its life (one at a time), under one
/// lock, so two requests never race on the state file.
public final class PrivvalAnswerer: Sendable {
    public let chainID: String
    public let publicKey: Ed25519PublicKey
    private let signer: Mutex<FilePrivValidator>

    public init(signer: FilePrivValidator, chainID: String) {
        self.chainID = chainID
        self.publicKey = signer.key.publicKey
        self.signer = Mutex(signer)
    }

    /// The response to `request`. A signature leaves only after the state file holds it
    /// (`FilePrivValidator` fsyncs before it returns); anything refused or failed is a
    /// `RemoteSignerError`, as CometBFT's signer answers (code 0, the error's text).
    public func answer(_ request: PrivvalRequest) -> PrivvalResponse {
        switch request {
        case .ping:
            return .ping
        case .pubKey(let chainID):
            if let error = check(chainID) { return .pubKey(.failure(error)) }
            return .pubKey(.success(publicKey))
        case let .signVote(vote, chainID):
            if let error = check(chainID) { return .signedVote(.failure(error)) }
            return .signedVote(signer.withLock { signer in
                do {
                    var signed = try signer.signVote(vote, chainID: chainID)
                    // v0.38: a precommit for a block has its extension signed, even an empty one.
                    if signed.isExtendable { signed = signer.signVoteExtension(signed, chainID: chainID) }
                    return .success(signed)
                } catch {
                    return .failure(RemoteSignerError(description: "\(error)"))
                }
            })
        case let .signProposal(proposal, chainID):
            if let error = check(chainID) { return .signedProposal(.failure(error)) }
            return .signedProposal(signer.withLock { signer in
                do { return .success(try signer.signProposal(proposal, chainID: chainID)) } catch {
                    return .failure(RemoteSignerError(description: "\(error)"))
                }
            })
        }
    }

    /// A request for another chain is refused: its sign bytes would be valid there, not here.
    private func check(_ requested: String) -> RemoteSignerError? {
        requested == chainID ? nil
            : RemoteSignerError(description: "want chain ID \"\(chainID)\", the request names \"\(requested)\"")
    }
}

/// The signer's end of a connection to a node: each framed request is answered in order. The
/// answer is computed on the event loop (a state-file fsync, about a millisecond): the signer
/// process serves one node and has nothing else for the loop to do meanwhile. A request that
/// cannot be read closes the connection; the signer then dials again.
final class PrivvalSignerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let answerer: PrivvalAnswerer
    private let logger: Logger

    init(answerer: PrivvalAnswerer, logger: Logger) {
        self.answerer = answerer
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request: PrivvalRequest
        do {
            request = try PrivvalRequest(serializedBytes: Bytes(buffer: unwrapInboundIn(data)))
        } catch {
            logger.warning("closing the node connection: \(error)")
            context.close(promise: nil)
            return
        }
        let response = answerer.answer(request)
        if let refusal = response.refusal { logger.warning("refused: \(refusal)") }
        let frame = ABCIFrame.buffer(response.serializedBytes, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("node connection failed: \(error)")
        context.close(promise: nil)
    }
}

extension PrivvalResponse {
    /// The refusal carried, if any.
    var refusal: RemoteSignerError? {
        switch self {
        case .pubKey(.failure(let error)), .signedVote(.failure(let error)), .signedProposal(.failure(let error)): error
        case .pubKey(.success), .signedVote(.success), .signedProposal(.success), .ping: nil
        }
    }
}
