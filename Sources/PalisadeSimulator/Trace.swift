import PalisadeCrypto
import PalisadeTypes

/// Every event of a run as one compact line (`t=1234ms n3 recv Prevote h=2 r=0 …`), folded into
/// a running SHA-256 (`hash = SHA-256(hash ‖ line ‖ "\n")`), so a test can assert that one seed
/// always gives the same run without storing it. Only the tail is kept unless `keepAll` is set
/// (`palisade simulate --seed N --trace`), so long campaigns stay cheap in memory.
public struct Trace: Sendable {
    public private(set) var lineCount = 0
    private var chain: Bytes = SHA256Hash.empty
    private var tail: [String] = []
    private var tailStart = 0
    private let tailCapacity: Int
    public let keepAll: Bool
    public private(set) var allLines: [String] = []

    public init(keepAll: Bool = false, tailCapacity: Int = 60) {
        self.keepAll = keepAll
        self.tailCapacity = tailCapacity
    }

    mutating func record(_ time: SimTime, _ text: String) {
        let line = "t=\(time) \(text)"
        var bytes = chain
        bytes.append(contentsOf: line.utf8)
        bytes.append(0x0A)
        chain = SHA256Hash.digest(bytes)
        lineCount += 1
        if keepAll { allLines.append(line) }
        if tail.count < tailCapacity {
            tail.append(line)
        } else {
            tail[tailStart] = line
            tailStart = (tailStart + 1) % tailCapacity
        }
    }

    /// Hex of the running hash over every line so far.
    public var hash: String { chain.hex }

    /// The last lines, oldest first.
    public var lastLines: [String] { Array(tail[tailStart...] + tail[..<tailStart]) }
}

extension BlockID {
    /// The trace's name for a block: the first 6 bytes of its hash in upper hex, or `nil`.
    /// (Cheaper than `description`, which renders both hashes; every trace line pays for it.)
    var traceName: String {
        if isZero { return "nil" }
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(12)
        for byte in hash.prefix(6) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
