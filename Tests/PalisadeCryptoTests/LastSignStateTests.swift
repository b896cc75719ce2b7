import Foundation
import PalisadeCrypto
import Testing

@Suite struct LastSignStateTests {
    static let signature = Bytes(repeating: 0xAB, count: 64)
    static let signBytes = Bytes(hex: "6a080211")!

    static func decodeError(_ text: String) -> String? {
        do {
            _ = try LastSignState(jsonData: Data(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: file format

    @Test func freshStateMatchesCometBFTsFile() throws {
        let text = String(decoding: LastSignState.initial.jsonData(), as: UTF8.self)
        #expect(text == "{\n  \"height\": \"0\",\n  \"round\": 0,\n  \"step\": 0\n}")
        #expect(try LastSignState(jsonData: Data(text.utf8)) == .initial)
    }

    @Test func signedStateLayoutAndRoundTrip() throws {
        let state = LastSignState(height: 12, round: 1, step: .precommit, signature: Self.signature, signBytes: Self.signBytes)
        let text = String(decoding: state.jsonData(), as: UTF8.self)
        #expect(text == """
            {
              "height": "12",
              "round": 1,
              "step": 3,
              "signature": "\(Data(Self.signature).base64EncodedString())",
              "signbytes": "6A080211"
            }
            """)
        #expect(try LastSignState(jsonData: state.jsonData()) == state)
    }

    @Test func readsAHandWrittenFile() throws {
        let text = #"{"step": 2, "height": "9223372036854775807", "round": 2147483647, "signbytes": "6a080211", "signature": null}"#
        let state = try LastSignState(jsonData: Data(text.utf8))
        #expect(state == LastSignState(height: .max, round: .max, step: .prevote, signature: nil, signBytes: Self.signBytes))
        #expect(try LastSignState(jsonData: Data(#"{"height":"0","round":0,"step":0,"signature":"","signbytes":""}"#.utf8)) == .initial)
    }

    @Test(arguments: [
        ("{", "priv_validator_state.json: not valid JSON"),
        (#"{"round": 0, "step": 0}"#, "priv_validator_state.json: height: missing"),
        (#"{"height": 5, "round": 0, "step": 0}"#, "priv_validator_state.json: height: expected a string, got a number"),
        (#"{"height": "five", "round": 0, "step": 0}"#, #"priv_validator_state.json: height: expected an integer in a string, got "five""#),
        (#"{"height": "9223372036854775808", "round": 0, "step": 0}"#,
         #"priv_validator_state.json: height: expected an integer in a string, got "9223372036854775808""#),
        (#"{"height": "-1", "round": 0, "step": 0}"#, "priv_validator_state.json: height: must not be negative, got -1"),
        (#"{"height": "1", "round": "0", "step": 0}"#, "priv_validator_state.json: round: expected an integer, got a string"),
        (#"{"height": "1", "round": 1.5, "step": 0}"#, "priv_validator_state.json: round: expected an integer, got a number"),
        (#"{"height": "1", "round": 2147483648, "step": 0}"#, "priv_validator_state.json: round: 2147483648 is out of range for Int32"),
        (#"{"height": "1", "round": -1, "step": 0}"#, "priv_validator_state.json: round: must not be negative, got -1"),
        (#"{"height": "1", "round": 0}"#, "priv_validator_state.json: step: missing"),
        (#"{"height": "1", "round": 0, "step": true}"#, "priv_validator_state.json: step: expected an integer, got a boolean"),
        (#"{"height": "1", "round": 0, "step": 4}"#,
         "priv_validator_state.json: step: expected 0 (none), 1 (propose), 2 (prevote) or 3 (precommit), got 4"),
        (#"{"height": "1", "round": 0, "step": 300}"#, "priv_validator_state.json: step: 300 is out of range for Int8"),
        (#"{"height": "1", "round": 0, "step": 2, "signature": "***"}"#, "priv_validator_state.json: signature: not valid base64"),
        (#"{"height": "1", "round": 0, "step": 2, "signature": "AAAA"}"#, "priv_validator_state.json: signature: expected 64 bytes, got 3"),
        (#"{"height": "1", "round": 0, "step": 2, "signbytes": "ABC"}"#, "priv_validator_state.json: signbytes: not valid hex"),
        (#"{"height": "1", "round": 0, "step": 2, "signbytes": 7}"#, "priv_validator_state.json: signbytes: expected a string, got a number"),
    ])
    func malformedFilesNameTheField(text: String, expected: String) {
        #expect(Self.decodeError(text) == expected)
    }

    @Test func truncationsAndGarbageAreNamedErrors() throws {
        let whole = LastSignState(height: 3, round: 0, step: .prevote, signature: Self.signature, signBytes: Self.signBytes).jsonData()
        for length in 0..<whole.count {
            let error = Self.decodeError(String(decoding: whole.prefix(length), as: UTF8.self))
            #expect(error?.hasPrefix("priv_validator_state.json: ") == true, "length \(length)")
        }
        do {
            _ = try LastSignState(jsonData: Data(repeating: 0x41, count: 10 << 20), fileName: "data/priv_validator_state.json")
            Issue.record("10 MB of garbage decoded")
        } catch {
            #expect(error == KeyFileError(file: "data/priv_validator_state.json", field: "",
                                          reason: "file is 10485760 bytes; a key file is at most 65536"))
        }
    }

    // MARK: the double-sign guard

    static let last = LastSignState(height: 10, round: 2, step: .prevote, signature: signature, signBytes: signBytes)

    @Test func regressionsAreRefused() {
        #expect(throws: SignRefusal.heightRegression(height: 9, lastHeight: 10)) {
            try Self.last.check(height: 9, round: 5, step: .precommit)
        }
        #expect(throws: SignRefusal.roundRegression(height: 10, round: 1, lastRound: 2)) {
            try Self.last.check(height: 10, round: 1, step: .precommit)
        }
        #expect(throws: SignRefusal.stepRegression(height: 10, round: 2, step: .propose, lastStep: .prevote)) {
            try Self.last.check(height: 10, round: 2, step: .propose)
        }
    }

    @Test func laterRequestsAreFresh() throws {
        #expect(try Self.last.check(height: 11, round: 0, step: .propose) == .fresh)
        #expect(try Self.last.check(height: 10, round: 3, step: .none) == .fresh)
        #expect(try Self.last.check(height: 10, round: 2, step: .precommit) == .fresh)
        #expect(try LastSignState.initial.check(height: 1, round: 0, step: .propose) == .fresh)
        #expect(try LastSignState.initial.check(height: 0, round: 0, step: .propose) == .fresh)
    }

    @Test func theSameStepHandsBackTheRecord() throws {
        #expect(try Self.last.check(height: 10, round: 2, step: .prevote)
            == .alreadySigned(signBytes: Self.signBytes, signature: Self.signature))
        var withoutBytes = Self.last
        withoutBytes.signBytes = nil
        #expect(throws: SignRefusal.missingSignBytes(height: 10, round: 2, step: .prevote)) {
            try withoutBytes.check(height: 10, round: 2, step: .prevote)
        }
        var withoutSignature = Self.last
        withoutSignature.signature = []
        #expect(throws: SignRefusal.missingSignature(height: 10, round: 2, step: .prevote)) {
            try withoutSignature.check(height: 10, round: 2, step: .prevote)
        }
    }

    @Test func isRegressionIsLexicographicOnHeightRoundStep() {
        #expect(Self.last.isRegression(height: 9, round: 100, step: .precommit))
        #expect(Self.last.isRegression(height: 10, round: 1, step: .precommit))
        #expect(Self.last.isRegression(height: 10, round: 2, step: .propose))
        #expect(!Self.last.isRegression(height: 10, round: 2, step: .prevote))
        #expect(!Self.last.isRegression(height: 10, round: 2, step: .precommit))
        #expect(!Self.last.isRegression(height: 10, round: 3, step: .none))
        #expect(!Self.last.isRegression(height: 11, round: 0, step: .none))
    }

    @Test func recordingReplacesEverything() {
        let next = Self.last.recording(height: 10, round: 2, step: .precommit, signBytes: [1], signature: [2])
        #expect(next == LastSignState(height: 10, round: 2, step: .precommit, signature: [2], signBytes: [1]))
        #expect(SignRefusal.heightRegression(height: 9, lastHeight: 10).description
            == "height regression: asked to sign height 9, last signed 10")
    }
}
