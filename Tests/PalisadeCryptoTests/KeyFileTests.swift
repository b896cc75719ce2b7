import Foundation
import PalisadeCrypto
import Testing

/// `priv_validator_key.json` and `node_key.json`: CometBFT's layout out, CometBFT's files in,
/// and a named error (never a crash) for anything else.
@Suite struct KeyFileTests {
    /// RFC 8032 TEST 1's key in CometBFT's file format, computed independently (Python's base64/hashlib).
    static let privateValue = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg=="
    static let publicValue = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let address = "21FE31DFA154A261626BF854046FD2271B7BED4B"

    static let cometLayout = """
        {
          "address": "\(address)",
          "pub_key": {
            "type": "tendermint/PubKeyEd25519",
            "value": "\(publicValue)"
          },
          "priv_key": {
            "type": "tendermint/PrivKeyEd25519",
            "value": "\(privateValue)"
          }
        }
        """

    static func key() throws -> PrivValidatorKey {
        PrivValidatorKey(privateKey: try #require(Ed25519PrivateKey(seed: Ed25519Tests.seed1)))
    }

    /// Builds a key file from parts so each test can break exactly one field.
    static func file(address: String = "\"\(address)\"",
                     pubKey: String = #"{"type": "tendermint/PubKeyEd25519", "value": "\#(publicValue)"}"#,
                     privKey: String = #"{"type": "tendermint/PrivKeyEd25519", "value": "\#(privateValue)"}"#) -> Data {
        Data(#"{"address": \#(address), "pub_key": \#(pubKey), "priv_key": \#(privKey)}"#.utf8)
    }

    static func decodeError(_ data: Data, fileName: String = PrivValidatorKey.fileName) -> String? {
        do {
            _ = try PrivValidatorKey(jsonData: data, fileName: fileName)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func writesCometBFTsLayout() throws {
        let key = try Self.key()
        #expect(String(decoding: key.jsonData(), as: UTF8.self) == Self.cometLayout)
        #expect(key.address.description == Self.address)
    }

    @Test func roundTrips() throws {
        var generator = CountingGenerator()
        for _ in 0..<5 {
            let key = PrivValidatorKey.generate(using: &generator)
            #expect(try PrivValidatorKey(jsonData: key.jsonData()) == key)
        }
    }

    @Test func readsAHandWrittenFile() throws {
        // Different key order, lower-case address, odd whitespace, an unknown extra field.
        let text = """
            { "priv_key":{"value":"\(Self.privateValue)","type":"tendermint/PrivKeyEd25519"},
              "comment": "validator 0",
              "pub_key" : {"type":"tendermint/PubKeyEd25519","value":"\(Self.publicValue)"},
              "address":"\(Self.address.lowercased())" }
            """
        let key = try PrivValidatorKey(jsonData: Data(text.utf8))
        #expect(key == (try Self.key()))
        #expect(try PrivValidatorKey(jsonData: Data(Self.cometLayout.utf8)) == (try Self.key()))
    }

    @Test(arguments: [
        (Data(#"{"address": "#.utf8), "priv_validator_key.json: not valid JSON"),
        (Data("[]".utf8), "priv_validator_key.json: expected a JSON object, got an array"),
        (Data(#"{"address": "\#(KeyFileTests.address)", "pub_key": {"type": "tendermint/PubKeyEd25519", "value": "\#(KeyFileTests.publicValue)"}}"#.utf8),
         "priv_validator_key.json: priv_key: missing"),
        (KeyFileTests.file(privKey: #""secret""#), "priv_validator_key.json: priv_key: expected an object, got a string"),
        (KeyFileTests.file(privKey: #"{"type": "tendermint/PrivKeyEd25519"}"#), "priv_validator_key.json: priv_key.value: missing"),
        (KeyFileTests.file(privKey: #"{"type": "tendermint/PrivKeyEd25519", "value": 42}"#),
         "priv_validator_key.json: priv_key.value: expected a string, got a number"),
        (KeyFileTests.file(privKey: #"{"type": "tendermint/PrivKeyEd25519", "value": "not*base64"}"#),
         "priv_validator_key.json: priv_key.value: not valid base64"),
        (KeyFileTests.file(privKey: #"{"type": "tendermint/PrivKeyEd25519", "value": "\#(KeyFileTests.publicValue)"}"#),
         "priv_validator_key.json: priv_key.value: expected 64 bytes, got 32"),
        (KeyFileTests.file(privKey: #"{"type": "tendermint/PrivKeySecp256k1", "value": "\#(KeyFileTests.privateValue)"}"#),
         #"priv_validator_key.json: priv_key.type: unsupported key type "tendermint/PrivKeySecp256k1"; expected "tendermint/PrivKeyEd25519""#),
        (KeyFileTests.file(privKey: #"{"type": "tendermint/PrivKeyEd25519", "value": "\#(KeyFileTests.privateValue.replacingOccurrences(of: "Gg==", with: "Gw=="))"}"#),
         "priv_validator_key.json: priv_key.value: the last 32 bytes are not the public key of the first 32 (the seed)"),
        (KeyFileTests.file(pubKey: #"{"type": "tendermint/PubKeyEd25519", "value": "bNNlGls5R25wC3Sd8720F/3+7IZBhXcD22MNFtPk/v0="}"#),
         "priv_validator_key.json: pub_key.value: does not match the public key of priv_key"),
        (KeyFileTests.file(pubKey: #"{"type": "tendermint/PubKeyEd25519", "value": "\#(KeyFileTests.privateValue)"}"#),
         "priv_validator_key.json: pub_key.value: expected 32 bytes, got 64"),
        (KeyFileTests.file(pubKey: "null"), "priv_validator_key.json: pub_key: expected an object, got null"),
        (KeyFileTests.file(address: #""2DD9F44FD9067555C322243C3C913BA7B51D2BE0""#),
         "priv_validator_key.json: address: 2DD9F44FD9067555C322243C3C913BA7B51D2BE0 does not match the key's address \(KeyFileTests.address)"),
        (KeyFileTests.file(address: #""2DD9F44FD9067555C322243C3C913BA7B51D2B""#), "priv_validator_key.json: address: expected 20 bytes, got 19"),
        (KeyFileTests.file(address: #""ZZ""#), "priv_validator_key.json: address: not valid hex"),
        (KeyFileTests.file(address: "[]"), "priv_validator_key.json: address: expected a string, got an array"),
    ])
    func malformedFilesNameTheField(data: Data, expected: String) {
        #expect(Self.decodeError(data) == expected)
    }

    @Test func errorsUseTheGivenFileName() {
        #expect(Self.decodeError(Data("{}".utf8), fileName: "/home/v0/config/priv_validator_key.json")
            == "/home/v0/config/priv_validator_key.json: priv_key: missing")
    }

    @Test func everyTruncationIsANamedError() {
        let whole = Data(Self.cometLayout.utf8)
        for length in 0..<whole.count {
            let error = Self.decodeError(whole.prefix(length))
            #expect(error?.hasPrefix("priv_validator_key.json: ") == true, "length \(length): \(error ?? "decoded")")
        }
    }

    @Test func hostileInputsAreRejectedWithoutCrashing() {
        var generator = CountingGenerator()
        let block = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) })
        var garbage = Data(capacity: 10 << 20)
        for _ in 0..<2560 { garbage.append(block) }
        #expect(Self.decodeError(garbage) == "priv_validator_key.json: file is 10485760 bytes; a key file is at most 65536")
        #expect(Self.decodeError(garbage.prefix(60_000)) == "priv_validator_key.json: not valid JSON")
        // Deep nesting must not exhaust the stack.
        #expect(Self.decodeError(Data(repeating: UInt8(ascii: "["), count: 60_000)) == "priv_validator_key.json: not valid JSON")
        let nested = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        #expect(Self.decodeError(Data(nested.utf8))?.hasPrefix("priv_validator_key.json: ") == true)
        #expect(Self.decodeError(Data([0xff, 0xfe, 0x00, 0x7b])) == "priv_validator_key.json: not valid JSON")
        #expect(Self.decodeError(Data()) == "priv_validator_key.json: not valid JSON")
        #expect(Self.decodeError(Data("null".utf8)) == "priv_validator_key.json: expected a JSON object, got null")
        #expect(Self.decodeError(Data(#"{"priv_key": {"type": "tendermint/PrivKeyEd25519", "value": "\#(String(repeating: "A", count: 60_000))"}}"#.utf8))
            == "priv_validator_key.json: priv_key.value: expected 64 bytes, got 45000")
    }
}

@Suite struct NodeKeyTests {
    @Test func writesCometBFTsCompactLayout() throws {
        let key = NodeKey(privateKey: try #require(Ed25519PrivateKey(seed: Ed25519Tests.seed1)))
        #expect(String(decoding: key.jsonData(), as: UTF8.self)
            == #"{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"\#(KeyFileTests.privateValue)"}}"#)
        #expect(key.id == KeyFileTests.address.lowercased())
        #expect(key.id == NodeKey.id(of: key.publicKey))
    }

    @Test func roundTripsAndReadsAnIndentedFile() throws {
        var generator = CountingGenerator()
        let key = NodeKey.generate(using: &generator)
        #expect(try NodeKey(jsonData: key.jsonData()) == key)
        let indented = """
            {
              "priv_key": {
                "type": "tendermint/PrivKeyEd25519",
                "value": "\(KeyFileTests.privateValue)"
              }
            }
            """
        #expect(try NodeKey(jsonData: Data(indented.utf8)).id == "21fe31dfa154a261626bf854046fd2271b7bed4b")
    }

    @Test func malformedFilesNameTheFileAndField() {
        func error(_ text: String) -> String? {
            do {
                _ = try NodeKey(jsonData: Data(text.utf8))
                return nil
            } catch {
                return error.description
            }
        }
        #expect(error("{") == "node_key.json: not valid JSON")
        #expect(error("{}") == "node_key.json: priv_key: missing")
        #expect(error(#"{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"AAAA"}}"#)
            == "node_key.json: priv_key.value: expected 64 bytes, got 3")
        #expect(error(#"{"priv_key":{"type":1,"value":"AAAA"}}"#) == "node_key.json: priv_key.type: expected a string, got a number")
    }
}

@Suite struct KeyRedactionTests {
    @Test func privateKeysNeverPrintTheirBytes() throws {
        let privateKey = try #require(Ed25519PrivateKey(seed: Ed25519Tests.seed1))
        let seedHex = Ed25519Tests.seed1.hex
        var dumped = ""
        dump(PrivValidatorKey(privateKey: privateKey), to: &dumped)
        dump(NodeKey(privateKey: privateKey), to: &dumped)
        dump(privateKey, to: &dumped)
        let printed = [
            "\(privateKey)", String(reflecting: privateKey), "\(PrivValidatorKey(privateKey: privateKey))",
            String(reflecting: NodeKey(privateKey: privateKey)), dumped,
        ]
        for text in printed {
            #expect(!text.lowercased().contains(seedHex.prefix(16)))
            #expect(!text.contains(KeyFileTests.privateValue.prefix(16)))
            #expect(!text.contains("157\n"), "no decimal byte list of the seed (0x9d = 157 first): \(text)")
        }
        #expect("\(PrivValidatorKey(privateKey: privateKey))" == "PrivValidatorKey(address: \(KeyFileTests.address), <redacted>)")
    }
}
