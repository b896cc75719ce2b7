import Foundation
import PalisadeABCI
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// State sync's messages on channels 0x60 (snapshot requests and advertisements) and 0x61 (chunk
/// requests and chunks), `Proto/palisade/p2p/messages.proto`, CometBFT's `tendermint.statesync`
/// field numbers. Decoding checks shape only; whether a chunk is one we asked for is the
/// syncer's question.
enum StateSyncMessage: Sendable, Equatable {
    case snapshotsRequest
    case snapshotsResponse(Snapshot)
    case chunkRequest(height: UInt64, format: UInt32, index: UInt32)
    case chunkResponse(ChunkResponse)

    struct ChunkResponse: Sendable, Equatable {
        var height: UInt64
        var format: UInt32
        var index: UInt32
        var chunk: Bytes
        /// The peer does not have the chunk (any more): ask someone else, not a fault.
        var missing: Bool
    }

    /// The channel a message travels on: advertisements on one, bulk chunk bytes on the other,
    /// so a peer streaming chunks never delays the small discovery messages.
    var channel: UInt8 {
        switch self {
        case .snapshotsRequest, .snapshotsResponse: NodeChannel.snapshot
        case .chunkRequest, .chunkResponse: NodeChannel.chunk
        }
    }

    func encoded() -> Bytes {
        var message = Palisade_P2p_StateSyncMessage()
        switch self {
        case .snapshotsRequest:
            message.snapshotsRequest = Palisade_P2p_SnapshotsRequest()
        case .snapshotsResponse(let snapshot):
            var response = Palisade_P2p_SnapshotsResponse()
            response.height = snapshot.height
            response.format = snapshot.format
            response.chunks = snapshot.chunks
            response.hash = Data(snapshot.hash)
            response.metadata = Data(snapshot.metadata)
            message.snapshotsResponse = response
        case let .chunkRequest(height, format, index):
            var request = Palisade_P2p_ChunkRequest()
            request.height = height
            request.format = format
            request.index = index
            message.chunkRequest = request
        case .chunkResponse(let chunk):
            var response = Palisade_P2p_ChunkResponse()
            response.height = chunk.height
            response.format = chunk.format
            response.index = chunk.index
            response.chunk = Data(chunk.chunk)
            response.missing = chunk.missing
            message.chunkResponse = response
        }
        return CanonicalEncoding.encode(message)
    }

    /// Refuses an undecodable message, a height of 0 and an advertised snapshot with no chunks
    /// (CometBFT's `validateMsg`): such a message can only come from a faulty peer.
    init(decoding bytes: Bytes) throws(DecodingError) {
        let message: Palisade_P2p_StateSyncMessage
        do { message = try Palisade_P2p_StateSyncMessage(serializedBytes: bytes) } catch {
            throw DecodingError(message: "StateSyncMessage", field: "", reason: "not a valid protobuf message")
        }
        switch message.sum {
        case .snapshotsRequest?:
            self = .snapshotsRequest
        case .snapshotsResponse(let response)?:
            guard response.height > 0 else { throw Self.zeroHeight("SnapshotsResponse") }
            guard response.chunks > 0 else {
                throw DecodingError(message: "SnapshotsResponse", field: "chunks", reason: "a snapshot has at least one chunk")
            }
            self = .snapshotsResponse(Snapshot(height: response.height, format: response.format, chunks: response.chunks,
                                               hash: Bytes(response.hash), metadata: Bytes(response.metadata)))
        case .chunkRequest(let request)?:
            guard request.height > 0 else { throw Self.zeroHeight("ChunkRequest") }
            self = .chunkRequest(height: request.height, format: request.format, index: request.index)
        case .chunkResponse(let response)?:
            guard response.height > 0 else { throw Self.zeroHeight("ChunkResponse") }
            self = .chunkResponse(ChunkResponse(height: response.height, format: response.format, index: response.index,
                                                chunk: Bytes(response.chunk), missing: response.missing))
        case nil:
            throw DecodingError(message: "StateSyncMessage", field: "sum", reason: "empty")
        }
    }

    private static func zeroHeight(_ message: String) -> DecodingError {
        DecodingError(message: message, field: "height", reason: "0 is not a snapshot height")
    }
}
