import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// Why a genesis document and the application's InitChain answer do not make a usable state.
public struct GenesisStateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "genesis state: \(field): \(reason)" }
}

extension ChainState {
    /// The state before the first block: CometBFT's `MakeGenesisState` followed by the InitChain
    /// rules of its handshake. The application may replace the validators (its list wins when
    /// non-empty), the consensus parameters (merged over the genesis ones, and then the
    /// application version follows them) and the app hash (when non-empty).
    ///
    /// `appVersion` is what the application reported in Info; it is the header's `version.app`
    /// unless InitChain changes the parameters.
    public init(genesis: GenesisDoc, initChain: InitChainResponse = InitChainResponse(),
                appVersion: UInt64 = 0) throws(GenesisStateError) {
        var validators: ValidatorSet?
        do {
            if !initChain.validators.isEmpty {
                validators = try ValidatorSet(validators: initChain.validators.map {
                    Validator(publicKey: $0.publicKey, votingPower: $0.power)
                })
            } else {
                validators = try genesis.validatorSet()
            }
        } catch {
            let source = initChain.validators.isEmpty ? "validators" : "init_chain.validators"
            throw GenesisStateError(field: source, reason: error.description)
        }
        guard let validators else {
            throw GenesisStateError(field: "validators",
                                    reason: "empty in genesis and still empty after InitChain")
        }

        var params = genesis.consensusParams
        var version = ConsensusVersion(app: appVersion)
        if let update = initChain.consensusParams {
            params = update.applied(to: params)
            do { try params.validate() } catch {
                throw GenesisStateError(field: "init_chain.consensus_params", reason: error.description)
            }
            version.app = params.version.app
        }

        self.init(chainID: genesis.chainID, initialHeight: genesis.initialHeight, lastBlockHeight: 0,
                  lastBlockID: .zero, lastBlockTime: genesis.genesisTime, validators: validators,
                  nextValidators: validators.copyIncrementingProposerPriority(times: 1), lastValidators: nil,
                  lastHeightValidatorsChanged: genesis.initialHeight, consensusParams: params,
                  lastHeightConsensusParamsChanged: genesis.initialHeight,
                  // The results hash of no transactions (RFC 6962 root of zero leaves), as CometBFT
                  // sets after InitChain.
                  lastResultsHash: SHA256Hash.empty,
                  appHash: initChain.appHash.isEmpty ? genesis.appHash : initChain.appHash,
                  version: version)
    }
}
