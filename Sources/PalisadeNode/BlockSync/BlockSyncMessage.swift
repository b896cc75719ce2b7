import Foundation
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// Block sync's messages on channel 0x40 (`Proto/palisade/p2p/messages.proto`). A block travels
/// as chunks of at most `chunkBytes`, so a block of any size up to `block.max_bytes` fits the
/// P2P layer's message limit (4 MiB), which a whole block in one message did not.
enum BlockSyncMessage: Sendable, Equatable {
    case request(height: Int64)
    case noBlock(height: Int64)
    /// `extendedCommit`: at a height with vote extensions, chunk 0 carries the extended commit
    /// (CometBFT's `BlockResponse.ext_commit`), and `commit` is its plain commit; empty otherwise.
    case chunk(height: Int64, index: Int, total: Int, data: Bytes, commit: Bytes, extendedCommit: Bytes)

    /// 1 MiB: a quarter of the frame limit, so a chunk plus its commit (a few KB per 100
    /// validators) always fits, and one block's chunks interleave with other channels' messages.
    static let chunkBytes = 1 << 20

    /// 2 MiB: the most an extended commit may take, so chunk 0 (1 MiB of block, the commit, the
    /// extended commit) stays under the 4 MiB frame limit. Extensions are the app's bytes with no
    /// bound of their own; a height whose extended commit is larger cannot be block-synced from
    /// us and is answered "no block".
    static let maxExtendedCommitBytes = 2 << 20

    /// The chunks that carry `block`, the first with `commit` (or `extended`'s commit and `extended`).
    static func chunks(of block: Block, commit: Commit, extended: ExtendedCommit? = nil) -> [BlockSyncMessage]? {
        chunks(height: block.header.height, blockBytes: block.protobuf, commit: commit, extended: extended)
    }

    /// The chunks that carry the block at `height` encoded as `bytes`, the first with the commit.
    /// With `extended` (a height with vote extensions), its plain commit is the one sent, so the
    /// receiver gets a commit and extensions that line up. Nil when `extended` exceeds
    /// `maxExtendedCommitBytes`.
    static func chunks(height: Int64, blockBytes bytes: Bytes, commit: Commit,
                       extended: ExtendedCommit? = nil) -> [BlockSyncMessage]? {
        let total = max(1, (bytes.count + chunkBytes - 1) / chunkBytes)
        let encodedCommit = extended?.commit.protobuf ?? commit.protobuf
        let encodedExtended = extended?.protobuf ?? []
        guard encodedExtended.count <= maxExtendedCommitBytes else { return nil }
        return (0..<total).map { index in
            let start = index * chunkBytes
            let end = min(bytes.count, start + chunkBytes)
            return .chunk(height: height, index: index, total: total, data: Array(bytes[start..<end]),
                          commit: index == 0 ? encodedCommit : [], extendedCommit: index == 0 ? encodedExtended : [])
        }
    }

    func encoded() -> Bytes {
        var message = Palisade_P2p_BlockSyncMessage()
        switch self {
        case .request(let height):
            var request = Palisade_P2p_BlockRequest()
            request.height = height
            message.blockRequest = request
        case .noBlock(let height):
            var none = Palisade_P2p_NoBlockResponse()
            none.height = height
            message.noBlockResponse = none
        case let .chunk(height, index, total, data, commit, extendedCommit):
            var chunk = Palisade_P2p_BlockChunk()
            chunk.height = height
            chunk.index = UInt32(clamping: index)
            chunk.total = UInt32(clamping: total)
            chunk.data = Data(data)
            chunk.commit = Data(commit)
            chunk.extendedCommit = Data(extendedCommit)
            message.blockChunk = chunk
        }
        return CanonicalEncoding.encode(message)
    }

    /// Heights must be positive; sizes are checked by the pool, which knows the limits.
    init(decoding bytes: Bytes) throws(DecodingError) {
        let message: Palisade_P2p_BlockSyncMessage
        do { message = try Palisade_P2p_BlockSyncMessage(serializedBytes: bytes) } catch {
            throw DecodingError(message: "BlockSyncMessage", field: "", reason: "not a valid protobuf message")
        }
        switch message.sum {
        case .blockRequest(let request)?:
            guard request.height > 0 else { throw Self.badHeight("BlockRequest", request.height) }
            self = .request(height: request.height)
        case .noBlockResponse(let none)?:
            guard none.height > 0 else { throw Self.badHeight("NoBlockResponse", none.height) }
            self = .noBlock(height: none.height)
        case .blockChunk(let chunk)?:
            guard chunk.height > 0 else { throw Self.badHeight("BlockChunk", chunk.height) }
            self = .chunk(height: chunk.height, index: Int(chunk.index), total: Int(chunk.total), data: Bytes(chunk.data),
                          commit: Bytes(chunk.commit), extendedCommit: Bytes(chunk.extendedCommit))
        case nil:
            throw DecodingError(message: "BlockSyncMessage", field: "sum", reason: "empty")
        }
    }

    private static func badHeight(_ message: String, _ height: Int64) -> DecodingError {
        DecodingError(message: message, field: "height", reason: "\(height) is not a positive height")
    }
}
