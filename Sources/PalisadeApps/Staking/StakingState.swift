import PalisadeABCI

/// The parameters genesis sets once (`app_state.params`).
public struct StakingParams: Sendable, Hashable {
    /// Part of a double-signer's bonded stake that is burned, in basis points (500 = 5%).
    public var slashFractionBasisPoints: Int64
    /// How many blocks a jailed validator must wait before an unjail transaction is accepted.
    public var jailPeriodBlocks: Int64

    public static let basisPointsPerUnit: Int64 = 10_000

    public init(slashFractionBasisPoints: Int64 = 500, jailPeriodBlocks: Int64 = 100) {
        self.slashFractionBasisPoints = slashFractionBasisPoints
        self.jailPeriodBlocks = jailPeriodBlocks
    }
}

/// Spendable tokens and the replay counter of one address.
public struct StakingAccount: Sendable, Hashable {
    public var balance: Int64
    /// The nonce the account's next transaction must carry: how many it has had executed.
    public var nonce: UInt64

    public init(balance: Int64 = 0, nonce: UInt64 = 0) {
        self.balance = balance
        self.nonce = nonce
    }
}

/// A validator key and the stake its owner bonded to it. Its voting power is the bonded stake,
/// or 0 while jailed.
public struct StakingValidator: Sendable, Hashable {
    public var publicKey: Ed25519PublicKey
    /// The account that bonded the stake; only it may bond more, unbond or unjail.
    public var owner: Address
    public var bonded: Int64
    /// The first height at which an unjail transaction is accepted; nil when not jailed.
    public var jailedUntil: Int64?

    public init(publicKey: Ed25519PublicKey, owner: Address, bonded: Int64, jailedUntil: Int64? = nil) {
        self.publicKey = publicKey
        self.owner = owner
        self.bonded = bonded
        self.jailedUntil = jailedUntil
    }

    public var address: Address { publicKey.address }
    public var isJailed: Bool { jailedUntil != nil }
    public var power: Int64 { isJailed ? 0 : bonded }
}

/// The staking app's whole state as a value, like `KVState`: committed, it answers queries;
/// a copy is what a block or the mempool's checks change.
///
/// Total supply is fixed at genesis and only shrinks by slashing: at every height
/// `sum(balances) + sum(bonded) + burned` equals the genesis total. Genesis caps that total at
/// `maxTotalSupply` (CometBFT's cap on total voting power), so no sum of amounts can overflow.
public struct StakingState: Sendable, Hashable {
    /// CometBFT's `MaxTotalVotingPower`: `Int64.max / 8`.
    public static let maxTotalSupply: Int64 = Int64.max / 8

    /// The last height whose block this state includes (0 at genesis).
    public var height: Int64
    /// Part of every signature: set by InitChain.
    public var chainID: String
    public var params: StakingParams
    public var accounts: [Address: StakingAccount]
    /// Keyed by the validator's address (the consensus address misbehavior names).
    public var validators: [Address: StakingValidator]
    /// Tokens destroyed by slashing.
    public var burned: Int64

    public init(height: Int64 = 0, chainID: String = "", params: StakingParams = StakingParams(),
                accounts: [Address: StakingAccount] = [:], validators: [Address: StakingValidator] = [:], burned: Int64 = 0) {
        self.height = height
        self.chainID = chainID
        self.params = params
        self.accounts = accounts
        self.validators = validators
        self.burned = burned
    }

    /// `sum(balances) + sum(bonded) + burned`: constant from genesis on.
    public var totalSupply: Int64 {
        accounts.values.reduce(0) { $0 + $1.balance } + validators.values.reduce(0) { $0 + $1.bonded } + burned
    }

    /// The validator `owner` operates, if any (an account runs at most one).
    public func validator(ownedBy owner: Address) -> StakingValidator? {
        validators.values.first { $0.owner == owner }
    }

    /// Each validator's voting power, for finding which ones a block changed.
    var powers: [Address: Int64] { validators.mapValues(\.power) }

    /// RFC 6962 merkle root (`Merkle.root`) over one leaf per entry, in this order:
    /// - each account by address: `0x01 ‖ address (20) ‖ balance (8) ‖ nonce (8)`;
    /// - each validator by address: `0x02 ‖ address (20) ‖ pubkey (32) ‖ owner (20) ‖ bonded (8)
    ///   ‖ jailed (1: 0 or 1) ‖ jailed until (8, 0 when not jailed)`;
    /// - one totals leaf: `0x03 ‖ burned (8) ‖ slash basis points (8) ‖ jail period (8)`.
    /// Integers are big-endian. Height and chain id are not hashed: the header carries both.
    public var appHash: Bytes {
        var leaves: [Bytes] = []
        leaves.reserveCapacity(accounts.count + validators.count + 1)
        for (address, account) in accounts.sorted(by: { $0.key < $1.key }) {
            var leaf: Bytes = [0x01] + address.bytes
            leaf.appendBigEndian(UInt64(bitPattern: account.balance))
            leaf.appendBigEndian(account.nonce)
            leaves.append(leaf)
        }
        for (address, validator) in validators.sorted(by: { $0.key < $1.key }) {
            var leaf: Bytes = [0x02] + address.bytes + validator.publicKey.bytes + validator.owner.bytes
            leaf.appendBigEndian(UInt64(bitPattern: validator.bonded))
            leaf.append(validator.isJailed ? 1 : 0)
            leaf.appendBigEndian(UInt64(bitPattern: validator.jailedUntil ?? 0))
            leaves.append(leaf)
        }
        var totals: Bytes = [0x03]
        totals.appendBigEndian(UInt64(bitPattern: burned))
        totals.appendBigEndian(UInt64(bitPattern: params.slashFractionBasisPoints))
        totals.appendBigEndian(UInt64(bitPattern: params.jailPeriodBlocks))
        leaves.append(totals)
        return Merkle.root(leaves)
    }
}
