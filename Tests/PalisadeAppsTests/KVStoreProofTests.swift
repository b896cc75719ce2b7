import PalisadeABCI
import PalisadeApps
import Testing

/// `abci_query` with `prove`: what a client gets, and that `KVStoreProof.verify` accepts exactly
/// the true answer against the app hash of the height the response names.
@Suite struct KVStoreProofTests {
    static func query(_ app: KVStoreApplication, _ key: String, height: Int64 = 0) async throws -> QueryResponse {
        try await app.query(QueryRequest(data: Array(key.utf8), path: "/store", height: height, prove: true))
    }

    /// A chain of three blocks, 200 keys in all, some overwritten.
    static func chain(_ app: KVStoreApplication = KVStoreApplication()) async throws -> Driver {
        var d = Driver(app)
        try await d.block((0..<100).map { "k\($0)=v\($0)" })
        try await d.block((50..<200).map { "k\($0)=w\($0)" })
        try await d.block(["k7=last", "bare"])
        return d
    }

    @Test func presentAndAbsentKeysProveAgainstTheAppHash() async throws {
        let d = try await Self.chain()
        let appHash = await d.app.appHash
        for (key, value) in [("k3", "v3"), ("k60", "w60"), ("k7", "last"), ("bare", "bare")] {
            let answer = try await Self.query(d.app, key)
            #expect(answer.value == Array(value.utf8))
            #expect(answer.height == 3)
            #expect(answer.proofOps.map(\.type) == [KVStoreProof.opType])
            #expect(answer.proofOps.first?.key == Array(key.utf8))
            #expect(KVStoreProof.verify(appHash: appHash, key: Array(key.utf8), value: answer.value, proofOps: answer.proofOps))
            // Claiming it absent, or another value, fails with the same proof.
            #expect(!KVStoreProof.verify(appHash: appHash, key: Array(key.utf8), value: nil, proofOps: answer.proofOps))
        }
        for key in ["k200", "nope", "", "k3 "] {
            let answer = try await Self.query(d.app, key)
            #expect(answer.log == "does not exist")
            #expect(KVStoreProof.verify(appHash: appHash, key: Array(key.utf8), value: nil, proofOps: answer.proofOps))
            #expect(!KVStoreProof.verify(appHash: appHash, key: Array(key.utf8), value: [], proofOps: answer.proofOps))
        }
    }

    /// Every single-bit change to the value, the key, the app hash or the proof is caught.
    @Test func flippedBytesFailVerification() async throws {
        let d = try await Self.chain()
        let appHash = await d.app.appHash
        let key = Array("k60".utf8)
        let answer = try await Self.query(d.app, "k60")
        let proof = try #require(answer.proofOps.first).data
        #expect(KVStoreProof.verify(appHash: appHash, key: key, value: answer.value, proof: proof))
        for index in answer.value.indices {
            #expect(!KVStoreProof.verify(appHash: appHash, key: key, value: Self.flip(answer.value, index), proof: proof))
        }
        for index in key.indices {
            #expect(!KVStoreProof.verify(appHash: appHash, key: Self.flip(key, index), value: answer.value, proof: proof))
        }
        for index in appHash.indices {
            #expect(!KVStoreProof.verify(appHash: Self.flip(appHash, index), key: key, value: answer.value, proof: proof))
        }
        for index in proof.indices {
            #expect(!KVStoreProof.verify(appHash: appHash, key: key, value: answer.value, proof: Self.flip(proof, index)))
        }
        // An absence proof is tampered with the same way.
        let missing = try #require(try await Self.query(d.app, "nope").proofOps.first).data
        #expect(KVStoreProof.verify(appHash: appHash, key: Array("nope".utf8), value: nil, proof: missing))
        for index in missing.indices {
            #expect(!KVStoreProof.verify(appHash: appHash, key: Array("nope".utf8), value: nil, proof: Self.flip(missing, index)))
        }
        #expect(!KVStoreProof.verify(appHash: Self.flip(appHash, 0), key: Array("nope".utf8), value: nil, proof: missing))
        // The op must name the key and the type.
        var wrongKey = try #require(answer.proofOps.first)
        wrongKey.key = Array("k61".utf8)
        #expect(!KVStoreProof.verify(appHash: appHash, key: key, value: answer.value, proofOps: [wrongKey]))
    }

    /// A proof is for the height it names: after the next block it no longer verifies against
    /// the new app hash when the key changed, and other heights are refused rather than
    /// answered from the wrong state.
    @Test func answersNameTheirHeight() async throws {
        var d = try await Self.chain()
        let before = try await Self.query(d.app, "k7", height: 3)
        let hashAt3 = await d.app.appHash
        try await d.block(["k7=newer"])
        let hashAt4 = await d.app.appHash
        #expect(KVStoreProof.verify(appHash: hashAt3, key: Array("k7".utf8), value: before.value, proofOps: before.proofOps))
        #expect(!KVStoreProof.verify(appHash: hashAt4, key: Array("k7".utf8), value: before.value, proofOps: before.proofOps))
        let old = try await Self.query(d.app, "k7", height: 3)
        #expect(old.code == KVStoreApplication.heightUnavailableCode)
        #expect(old.height == 4)
        #expect(try await Self.query(d.app, "k7", height: 4).value == Array("newer".utf8))
        // Without `prove`, no proof ops, as CometBFT's kvstore.
        #expect(try await d.get("k7").proofOps.isEmpty)
    }

    /// The validator set is in the tree: changing a power changes the app hash, and the app hash
    /// after InitChain is the tree over the genesis set.
    @Test func validatorsAreCoveredByTheAppHash() async throws {
        let v1 = try #require(Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 32))).publicKey
        let app = KVStoreApplication()
        let genesis = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 0), chainID: "kv",
                                                               validators: [ValidatorUpdate(publicKey: v1, power: 10)]))
        #expect(genesis.appHash != Bytes(repeating: 0, count: 32))
        var d = Driver(app)
        let same = try await d.block(["a=1"]).appHash
        let changed = try await d.block([KVTransaction.validatorTx(ValidatorUpdate(publicKey: v1, power: 11)).string]).appHash
        #expect(same != changed)
        let back = try await d.block([KVTransaction.validatorTx(ValidatorUpdate(publicKey: v1, power: 10)).string]).appHash
        #expect(back == same)
    }

    static func flip(_ bytes: Bytes, _ index: Int) -> Bytes {
        var out = bytes
        out[index] ^= 0x01
        return out
    }
}
