import Foundation
import PalisadeCrypto
import PalisadeProto
import SwiftProtobuf

/// How CometBFT turns each header field into a merkle leaf: scalar fields are wrapped in the
/// well-known wrapper messages (`StringValue`, `Int64Value`, `BytesValue`) and the structured ones
/// are their own protobuf messages, so a zero field contributes empty bytes, never nothing.
enum HeaderHashing {
    static func leaves(of header: Header) -> [Bytes] {
        var version = Tendermint_Version_Consensus()
        version.block = header.version.block
        version.app = header.version.app
        return [
            CanonicalEncoding.encode(version),
            CanonicalEncoding.encode(Google_Protobuf_StringValue(header.chainID)),
            CanonicalEncoding.encode(Google_Protobuf_Int64Value(header.height)),
            CanonicalEncoding.encode(header.time.proto),
            CanonicalEncoding.encode(header.lastBlockID.proto),
            bytesValue(header.lastCommitHash),
            bytesValue(header.dataHash),
            bytesValue(header.validatorsHash),
            bytesValue(header.nextValidatorsHash),
            bytesValue(header.consensusHash),
            bytesValue(header.appHash),
            bytesValue(header.lastResultsHash),
            bytesValue(header.evidenceHash),
            bytesValue(header.proposerAddress.bytes),
        ]
    }

    private static func bytesValue(_ bytes: Bytes) -> Bytes {
        CanonicalEncoding.encode(Google_Protobuf_BytesValue(bytes.data))
    }
}
