import Foundation
import PalisadeTypes
import SwiftProtobuf

/// Protobuf bytes in and out for the two envelope messages, `Request` and `Response`.
enum ABCIWire {
    /// `tendermint.abci.Request`'s oneof fields (4, 7, 9, 10 are reserved: removed methods).
    static let requestFields: [Int: String] = [
        1: "echo", 2: "flush", 3: "info", 5: "init_chain", 6: "query", 8: "check_tx", 11: "commit",
        12: "list_snapshots", 13: "offer_snapshot", 14: "load_snapshot_chunk", 15: "apply_snapshot_chunk",
        16: "prepare_proposal", 17: "process_proposal", 18: "extend_vote", 19: "verify_vote_extension",
        20: "finalize_block",
    ]

    /// `tendermint.abci.Response`'s oneof fields (5, 8, 10, 11 are reserved).
    static let responseFields: [Int: String] = [
        1: "exception", 2: "echo", 3: "flush", 4: "info", 6: "init_chain", 7: "query", 9: "check_tx", 12: "commit",
        13: "list_snapshots", 14: "offer_snapshot", 15: "load_snapshot_chunk", 16: "apply_snapshot_chunk",
        17: "prepare_proposal", 18: "process_proposal", 19: "extend_vote", 20: "verify_vote_extension",
        21: "finalize_block",
    ]

    static func encode<M: SwiftProtobuf.Message>(_ message: M) -> Bytes {
        // Serializing a message built in memory only fails for unset required fields, which proto3
        // does not have; an empty result would be rejected by the peer, never silently accepted.
        (try? message.serializedBytes()) ?? []
    }

    /// swift-protobuf says what went wrong but not where; on failure the envelope's framing is
    /// walked to name the method field at fault.
    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from bytes: Bytes, message: String,
                                                 fieldNames: [Int: String]) throws(DecodingError) -> M {
        do {
            return try M(serializedBytes: bytes)
        } catch {
            let reason = "malformed protobuf (\(error))"
            guard let number = culprit(bytes) else {
                throw DecodingError(message: message, field: "(message)", reason: reason)
            }
            throw DecodingError(message: message, field: fieldNames[number] ?? "field \(number)", reason: reason)
        }
    }

    /// The number of the first top-level field whose framing is broken; if the framing is sound
    /// the fault is inside a method's message, and in a oneof envelope the last length-delimited
    /// field is the one that counts.
    static func culprit(_ bytes: Bytes) -> Int? {
        switch WireScan.framing(bytes) {
        case .broken(_, let at): return at
        case .sound(let fields): return fields.last { $0.wireType == 2 }?.number
        }
    }
}
