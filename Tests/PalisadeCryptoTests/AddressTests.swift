import Foundation
import PalisadeCrypto
import Testing

@Suite struct AddressTests {
    /// A real CometBFT 0.38 genesis pairs this validator key with this address.
    @Test func addressFromCometBFTGenesis() throws {
        let genesis = try Fixtures.json("cometbft-0.38-rpc/genesis.json")
        let result = try #require(genesis["result"] as? [String: Any])
        let validators = try #require((result["genesis"] as? [String: Any])?["validators"] as? [[String: Any]])
        let validator = try #require(validators.first)
        let pubKey = try #require((validator["pub_key"] as? [String: Any])?["value"] as? String)
        #expect(pubKey == "bNNlGls5R25wC3Sd8720F/3+7IZBhXcD22MNFtPk/v0=")
        let raw = try #require(Data(base64Encoded: pubKey))
        let key = try #require(Ed25519PublicKey(bytes: Bytes(raw)))
        #expect(key.address.description == "2DD9F44FD9067555C322243C3C913BA7B51D2BE0")
        #expect(key.address.description == validator["address"] as? String)
        #expect(key.address.bytes.count == Address.size)
    }

    @Test func addressIsTheFirst20BytesOfTheKeysHash() throws {
        let key = try #require(Ed25519PrivateKey(seed: Ed25519Tests.seed1)).publicKey
        #expect(key.address.bytes == Bytes(SHA256Hash.digest(key.bytes).prefix(20)))
        #expect(key.address.description == "21FE31DFA154A261626BF854046FD2271B7BED4B")
    }
}
