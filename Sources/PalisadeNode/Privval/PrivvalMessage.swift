import Foundation
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// A refusal or failure a signer reports in place of a signature (`tendermint.privval.RemoteSignerError`).
/// CometBFT's own signer answers every refusal with code 0 and the error's text.
public struct RemoteSignerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32
    public var description: String

    public init(code: Int32 = 0, description: String) {
        self.code = code
        self.description = description
    }
}

/// What a node asks its signer (CometBFT v0.38 `tendermint.privval.Message`, requests side).
public enum PrivvalRequest: Sendable, Equatable {
    case pubKey(chainID: String)
    /// The vote without signatures; a non-nil precommit may carry its extension, which the
    /// signer signs too (`extension_signature`), as v0.38's `SignVote` does.
    case signVote(Vote, chainID: String)
    case signProposal(Proposal, chainID: String)
    case ping
}

/// What a signer answers, one response per request, in order.
public enum PrivvalResponse: Sendable, Equatable {
    case pubKey(Result<Ed25519PublicKey, RemoteSignerError>)
    case signedVote(Result<Vote, RemoteSignerError>)
    case signedProposal(Result<Proposal, RemoteSignerError>)
    case ping
}

/// A privval message that could not be read: not protobuf, an unknown or absent kind, the wrong
/// side's message, or a vote or proposal that fails CometBFT's basic checks. The connection that
/// sent it is closed: request and response are matched by order only, so a lost message
/// desynchronises the stream for good.
public struct PrivvalDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { "malformed privval message: \(reason)" }
}

extension PrivvalRequest {
    public var message: Tendermint_Privval_Message {
        var m = Tendermint_Privval_Message()
        switch self {
        case .pubKey(let chainID):
            var r = Tendermint_Privval_PubKeyRequest()
            r.chainID = chainID
            m.pubKeyRequest = r
        case let .signVote(vote, chainID):
            var r = Tendermint_Privval_SignVoteRequest()
            r.vote = vote.proto
            r.chainID = chainID
            m.signVoteRequest = r
        case let .signProposal(proposal, chainID):
            var r = Tendermint_Privval_SignProposalRequest()
            r.proposal = proposal.proto
            r.chainID = chainID
            m.signProposalRequest = r
        case .ping:
            m.pingRequest = Tendermint_Privval_PingRequest()
        }
        return m
    }

    public var serializedBytes: Bytes { CanonicalEncoding.encode(message) }

    /// A request as the signer reads it; a vote or proposal must pass the unsigned form of
    /// CometBFT's `ValidateBasic`.
    public init(serializedBytes bytes: Bytes) throws(PrivvalDecodingError) {
        let m = try Self.decode(bytes)
        do {
            switch m.sum {
            case .pubKeyRequest(let r): self = .pubKey(chainID: r.chainID)
            case .signVoteRequest(let r): self = .signVote(try Vote(unsignedProto: r.vote), chainID: r.chainID)
            case .signProposalRequest(let r):
                self = .signProposal(try Proposal(unsignedProto: r.proposal), chainID: r.chainID)
            case .pingRequest: self = .ping
            case .pubKeyResponse, .signedVoteResponse, .signedProposalResponse, .pingResponse:
                throw PrivvalDecodingError(reason: "a response where a request was expected")
            case nil: throw PrivvalDecodingError(reason: "empty message")
            }
        } catch let error as PrivvalDecodingError {
            throw error
        } catch {
            throw PrivvalDecodingError(reason: "\(error)")
        }
    }

    static func decode(_ bytes: Bytes) throws(PrivvalDecodingError) -> Tendermint_Privval_Message {
        do { return try Tendermint_Privval_Message(serializedBytes: bytes) } catch {
            throw PrivvalDecodingError(reason: "\(error)")
        }
    }
}

