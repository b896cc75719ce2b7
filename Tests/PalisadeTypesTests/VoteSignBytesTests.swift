import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite struct VoteSignBytesTests {
    /// CometBFT's `TestVoteSignBytesTestVectors`: every case, including type 0 (unknown), which our
    /// `Vote` cannot represent, so the canonical encoder is driven directly.
    @Test func cometBFTVectors() throws {
        let vectors = try #require(try Fixtures.json("vectors.json")["vote_sign_bytes"] as? [[String: Any]])
        #expect(vectors.count == 6)
        for vector in vectors {
            let rawType = try #require(vector["type"] as? Int)
            let height = Int64(try #require(vector["height"] as? Int))
            let round = Int32(try #require(vector["round"] as? Int))
            let chainID = try #require(vector["chain_id"] as? String)
            let bytes: Bytes
            if let type = SignedMsgType(rawValue: Int32(rawType)) {
                bytes = CanonicalEncoding.voteSignBytes(chainID: chainID, type: type, height: height, round: round,
                                                        blockID: .zero, timestamp: .goZero)
            } else {
                bytes = CanonicalEncoding.unknownTypeVoteSignBytes(chainID: chainID, height: height, round: round,
                                                                   timestamp: .goZero)
            }
            #expect(bytes.hex == vector["sign_bytes_hex"] as? String, "\(vector["case"] ?? "")")
        }
    }
}
