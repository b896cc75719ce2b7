import Foundation
import PalisadeABCI

/// `app_state` of genesis.json, as the staking app reads it in InitChain:
///
/// ```json
/// {
///   "params": { "slash_fraction_bps": "500", "jail_period_blocks": "100" },
///   "accounts": [ { "address": "<40 hex digits>", "balance": "1000000" } ],
///   "validator_owners": { "<validator address, 40 hex>": "<owner account address, 40 hex>" }
/// }
/// ```
///
/// Every field is optional (an empty `app_state` is a chain with no accounts and default
/// params); integers may be JSON numbers or decimal strings (CometBFT writes int64 as strings).
/// Each genesis validator's power becomes stake bonded by its owner: the account named in
/// `validator_owners`, or else the validator key's own address (the operator then signs staking
/// transactions with `priv_validator_key.json`). Owners get an account (balance 0 unless listed),
/// so they can unbond; their bonded stake is new supply on top of the listed balances.
public struct StakingGenesis: Sendable, Hashable, Decodable {
    public struct Params: Sendable, Hashable, Decodable {
        public var slashFractionBasisPoints: FlexibleInt64?
        public var jailPeriodBlocks: FlexibleInt64?

        enum CodingKeys: String, CodingKey {
            case slashFractionBasisPoints = "slash_fraction_bps"
            case jailPeriodBlocks = "jail_period_blocks"
        }
    }

    public struct Account: Sendable, Hashable, Decodable {
        public var address: String
        public var balance: FlexibleInt64
    }

    public var params: Params?
    public var accounts: [Account]?
    public var validatorOwners: [String: String]?

    enum CodingKeys: String, CodingKey {
        case params, accounts
        case validatorOwners = "validator_owners"
    }

    /// The longest jail term genesis may set: keeps `height + jail period` far from overflow.
    public static let maxJailPeriodBlocks: Int64 = 1 << 40

    /// The state before block 1: `appState` (InitChain's bytes) applied to the genesis validators.
    public static func state(chainID: String, appState: Bytes, validators: [ValidatorUpdate]) throws(StakingGenesisError) -> StakingState {
        let genesis: StakingGenesis
        if appState.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            genesis = StakingGenesis()
        } else {
            do {
                genesis = try JSONDecoder().decode(StakingGenesis.self, from: Data(appState))
            } catch let error as Swift.DecodingError {
                throw StakingGenesisError(decoding: error)
            } catch {
                throw StakingGenesisError(field: "app_state", reason: "\(error)")
            }
        }
        return try genesis.state(chainID: chainID, validators: validators)
    }

    init() {}

    func state(chainID: String, validators: [ValidatorUpdate]) throws(StakingGenesisError) -> StakingState {
        var state = StakingState(chainID: chainID)
        let bps = params?.slashFractionBasisPoints?.value ?? state.params.slashFractionBasisPoints
        guard (0...StakingParams.basisPointsPerUnit).contains(bps) else {
            throw StakingGenesisError(field: "app_state.params.slash_fraction_bps", reason: "must be 0 to 10000, got \(bps)")
        }
        let jail = params?.jailPeriodBlocks?.value ?? state.params.jailPeriodBlocks
        guard (0...Self.maxJailPeriodBlocks).contains(jail) else {
            throw StakingGenesisError(field: "app_state.params.jail_period_blocks", reason: "must be 0 to \(Self.maxJailPeriodBlocks), got \(jail)")
        }
        state.params = StakingParams(slashFractionBasisPoints: bps, jailPeriodBlocks: jail)

        var supply = SupplyCounter()
        for (index, entry) in (accounts ?? []).enumerated() {
            let field = "app_state.accounts[\(index)]"
            let address = try Self.address(entry.address, field: field + ".address")
            guard state.accounts[address] == nil else { throw StakingGenesisError(field: field + ".address", reason: "\(address) is listed twice") }
            guard entry.balance.value >= 0 else { throw StakingGenesisError(field: field + ".balance", reason: "cannot be negative") }
            try supply.add(entry.balance.value, field: field + ".balance")
            state.accounts[address] = StakingAccount(balance: entry.balance.value)
        }

        var owners: [Address: Address] = [:]
        for (validator, owner) in validatorOwners ?? [:] {
            let field = "app_state.validator_owners.\(validator)"
            let validatorAddress = try Self.address(validator, field: field)
            guard validators.contains(where: { $0.publicKey.address == validatorAddress }) else {
                throw StakingGenesisError(field: field, reason: "not a genesis validator")
            }
            owners[validatorAddress] = try Self.address(owner, field: field)
        }
        for update in validators where update.power > 0 {
            let address = update.publicKey.address
            let owner = owners[address] ?? address
            if let other = state.validator(ownedBy: owner) {
                throw StakingGenesisError(field: "validators", reason: "account \(owner) would own both \(other.address) and \(address)")
            }
            try supply.add(update.power, field: "validators[\(address)].power")
            state.validators[address] = StakingValidator(publicKey: update.publicKey, owner: owner, bonded: update.power)
            if state.accounts[owner] == nil { state.accounts[owner] = StakingAccount() }
        }
        return state
    }

    static func address(_ hex: String, field: String) throws(StakingGenesisError) -> Address {
        guard let bytes = Bytes(hex: hex), bytes.count == Address.size else {
            throw StakingGenesisError(field: field, reason: "want 40 hex digits (a 20-byte address), got \"\(hex)\"")
        }
        return Address(bytes: bytes)
    }
}

/// Adds up genesis amounts and refuses a total above `StakingState.maxTotalSupply`.
private struct SupplyCounter {
    var total: Int64 = 0

    mutating func add(_ amount: Int64, field: String) throws(StakingGenesisError) {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        guard !overflow, sum <= StakingState.maxTotalSupply else {
            throw StakingGenesisError(field: field, reason: "total supply would exceed \(StakingState.maxTotalSupply)")
        }
        total = sum
    }
}

/// An int64 written as a JSON number or a decimal string.
public struct FlexibleInt64: Sendable, Hashable, Decodable {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else {
            throw Swift.DecodingError.dataCorruptedError(in: container, debugDescription: "want an int64, as a number or a decimal string")
        }
    }
}

/// A genesis `app_state` the staking app cannot start from; names the field at fault.
public struct StakingGenesisError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    init(decoding error: Swift.DecodingError) {
        let (path, reason): ([any CodingKey], String) = switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            (context.codingPath + [key], "missing")
        @unknown default:
            ([], "\(error)")
        }
        let field = path.reduce("app_state") { text, key in
            key.intValue.map { "\(text)[\($0)]" } ?? "\(text).\(key.stringValue)"
        }
        self.init(field: field, reason: reason)
    }

    public var description: String { "genesis \(field): \(reason)" }
}
