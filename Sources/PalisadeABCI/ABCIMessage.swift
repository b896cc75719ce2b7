import Foundation
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// A Swift value type that stands for one generated ABCI message. The socket layer converts at the
/// wire; apps only ever see the Swift side. Decoding is total: anything the Swift type cannot
/// represent is a `DecodingError` naming the message and field, never a trap.
public protocol ABCIMessage: Sendable, Hashable {
    associatedtype Proto: SwiftProtobuf.Message
    var proto: Proto { get }
    init(proto: Proto) throws(DecodingError)
}

extension MessagePath {
    /// Heights the node sends for a block being built, voted on or executed start at 1.
    func positiveHeight(_ height: Int64) throws(DecodingError) -> Int64 {
        guard height > 0 else { throw error("must be positive, got \(height)") }
        return height
    }

    /// A block hash or validator-set hash: SHA-256 sized.
    func hash(_ data: Foundation.Data) throws(DecodingError) -> Bytes {
        guard data.count == SHA256Hash.size else { throw error("\(data.count) bytes, want \(SHA256Hash.size)") }
        return data.bytes
    }
}
