import PalisadeCrypto

/// Why a genesis file was refused: the file, the JSON field path and the reason, so an operator
/// can go straight to the line (`genesis.json: validators[2].pub_key.value: not base64`).
public struct GenesisError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var reason: String

    public init(file: String, field: String, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(file): \(field): \(reason)" }
}

/// One validator of the initial set, as `genesis.json` lists it.
public struct GenesisValidator: Sendable, Hashable {
    public var address: Address
    public var publicKey: Ed25519PublicKey
    public var power: Int64
    public var name: String

    /// The address defaults to the key's, which is the only address validation accepts.
    public init(publicKey: Ed25519PublicKey, power: Int64, name: String = "", address: Address? = nil) {
        self.address = address ?? publicKey.address
        self.publicKey = publicKey
        self.power = power
        self.name = name
    }
}

/// A chain's starting point (CometBFT's `GenesisDoc`): its name, first height and time, the
/// consensus parameters, the initial validators, and the app's initial state. Every node must
/// start from the same bytes of it, or they are on different chains.
public struct GenesisDoc: Sendable, Hashable {
    public var genesisTime: Timestamp
    public var chainID: String
    public var initialHeight: Int64
    public var consensusParams: ConsensusParams
    public var validators: [GenesisValidator]
    public var appHash: Bytes
    /// The `app_state` value exactly as written in the file (empty when absent); handed to the
    /// app in `InitChain` without being parsed, so its bytes are never reformatted.
    public var appState: Bytes

    public init(genesisTime: Timestamp, chainID: String, initialHeight: Int64 = 1,
                consensusParams: ConsensusParams = .default, validators: [GenesisValidator],
                appHash: Bytes = [], appState: Bytes = []) {
        self.genesisTime = genesisTime
        self.chainID = chainID
        self.initialHeight = initialHeight
        self.consensusParams = consensusParams
        self.validators = validators
        self.appHash = appHash
        self.appState = appState
    }

    /// CometBFT caps total voting power at `Int64.max / 8` so priority arithmetic cannot overflow.
    public static let maxTotalVotingPower: Int64 = Int64.max / 8

    /// CometBFT's `ValidateAndComplete` checks (the completing, an initial height of 0 becoming 1
    /// and missing addresses being derived, happens while decoding). Errors name `fileName`.
    public func validate(fileName: String) throws(GenesisError) {
        func fail(_ field: String, _ reason: String) -> GenesisError {
            GenesisError(file: fileName, field: field, reason: reason)
        }
        guard !chainID.isEmpty else { throw fail("chain_id", "must not be empty") }
        guard chainID.utf8.count <= Header.maxChainIDLength else {
            throw fail("chain_id", "\(chainID.utf8.count) bytes, at most \(Header.maxChainIDLength)")
        }
        guard initialHeight >= 1 else { throw fail("initial_height", "must be at least 1, got \(initialHeight)") }
        do {
            try consensusParams.validate()
        } catch {
            throw fail("consensus_params." + error.field, error.reason)
        }
        var total: Int64 = 0
        var seen = Set<Address>()
        for (i, validator) in validators.enumerated() {
            let path = "validators[\(i)]"
            guard validator.power > 0 else { throw fail(path + ".power", "must be positive, got \(validator.power)") }
            guard validator.address == validator.publicKey.address else {
                throw fail(path + ".address", "\(validator.address) is not the address of pub_key (\(validator.publicKey.address))")
            }
            guard seen.insert(validator.address).inserted else {
                throw fail(path + ".address", "\(validator.address) is listed twice")
            }
            let (sum, overflow) = total.addingReportingOverflow(validator.power)
            guard !overflow, sum <= Self.maxTotalVotingPower else {
                throw fail(path + ".power", "total voting power exceeds \(Self.maxTotalVotingPower)")
            }
            total = sum
        }
    }
}
