import PalisadeProto
import PalisadeTypes

/// A decided block, sent on the consensus connection once per height, in height order. The app
/// executes every transaction against its state and must do so deterministically: every honest
/// node gets the same results and app hash from the same block.
public struct FinalizeBlockRequest: ABCIMessage {
    public var txs: [Bytes]
    public var decidedLastCommit: CommitInfo
    public var misbehavior: [Misbehavior]
    public var hash: Bytes
    public var height: Int64
    public var time: Timestamp
    public var nextValidatorsHash: Bytes
    public var proposerAddress: Address

    public init(txs: [Bytes], decidedLastCommit: CommitInfo = CommitInfo(), misbehavior: [Misbehavior] = [],
                hash: Bytes, height: Int64, time: Timestamp, nextValidatorsHash: Bytes, proposerAddress: Address) {
        self.txs = txs
        self.decidedLastCommit = decidedLastCommit
        self.misbehavior = misbehavior
        self.hash = hash
        self.height = height
        self.time = time
        self.nextValidatorsHash = nextValidatorsHash
        self.proposerAddress = proposerAddress
    }

    public var proto: Tendermint_Abci_RequestFinalizeBlock {
        var p = Tendermint_Abci_RequestFinalizeBlock()
        p.txs = txs.map(\.data)
        p.decidedLastCommit = decidedLastCommit.proto
        p.misbehavior = misbehavior.map(\.proto)
        p.hash = hash.data
        p.height = height
        p.time = time.abciProto
        p.nextValidatorsHash = nextValidatorsHash.data
        p.proposerAddress = proposerAddress.bytes.data
        return p
    }

    public init(proto p: Tendermint_Abci_RequestFinalizeBlock) throws(DecodingError) {
        let path = MessagePath("RequestFinalizeBlock")
        self.init(txs: p.txs.map(\.bytes),
                  decidedLastCommit: try CommitInfo(proto: p.decidedLastCommit, at: path.child("decided_last_commit")),
                  misbehavior: try Misbehavior.decodeList(p.misbehavior, at: path.child("misbehavior")),
                  hash: try path.child("hash").hash(p.hash),
                  height: try path.child("height").positiveHeight(p.height),
                  time: try path.child("time").timestamp(p.time),
                  nextValidatorsHash: try path.child("next_validators_hash").hash(p.nextValidatorsHash),
                  proposerAddress: try path.child("proposer_address").address(p.proposerAddress))
    }
}

/// The block's outcome. `txResults` has one entry per transaction, in block order (the next
/// header's `LastResultsHash` commits to it); `validatorUpdates` take effect at height + 2;
/// `appHash` goes into the next header, so it must depend only on the blocks executed so far.
public struct FinalizeBlockResponse: ABCIMessage {
    public var events: [Event]
    public var txResults: [TxResult]
    public var validatorUpdates: [ValidatorUpdate]
    public var consensusParamUpdates: ConsensusParamsUpdate?
    public var appHash: Bytes

    public init(events: [Event] = [], txResults: [TxResult], validatorUpdates: [ValidatorUpdate] = [],
                consensusParamUpdates: ConsensusParamsUpdate? = nil, appHash: Bytes) {
        self.events = events
        self.txResults = txResults
        self.validatorUpdates = validatorUpdates
        self.consensusParamUpdates = consensusParamUpdates
        self.appHash = appHash
    }

    public var proto: Tendermint_Abci_ResponseFinalizeBlock {
        var p = Tendermint_Abci_ResponseFinalizeBlock()
        p.events = events.map(\.proto)
        p.txResults = txResults.map(\.proto)
        p.validatorUpdates = validatorUpdates.map(\.abciProto)
        if let consensusParamUpdates { p.consensusParamUpdates = consensusParamUpdates.proto }
        p.appHash = appHash.data
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseFinalizeBlock) throws(DecodingError) {
        let path = MessagePath("ResponseFinalizeBlock")
        self.init(events: p.events.map(Event.init(proto:)), txResults: p.txResults.map(TxResult.init(proto:)),
                  validatorUpdates: try ValidatorUpdate.decodeList(p.validatorUpdates, at: path.child("validator_updates")),
                  consensusParamUpdates: p.hasConsensusParamUpdates
                      ? try ConsensusParamsUpdate(proto: p.consensusParamUpdates, at: path.child("consensus_param_updates")) : nil,
                  appHash: p.appHash.bytes)
    }
}

/// `retainHeight` > 0 lets the node prune blocks below it; 0 keeps everything.
public struct CommitResponse: ABCIMessage {
    public var retainHeight: Int64

    public init(retainHeight: Int64 = 0) { self.retainHeight = retainHeight }

    public var proto: Tendermint_Abci_ResponseCommit {
        var p = Tendermint_Abci_ResponseCommit()
        p.retainHeight = retainHeight
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseCommit) throws(DecodingError) {
        guard p.retainHeight >= 0 else {
            throw MessagePath("ResponseCommit").child("retain_height").error("cannot be negative, got \(p.retainHeight)")
        }
        self.init(retainHeight: p.retainHeight)
    }
}