extension PrivvalResponse {
    public var message: Tendermint_Privval_Message {
        var m = Tendermint_Privval_Message()
        switch self {
        case .pubKey(let result):
            var r = Tendermint_Privval_PubKeyResponse()
            switch result {
            case .success(let key): r.pubKey.ed25519 = Data(key.bytes)
            case .failure(let error):
                r.pubKey = Tendermint_Crypto_PublicKey()
                r.error = error.proto
            }
            m.pubKeyResponse = r
        case .signedVote(let result):
            var r = Tendermint_Privval_SignedVoteResponse()
            switch result {
            case .success(let vote): r.vote = vote.proto
            case .failure(let error):
                r.vote = Self.emptyVote
                r.error = error.proto
            }
            m.signedVoteResponse = r
        case .signedProposal(let result):
            var r = Tendermint_Privval_SignedProposalResponse()
            switch result {
            case .success(let proposal): r.proposal = proposal.proto
            case .failure(let error):
                r.proposal = Self.emptyProposal
                r.error = error.proto
            }
            m.signedProposalResponse = r
        case .ping:
            m.pingResponse = Tendermint_Privval_PingResponse()
        }
        return m
    }

    public var serializedBytes: Bytes { CanonicalEncoding.encode(message) }

    /// A response as the node reads it. The signed vote or proposal must pass CometBFT's basic
    /// checks; whether its signature is the validator's is the node's next question.
    public init(serializedBytes bytes: Bytes) throws(PrivvalDecodingError) {
        let m = try PrivvalRequest.decode(bytes)
        do {
            switch m.sum {
            case .pubKeyResponse(let r):
                if r.hasError { self = .pubKey(.failure(RemoteSignerError(r.error))); return }
                guard case .ed25519(let raw)? = r.pubKey.sum, let key = Ed25519PublicKey(bytes: Bytes(raw)) else {
                    throw PrivvalDecodingError(reason: "pub_key: want a 32-byte ed25519 key")
                }
                self = .pubKey(.success(key))
            case .signedVoteResponse(let r):
                if r.hasError { self = .signedVote(.failure(RemoteSignerError(r.error))); return }
                self = .signedVote(.success(try Vote(proto: r.vote)))
            case .signedProposalResponse(let r):
                if r.hasError { self = .signedProposal(.failure(RemoteSignerError(r.error))); return }
                self = .signedProposal(.success(try Proposal(proto: r.proposal)))
            case .pingResponse: self = .ping
            case .pubKeyRequest, .signVoteRequest, .signProposalRequest, .pingRequest:
                throw PrivvalDecodingError(reason: "a request where a response was expected")
            case nil: throw PrivvalDecodingError(reason: "empty message")
            }
        } catch let error as PrivvalDecodingError {
            throw error
        } catch {
            throw PrivvalDecodingError(reason: "\(error)")
        }
    }

    /// The vote Go's encoder writes beside an error: its non-nullable block ID and timestamp are
    /// present, empty and Go's zero time. Readers ignore it; writing it keeps our bytes CometBFT's.
    private static var emptyVote: Tendermint_Types_Vote {
        var vote = Tendermint_Types_Vote()
        vote.blockID.partSetHeader = Tendermint_Types_PartSetHeader()
        vote.timestamp = Google_Protobuf_Timestamp(seconds: Timestamp.goZero.seconds, nanos: 0)
        return vote
    }

    /// As `emptyVote`, for a proposal.
    private static var emptyProposal: Tendermint_Types_Proposal {
        var proposal = Tendermint_Types_Proposal()
        proposal.blockID.partSetHeader = Tendermint_Types_PartSetHeader()
        proposal.timestamp = Google_Protobuf_Timestamp(seconds: Timestamp.goZero.seconds, nanos: 0)
        return proposal
    }
}

extension RemoteSignerError {
    init(_ proto: Tendermint_Privval_RemoteSignerError) {
        self.init(code: proto.code, description: proto.description_p)
    }

    var proto: Tendermint_Privval_RemoteSignerError {
        var p = Tendermint_Privval_RemoteSignerError()
        p.code = code
        p.description_p = description
        return p
    }
}
