import PalisadeCrypto
import PalisadeTypes

/// The crypto floor under consensus: how many signatures a core can make and check, how fast
/// it hashes (big buffers for block parts, small ones for tx and merkle leaves), how quickly
/// vote sign bytes encode, and what a merkle root and its proofs cost at block-sized leaf counts.
/// Compare with ARCHITECTURE §6a's measured floors.
enum CryptoBenchmark {
    static func run() {
        print("palisade-bench crypto: one thread, mean over ~1 s per line after a warm-up")
        var generator = SplitMix64(seed: 0x5eed)
        let key = Ed25519PrivateKey.generate(using: &generator)
        let message = randomBytes(200, using: &generator)

        let sign = BenchmarkHarness.measure(batch: 100) { key.sign(message)[0] }
        BenchmarkHarness.report("ed25519 sign (200 B)", rate(sign))

        let signature = key.sign(message)
        let verify = BenchmarkHarness.measure(batch: 100) { key.publicKey.verifyUncached(signature: signature, message: message) ? 1 : 0 }
        BenchmarkHarness.report("ed25519 verify (200 B)", rate(verify))

        let mebibyte = randomBytes(1 << 20, using: &generator)
        let bigHash = BenchmarkHarness.measure { SHA256Hash.digest(mebibyte)[0] }
        BenchmarkHarness.report("sha256, 1 MiB buffers", throughput(bigHash, bytesEach: mebibyte.count))

        let smallHash = BenchmarkHarness.measure(batch: 1000) { SHA256Hash.digest(message)[0] }
        BenchmarkHarness.report("sha256, 200 B messages", throughput(smallHash, bytesEach: message.count) + ", " + rate(smallHash))

        let vote = Vote(type: .precommit, height: 1_234_567, round: 2,
                        blockID: BlockID(hash: randomBytes(32, using: &generator),
                                         partSetHeader: PartSetHeader(total: 3, hash: randomBytes(32, using: &generator))),
                        timestamp: Timestamp(seconds: 1_700_000_000, nanos: 123_456_789),
                        validatorAddress: key.publicKey.address, validatorIndex: 7)
        let encode = BenchmarkHarness.measure(batch: 100) { vote.signBytes(chainID: "palisade-bench")[0] }
        BenchmarkHarness.report("Vote.signBytes (precommit)", rate(encode))

        let leaves = (0..<10_000).map { _ in randomBytes(32, using: &generator) }
        let root = BenchmarkHarness.measure { Merkle.root(leaves)[0] }
        BenchmarkHarness.report("Merkle.root, 10,000 × 32 B leaves", each(root))

        let proofs = BenchmarkHarness.measure { Merkle.proofs(leaves).root[0] }
        BenchmarkHarness.report("Merkle.proofs, 10,000 × 32 B leaves", each(proofs))
        if BenchmarkHarness.sink == 0x5a { print("") }  // keeps the sink observable
    }

    private static func rate(_ result: BenchmarkHarness.Result) -> String {
        BenchmarkHarness.format(result.perSecond) + " /s (" + BenchmarkHarness.duration(result.secondsEach) + " each)"
    }

    private static func throughput(_ result: BenchmarkHarness.Result, bytesEach: Int) -> String {
        BenchmarkHarness.format(result.perSecond * Double(bytesEach) / 1e6, decimals: 1) + " MB/s"
    }

    private static func each(_ result: BenchmarkHarness.Result) -> String {
        BenchmarkHarness.duration(result.secondsEach) + " each (\(result.operations) runs)"
    }

    private static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> Bytes {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// A small seeded generator so every run measures the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
