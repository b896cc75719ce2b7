import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

@Suite struct KVTransactionTests {
    let key = Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32))!.publicKey

    @Test func keyValueForms() throws {
        #expect(try KVTransaction.parse(Array("name=satoshi".utf8)) == .set(key: Array("name".utf8), value: Array("satoshi".utf8)))
        #expect(try KVTransaction.parse(Array("name:satoshi".utf8)) == .set(key: Array("name".utf8), value: Array("satoshi".utf8)))
        #expect(try KVTransaction.parse(Array("abc".utf8)) == .set(key: Array("abc".utf8), value: Array("abc".utf8)))
    }

    @Test(arguments: ["", "=v", "k=", ":v", "k:", "a=b=c", "a:b:c", "a=b:c"])
    func malformedTxsAreRejected(_ tx: String) {
        #expect(throws: KVTransaction.FormatError.self) { try KVTransaction.parse(Array(tx.utf8)) }
    }

    @Test func validatorTxs() throws {
        let b64 = Data(key.bytes).base64EncodedString()
        #expect(try KVTransaction.parse(Array("val=\(b64)!10".utf8)) == .validator(ValidatorUpdate(publicKey: key, power: 10)))
        #expect(try KVTransaction.parse(Array("val:\(b64)!0".utf8)) == .validator(ValidatorUpdate(publicKey: key, power: 0)))
        #expect(KVTransaction.validatorTx(ValidatorUpdate(publicKey: key, power: 3)) == Array("val=\(b64)!3".utf8))
        for bad in ["val=\(b64)!-1", "val=\(b64)!x", "val=\(b64)", "val=AAAA!5", "val=%%%!5", "val=\(b64)!1!2"] {
            #expect(throws: KVTransaction.FormatError.self, "\(bad)") { try KVTransaction.parse(Array(bad.utf8)) }
        }
    }

    @Test func canonicalFormUsesEquals() {
        #expect(KVTransaction.canonical(Array("a:b".utf8)) == Array("a=b".utf8))
        #expect(KVTransaction.canonical(Array("a=b".utf8)) == Array("a=b".utf8))
    }
}

@Suite struct KVStateHashTests {
    /// The documented layout, rebuilt by hand: RFC 6962 leaf hash is SHA-256(0x00 ‖ leaf), and a
    /// two-leaf root is SHA-256(0x01 ‖ left ‖ right).
    @Test func appHashFollowsItsDocumentedLayout() {
        #expect(KVState().appHash == SHA256Hash.digest([]))
        let pairLeaf: Bytes = [0x01, 0x01, 0x61, 0x01, 0x62]  // "a" -> "b"
        #expect(KVState(pairs: [[0x61]: [0x62]]).appHash == SHA256Hash.digest([0x00] + pairLeaf))
        let key = Ed25519PrivateKey(seed: Bytes(repeating: 5, count: 32))!.publicKey
        let validatorLeaf: Bytes = [0x02] + key.bytes + [0, 0, 0, 0, 0, 0, 0x01, 0x00]  // power 256
        let expected = SHA256Hash.digest([0x01] + SHA256Hash.digest([0x00] + pairLeaf) + SHA256Hash.digest([0x00] + validatorLeaf))
        #expect(KVState(pairs: [[0x61]: [0x62]], validators: [key: 256]).appHash == expected)
        // Height and size are not hashed.
        #expect(KVState(height: 9, size: 4, pairs: [[0x61]: [0x62]]).appHash == SHA256Hash.digest([0x00] + pairLeaf))
    }
}
