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
    static let zero = Bytes(repeating: 0, count: 32)

    /// The documented layout (`KVTreeLayout`, `SparseMerkleTree`), rebuilt by hand: a leaf is
    /// SHA-256(0x00 ‖ path ‖ valueHash), an inner node SHA-256(0x01 ‖ left ‖ right), the empty
    /// subtree 32 zero bytes. (Before issue #14 this was an RFC 6962 root over sorted entries.)
    @Test func appHashFollowsItsDocumentedLayout() async throws {
        #expect(await KVStoreApplication().appHash == Self.zero)
        let pairPath = SHA256Hash.digest([0x01] + Array("a".utf8))
        let pairLeaf = SHA256Hash.digest([0x00] + pairPath + SHA256Hash.digest(Array("b".utf8)))
        var one = Driver()
        #expect(try await one.block(["a=b"]).appHash == pairLeaf)

        let key = try #require(Ed25519PrivateKey(seed: Bytes(repeating: 5, count: 32))).publicKey
        let validatorPath = SHA256Hash.digest([0x02] + key.bytes)
        let validatorLeaf = SHA256Hash.digest([0x00] + validatorPath + SHA256Hash.digest([0, 0, 0, 0, 0, 0, 0x01, 0x00]))  // power 256
        // The two leaves split at the first bit where their paths differ; above it, a chain of
        // inner nodes whose other child is empty.
        let split = try #require((0..<256).first { Self.bit(pairPath, $0) != Self.bit(validatorPath, $0) })
        var expected = Self.bit(pairPath, split) == 0
            ? SHA256Hash.digest([0x01] + pairLeaf + validatorLeaf) : SHA256Hash.digest([0x01] + validatorLeaf + pairLeaf)
        for depth in (0..<split).reversed() {
            expected = Self.bit(pairPath, depth) == 0
                ? SHA256Hash.digest([0x01] + expected + Self.zero) : SHA256Hash.digest([0x01] + Self.zero + expected)
        }
        let app = KVStoreApplication()
        _ = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 0), chainID: "kv",
                                                     validators: [ValidatorUpdate(publicKey: key, power: 256)]))
        var two = Driver(app)
        #expect(try await two.block(["a=b"]).appHash == expected)
    }

    /// Height and size are not hashed: the same pairs at another height and count agree.
    @Test func heightAndSizeAreNotHashed() async throws {
        var once = Driver()
        let first = try await once.block(["a=b"]).appHash
        var later = Driver()
        try await later.block(["a=c", "x=y=z"])
        #expect(try await later.block(["a=b"]).appHash == first)
        #expect(await later.app.head.height == 2)
        #expect(await later.app.head.size == 2)
    }

    static func bit(_ path: Bytes, _ depth: Int) -> Int { Int(path[depth / 8] >> (7 - UInt8(depth % 8))) & 1 }
}
