/// The simulator's only source of randomness: xoshiro256** seeded through SplitMix64, so one
/// 64-bit seed fixes every choice in a run. Each purpose (network, faults, app, scenario) draws
/// from its own sub-stream, so adding a draw for one purpose does not reshuffle the others and
/// old seeds keep reproducing the same runs where their purpose is untouched.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The generator for `seed` and `stream`; different streams of one seed are independent.
    public init(seed: UInt64, stream: Stream = .main) {
        var mixer = SplitMix64(state: seed ^ (stream.rawValue &* 0x9E37_79B9_7F4A_7C15))
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        // xoshiro's all-zero state is a fixed point; SplitMix64 cannot produce four zeros in a row,
        // but the guard documents the requirement.
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// Named sub-streams. Raw values are part of the reproducibility contract: never renumber.
    public enum Stream: UInt64, Sendable {
        case main = 0
        case scenario = 1
        case network = 2
        case faults = 3
        case application = 4
        case byzantine = 5
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// True with probability `p` (0 never, 1 always).
    public mutating func chance(_ p: Double) -> Bool {
        guard p > 0 else { return false }
        return Double(next() >> 11) * 0x1.0p-53 < p
    }

    /// A uniform value below `bound` (> 0) by rejection, spelled out here rather than taken from
    /// the standard library, whose algorithm may change between releases and reshuffle old seeds.
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "empty range")
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return x % bound }
        }
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if width == 0 { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: below(width))
    }

    /// A uniform index below `count` (which must be positive).
    public mutating func index(below count: Int) -> Int { Int(below(UInt64(count))) }

    /// An exponential sample with mean `mean` (milliseconds), capped so one draw cannot stall a run.
    public mutating func exponential(mean: Double, cap: Int64) -> Int64 {
        let u = Double(next() >> 11) * 0x1.0p-53
        let sample = -mean * log1pNegative(u)
        return min(cap, Int64(sample.rounded(.down)))
    }

    /// `ln(1 - u)` for u in [0, 1), written without Foundation so the module stays small.
    private func log1pNegative(_ u: Double) -> Double {
        // ln(1-u) = -sum u^k/k converges slowly near 1; use the identity with the IEEE exponent instead.
        var x = 1 - u
        if x <= 0 { x = .leastNormalMagnitude }
        let exponent = Double(x.exponent)
        let mantissa = x.significand  // in [1, 2)
        // ln(m) for m in [1, 2) through atanh series: ln(m) = 2 atanh((m-1)/(m+1)).
        let z = (mantissa - 1) / (mantissa + 1)
        let z2 = z * z
        var term = z
        var sum = 0.0
        var k = 1.0
        while k < 40 {
            sum += term / k
            term *= z2
            k += 2
        }
        return 2 * sum + exponent * 0.693_147_180_559_945_3
    }

    /// Fisher–Yates with this generator (the standard library's shuffle is not specified to be stable).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, index(below: i + 1))
        }
    }
}

/// SplitMix64: expands one 64-bit seed into well-mixed state words for xoshiro.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
