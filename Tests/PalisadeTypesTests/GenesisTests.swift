import Foundation
import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite struct GenesisTests {
    /// The `result.genesis` object of a real CometBFT 0.38 node's `/genesis` response, as raw bytes.
    static func realGenesisData() throws -> Data {
        let json = try Fixtures.json("cometbft-0.38-rpc/genesis.json")
        let result = try #require(json["result"] as? [String: Any])
        return try JSONSerialization.data(withJSONObject: try #require(result["genesis"]))
    }

    static func exampleData() throws -> Data {
        try Data(contentsOf: Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Genesis/genesis.json"))
    }

    @Test func realCometBFTGenesis() throws {
        let doc = try GenesisDoc(json: try Self.realGenesisData(), fileName: "genesis.json")
        #expect(doc.chainID == "dockerchain")
        #expect(doc.initialHeight == 1)
        #expect(doc.genesisTime.rfc3339 == "2023-05-17T14:12:48.347696215Z")
        #expect(doc.consensusParams == .default)
        #expect(doc.validators.count == 1)
        #expect(doc.validators[0].power == 10)
        #expect(doc.validators[0].address.bytes.upperHex == "2DD9F44FD9067555C322243C3C913BA7B51D2BE0")
        #expect(doc.appHash.isEmpty)
        #expect(doc.appState.isEmpty)
        // Encoding and decoding again gives the same document.
        #expect(try GenesisDoc(json: doc.jsonData(), fileName: "again.json") == doc)
    }

    @Test func exampleGenesisLoadsAndRoundTripsByteForByte() throws {
        let data = try Self.exampleData()
        let doc = try GenesisDoc(json: data, fileName: "Genesis/genesis.json")
        #expect(doc.chainID == "palisade-localnet")
        #expect(doc.validators.map(\.power) == [30, 30, 20, 20])
        #expect(doc.validators.map(\.name) == ["validator-0", "validator-1", "validator-2", "validator-3"])
        #expect(doc.appState == Bytes("{}".utf8))
        #expect(doc.jsonData() == data)
    }

    @Test func exampleGenesisKeysComeFromDocumentedSeeds() throws {
        let doc = try GenesisDoc(json: try Self.exampleData(), fileName: "Genesis/genesis.json")
        for (index, validator) in doc.validators.enumerated() {
            let seed = SHA256Hash.digest(Bytes("palisade-localnet/validator-\(index)".utf8))
            let key = try #require(Ed25519PrivateKey(seed: seed))
            #expect(validator.publicKey == key.publicKey)
            #expect(validator.address == key.publicKey.address)
        }
    }

    @Test func appStateIsKeptByteForByte() throws {
        let appState = #"{ "accounts" : [ {"name":"a\u00e9", "n": 1.50e3} ],"x":null }"#
        let text = #"{"chain_id":"c","validators":[],"app_state":"# + appState + "}"
        let doc = try GenesisDoc(json: Data(text.utf8), fileName: "g.json")
        #expect(doc.appState == Bytes(appState.utf8))
        let again = try GenesisDoc(json: doc.jsonData(), fileName: "g.json")
        #expect(again.appState == Bytes(appState.utf8))
    }

    @Test func defaultsWhenOmitted() throws {
        let doc = try GenesisDoc(json: Data(#"{"chain_id":"c"}"#.utf8), fileName: "g.json")
        #expect(doc.initialHeight == 1)
        #expect(doc.consensusParams == .default)
        #expect(doc.genesisTime == .goZero)
        #expect(doc.validators.isEmpty)
    }

    static let key = "bNNlGls5R25wC3Sd8720F/3+7IZBhXcD22MNFtPk/v0="

    static func withValidator(_ validator: String, _ extra: String = "") -> String {
        #"{"chain_id":"c"\#(extra),"validators":[{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(key)"},"power":"1"},\#(validator)]}"#
    }

    static let validatorCases: [(String, String)] = [
        (#"{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"!!"},"power":"1"}"#, "validators[1].pub_key.value: not base64"),
        (#"{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"AAAA"},"power":"1"}"#, "validators[1].pub_key.value"),
        (#"{"pub_key":{"type":"tendermint/PubKeySecp256k1","value":"AAAA"},"power":"1"}"#, "validators[1].pub_key.type"),
        (#"{"power":"1"}"#, "validators[1].pub_key: missing"),
        (#"{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(key)"},"power":"0"}"#, "validators[1].power"),
        (#"{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(key)"},"power":"x"}"#, "validators[1].power"),
        (#"{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(key)"},"power":"1","address":"00"}"#, "validators[1].address"),
        (#"{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(key)"},"power":"1"}"#, "validators[1].address: 2DD9F44FD9067555C322243C3C913BA7B51D2BE0 is listed twice"),
        (#"{"address":"2DD9F44FD9067555C322243C3C913BA7B51D2BE1","pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(key)"},"power":"1"}"#, "validators[1].address"),
        (#""oops""#, "validators[1]: expected an object"),
    ]

    @Test func validatorErrorsNameFileAndPath() {
        for (validator, expected) in Self.validatorCases {
            let data = Data(Self.withValidator(validator).utf8)
            #expect(throws: GenesisError.self) { try GenesisDoc(json: data, fileName: "genesis.json") }
            do {
                _ = try GenesisDoc(json: data, fileName: "genesis.json")
            } catch {
                #expect(error.description.hasPrefix("genesis.json: " + expected), "\(error)")
            }
        }
    }

    @Test(arguments: [
        (#"{"chain_id":""}"#, "chain_id"),
        (#"{"chain_id":"\#(String(repeating: "x", count: 51))"}"#, "chain_id"),
        (#"{"chain_id":5}"#, "chain_id"),
        (#"{"chain_id":"c","initial_height":"-1"}"#, "initial_height"),
        (#"{"chain_id":"c","initial_height":"99999999999999999999"}"#, "initial_height"),
        (#"{"chain_id":"c","genesis_time":"yesterday"}"#, "genesis_time"),
        (#"{"chain_id":"c","app_hash":"xyz"}"#, "app_hash"),
        (#"{"chain_id":"c","validators":{}}"#, "validators"),
        (#"{"chain_id":"c","consensus_params":{"block":{"max_bytes":"0","max_gas":"-1"}}}"#, "consensus_params.block.max_bytes"),
        (#"{"chain_id":"c","consensus_params":{"block":[]}}"#, "consensus_params.block"),
        (#"{"chain_id":"c","consensus_params":{"block":{"max_bytes":"1000","max_gas":"-1"},"evidence":{"max_age_num_blocks":"1","max_age_duration":"1","max_bytes":"10"},"validator":{"pub_key_types":["ed25519",7]}}}"#, "consensus_params.validator.pub_key_types[1]"),
        (#"{"chain_id":"c","consensus_params":{"block":{"max_bytes":"1000","max_gas":"-1"},"evidence":{"max_age_num_blocks":"1","max_age_duration":"1","max_bytes":"10"},"validator":{"pub_key_types":[]}}}"#, "consensus_params.validator.pub_key_types"),
        (#"[1,2]"#, "(root)"),
        (#"{"chain_id":"c""#, "(json)"),
        (#"{"chain_id":"c",}"#, "(json)"),
        (#"{"chain_id":"c"} x"#, "(json)"),
        ("", "(json)"),
        (#"{"chain_id":"\ud800"}"#, "(json)"),
    ])
    func documentErrorsNameTheField(json: String, field: String) {
        do {
            _ = try GenesisDoc(json: Data(json.utf8), fileName: "genesis.json")
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.file == "genesis.json")
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func totalPowerOverflowIsRefused() {
        let big = String(Int64.max / 8)
        let json = #"{"chain_id":"c","validators":[{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"\#(Self.key)"},"power":"\#(big)"},{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"LS+mRiXiX7iqT3U1mqbhExm6IClCAObn6nngQei65z0="},"power":"1"}]}"#
        #expect { try GenesisDoc(json: Data(json.utf8), fileName: "g") } throws: {
            ($0 as? GenesisError)?.field == "validators[1].power"
        }
    }

    /// Every truncation of real files fails cleanly, and deep nesting is bounded.
    @Test func truncatedAndHostileInputsNeverCrash() throws {
        for data in [try Self.exampleData(), try Self.realGenesisData()] {
            // Dropping only the final newline leaves a complete document.
            let end = data.last == UInt8(ascii: "\n") ? data.count - 1 : data.count
            for cut in 0..<end {
                #expect(throws: GenesisError.self) { try GenesisDoc(json: data.prefix(cut), fileName: "g") }
            }
        }
        let deep = #"{"chain_id":"c","app_state":"# + String(repeating: "[", count: 100_000)
        #expect(throws: GenesisError.self) { try GenesisDoc(json: Data(deep.utf8), fileName: "g") }
        #expect(throws: GenesisError.self) { try GenesisDoc(json: Data([0xFF, 0xFE, 0x00]), fileName: "g") }
    }
}
