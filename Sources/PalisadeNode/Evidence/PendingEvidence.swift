import PalisadeCrypto
import PalisadeTypes

/// The evidence items waiting for a block, by hash, bounded in count, in bytes and per validator.
///
/// Any validator can mint as many valid items as it likes (one per height, round and vote type
/// it equivocates in), and each is verified, stored and gossiped. One item is enough for the app
/// to punish the validator, so a few per validator are kept and the rest are refused before
/// their signatures are checked; the totals bound what a set of colluding validators can make
/// every node hold.
public struct PendingEvidence: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Items at once. A block carries at most `evidence.max_bytes` (1 MiB by default) of
        /// evidence, some 1,500 items of two plain votes; 1,000 pending is a block's worth.
        public var maxItems = 1_000
        /// Encoded bytes at once: a few blocks' worth of evidence at the default `max_bytes`.
        public var maxBytes = 4 << 20
        /// Items per equivocating validator: more would not change what the app does.
        public var perValidator = 4

        public init() {}
    }

    let limits: Limits
    private(set) var items: [Bytes: DuplicateVoteEvidence] = [:]
    private(set) var bytes = 0
    private var sizes: [Bytes: Int] = [:]
    private var perValidator: [Address: Int] = [:]

    init(limits: Limits = Limits()) { self.limits = limits }

    var count: Int { items.count }

    subscript(hash: Bytes) -> DuplicateVoteEvidence? { items[hash] }

    /// Why an item of `size` encoded bytes from `validator` would not fit, or nil when it fits.
    func refusal(validator: Address, size: Int) -> String? {
        if perValidator[validator, default: 0] >= limits.perValidator {
            return "\(limits.perValidator) items of validator \(validator) pending already"
        }
        if items.count >= limits.maxItems { return "\(items.count) items pending, the maximum" }
        if bytes + size > limits.maxBytes { return "\(bytes) bytes pending; \(size) more would pass \(limits.maxBytes)" }
        return nil
    }

    /// Adds an item without checking the limits: items loaded from disk were admitted under them
    /// (or older ones), and dropping them would forget evidence.
    mutating func insert(_ item: DuplicateVoteEvidence, hash: Bytes, size: Int) {
        guard items[hash] == nil else { return }
        items[hash] = item
        sizes[hash] = size
        bytes += size
        perValidator[item.validatorAddress, default: 0] += 1
    }

    @discardableResult
    mutating func remove(_ hash: Bytes) -> DuplicateVoteEvidence? {
        guard let item = items.removeValue(forKey: hash) else { return nil }
        bytes -= sizes.removeValue(forKey: hash) ?? 0
        let left = perValidator[item.validatorAddress, default: 1] - 1
        perValidator[item.validatorAddress] = left > 0 ? left : nil
        return item
    }
}
