import PalisadeCrypto

/// The validators of one height, in CometBFT's order (voting power descending, then address
/// ascending), with the proposer of the current round. Votes name validators by their index in
/// this order, and the validator-set hash in every header commits to it.
///
/// A value type: `copyIncrementingProposerPriority(times:)` gives the set as it stands `times`
/// rounds later without touching this one, which is how consensus asks "who proposes round r".
public struct ValidatorSet: Sendable, Hashable, CustomStringConvertible {
    /// CometBFT's `MaxTotalVotingPower`: small enough that priorities (which range over a few
    /// times the total) and `power * 3` never overflow 64 bits.
    public static let maxTotalVotingPower: Int64 = Int64.max / 8

    /// CometBFT's `PriorityWindowSizeFactor`: priorities are kept within 2 × total power of each other.
    static let priorityWindowSizeFactor: Int64 = 2

    public private(set) var validators: [Validator]
    /// Where the current proposer sits in `validators`; `nil` only for an empty set.
    private var proposerIndex: Int?
    /// Derived from `validators`, kept so a lookup by address is not a scan of the set.
    private var indexByAddress: [Address: Int]
    public private(set) var totalVotingPower: Int64

    /// The validator whose turn it is to propose. `nil` only for an empty set.
    public var proposer: Validator? { proposerIndex.map { validators[$0] } }

    /// CometBFT's `NewValidatorSet`: the validators are applied as a change set to an empty set
    /// (so each starts at the new-validator priority, and zero power is an error), then
    /// priorities are incremented once, which picks the first proposer. An empty list gives the
    /// empty set, as CometBFT's `NewValidatorSet(nil)` does.
    public init(validators: [Validator]) throws(ValidatorSetError) {
        self.init(sortedValidators: [], proposerIndex: nil)
        try apply(changes: validators, allowDeletes: false)
        incrementProposerPriority(times: 1)
    }

    /// A set exactly as given (already validated and in set order), e.g. decoded from storage.
    init(sortedValidators: [Validator], proposerIndex: Int?) {
        validators = sortedValidators
        self.proposerIndex = proposerIndex
        indexByAddress = Self.index(sortedValidators)
        // Callers have checked the total against `maxTotalVotingPower`, so this cannot overflow.
        totalVotingPower = sortedValidators.reduce(0) { $0 + $1.votingPower }
    }

    public var count: Int { validators.count }
    public var isEmpty: Bool { validators.isEmpty }

    public func index(of address: Address) -> Int? { indexByAddress[address] }

    public func validator(at index: Int) -> Validator? {
        validators.indices.contains(index) ? validators[index] : nil
    }

    public func validator(for address: Address) -> Validator? {
        indexByAddress[address].map { validators[$0] }
    }

    public func contains(_ address: Address) -> Bool { indexByAddress[address] != nil }

    public var description: String {
        "ValidatorSet(\(count) validators, power \(totalVotingPower), proposer \(proposer.map { $0.address.description } ?? "none"))"
    }

    // MARK: - Internal mutation used by the priority and update extensions

    /// Replaces the list (already in set order) and recomputes what derives from it. The
    /// proposer stays the same validator when it is still in the set, as CometBFT's `Proposer`
    /// pointer does across `UpdateWithChangeSet`; otherwise it is the one with the most priority.
    mutating func replaceValidators(_ sorted: [Validator]) {
        let previous = proposer?.address
        self = ValidatorSet(sortedValidators: sorted, proposerIndex: nil)
        proposerIndex = previous.flatMap { indexByAddress[$0] } ?? indexWithMostPriority()
    }

    mutating func setPriority(_ priority: Int64, at index: Int) {
        validators[index].proposerPriority = priority
    }

    mutating func setProposer(index: Int) { proposerIndex = index }

    private static func index(_ validators: [Validator]) -> [Address: Int] {
        var map = [Address: Int](minimumCapacity: validators.count)
        for (i, v) in validators.enumerated() { map[v.address] = i }
        return map
    }
}
