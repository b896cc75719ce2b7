import PalisadeProto
import PalisadeTypes

/// The node's versions, sent on the query connection at startup (and by `abci_info`).
public struct InfoRequest: ABCIMessage {
    public var version: String
    public var blockVersion: UInt64
    public var p2pVersion: UInt64
    public var abciVersion: String

    public init(version: String = "", blockVersion: UInt64 = 0, p2pVersion: UInt64 = 0, abciVersion: String = "") {
        self.version = version
        self.blockVersion = blockVersion
        self.p2pVersion = p2pVersion
        self.abciVersion = abciVersion
    }

    public var proto: Tendermint_Abci_RequestInfo {
        var p = Tendermint_Abci_RequestInfo()
        p.version = version
        p.blockVersion = blockVersion
        p.p2PVersion = p2pVersion
        p.abciVersion = abciVersion
        return p
    }

    public init(proto p: Tendermint_Abci_RequestInfo) {
        self.init(version: p.version, blockVersion: p.blockVersion, p2pVersion: p.p2PVersion, abciVersion: p.abciVersion)
    }
}

/// Where the app is: the node replays stored blocks from `lastBlockHeight + 1` and checks
/// `lastBlockAppHash` against its own record. Height 0 means "call InitChain".
public struct InfoResponse: ABCIMessage {
    public var data: String
    public var version: String
    public var appVersion: UInt64
    public var lastBlockHeight: Int64
    public var lastBlockAppHash: Bytes

    public init(data: String = "", version: String = "", appVersion: UInt64 = 0, lastBlockHeight: Int64 = 0,
                lastBlockAppHash: Bytes = []) {
        self.data = data
        self.version = version
        self.appVersion = appVersion
        self.lastBlockHeight = lastBlockHeight
        self.lastBlockAppHash = lastBlockAppHash
    }

    public var proto: Tendermint_Abci_ResponseInfo {
        var p = Tendermint_Abci_ResponseInfo()
        p.data = data
        p.version = version
        p.appVersion = appVersion
        p.lastBlockHeight = lastBlockHeight
        p.lastBlockAppHash = lastBlockAppHash.data
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseInfo) throws(DecodingError) {
        guard p.lastBlockHeight >= 0 else {
            throw MessagePath("ResponseInfo").child("last_block_height").error("cannot be negative, got \(p.lastBlockHeight)")
        }
        self.init(data: p.data, version: p.version, appVersion: p.appVersion, lastBlockHeight: p.lastBlockHeight,
                  lastBlockAppHash: p.lastBlockAppHash.bytes)
    }
}

/// Genesis, sent once on the consensus connection before the first block.
public struct InitChainRequest: ABCIMessage {
    public var time: Timestamp
    public var chainID: String
    public var consensusParams: ConsensusParams?
    public var validators: [ValidatorUpdate]
    /// `app_state` from genesis.json, byte for byte.
    public var appStateBytes: Bytes
    public var initialHeight: Int64

    public init(time: Timestamp, chainID: String, consensusParams: ConsensusParams? = nil,
                validators: [ValidatorUpdate] = [], appStateBytes: Bytes = [], initialHeight: Int64 = 1) {
        self.time = time
        self.chainID = chainID
        self.consensusParams = consensusParams
        self.validators = validators
        self.appStateBytes = appStateBytes
        self.initialHeight = initialHeight
    }

    public var proto: Tendermint_Abci_RequestInitChain {
        var p = Tendermint_Abci_RequestInitChain()
        p.time = time.abciProto
        p.chainID = chainID
        if let consensusParams { p.consensusParams = consensusParams.proto }
        p.validators = validators.map(\.abciProto)
        p.appStateBytes = appStateBytes.data
        p.initialHeight = initialHeight
        return p
    }

    public init(proto p: Tendermint_Abci_RequestInitChain) throws(DecodingError) {
        let path = MessagePath("RequestInitChain")
        self.init(time: try path.child("time").timestamp(p.time), chainID: p.chainID,
                  consensusParams: p.hasConsensusParams ? try ConsensusParams.decode(p.consensusParams, at: path.child("consensus_params")) : nil,
                  validators: try ValidatorUpdate.decodeList(p.validators, at: path.child("validators")),
                  appStateBytes: p.appStateBytes.bytes,
                  initialHeight: try path.child("initial_height").positiveHeight(p.initialHeight))
    }
}

/// The app's say on genesis: parameter changes, a validator set that replaces genesis's when not
/// empty, and the initial app hash (the first block's header carries it).
public struct InitChainResponse: ABCIMessage {
    public var consensusParams: ConsensusParamsUpdate?
    public var validators: [ValidatorUpdate]
    public var appHash: Bytes

    public init(consensusParams: ConsensusParamsUpdate? = nil, validators: [ValidatorUpdate] = [], appHash: Bytes = []) {
        self.consensusParams = consensusParams
        self.validators = validators
        self.appHash = appHash
    }

    public var proto: Tendermint_Abci_ResponseInitChain {
        var p = Tendermint_Abci_ResponseInitChain()
        if let consensusParams { p.consensusParams = consensusParams.proto }
        p.validators = validators.map(\.abciProto)
        p.appHash = appHash.data
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseInitChain) throws(DecodingError) {
        let path = MessagePath("ResponseInitChain")
        self.init(consensusParams: p.hasConsensusParams ? try ConsensusParamsUpdate(proto: p.consensusParams, at: path.child("consensus_params")) : nil,
                  validators: try ValidatorUpdate.decodeList(p.validators, at: path.child("validators")),
                  appHash: p.appHash.bytes)
    }
}
