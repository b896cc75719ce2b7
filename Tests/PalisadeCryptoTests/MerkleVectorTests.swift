import PalisadeCrypto
import Testing

@Suite struct MerkleVectorTests {
    @Test func rootsMatchCometBFT() throws {
        let vectors = try #require(try Fixtures.json("vectors.json")["merkle"] as? [[String: Any]])
        var checked = 0
        for vector in vectors {
            guard let leavesHex = vector["leaves_hex"] as? [String] else { continue }
            let leaves = try leavesHex.map { try #require(Bytes(hex: $0)) }
            let expected = try #require(vector["root_hex"] as? String)
            #expect(Merkle.root(leaves).hex == expected, "\(vector["case"] ?? "")")
            checked += 1
        }
        #expect(checked == 6)
    }

    @Test func innerHashVector() throws {
        let vectors = try #require(try Fixtures.json("vectors.json")["merkle"] as? [[String: Any]])
        let inner = try #require(vectors.first { ($0["case"] as? String)?.hasPrefix("innerHash") == true })
        let n123 = Bytes("N123".utf8), n456 = Bytes("N456".utf8)
        #expect(Merkle.innerHash(n123, n456).hex == inner["root_hex"] as? String)
    }

    @Test func splitPoints() throws {
        let pairs = try #require(try Fixtures.json("vectors.json")["merkle_split_point"] as? [[Int]])
        #expect(pairs.count == 11)
        for pair in pairs { #expect(Merkle.splitPoint(pair[0]) == pair[1], "n=\(pair[0])") }
    }

    @Test func proofsVerifyForEveryLeafAndSize() {
        for n in 1...33 {
            let leaves = (0..<n).map { Bytes("leaf-\($0)".utf8) }
            let (root, proofs) = Merkle.proofs(leaves)
            #expect(root == Merkle.root(leaves))
            for (i, proof) in proofs.enumerated() {
                #expect(proof.verify(root: root, leaf: leaves[i]))
                #expect(!proof.verify(root: root, leaf: Bytes("other".utf8)))
            }
        }
    }
}
