import PalisadeConsensus
import PalisadeStorage

/// The consensus write-ahead log as the runtime uses it (ARCHITECTURE §5 rule 2): append, then `sync`
/// before anything the appended input caused leaves the process. `ConsensusWAL` is the file; the
/// simulator's log keeps appended and synced records apart, and its crash loses exactly the
/// records that were not synced.
public protocol ConsensusLog: AnyObject {
    var path: String { get }
    /// A note about damage repaired when the log was opened, for the operator.
    var recoveryNote: String? { get }
    func append(_ entry: WALEntry) throws(WALError)
    func sync() throws(WALError)
    /// What to replay when (re)starting `height`: everything after the `endHeight(height - 1)`
    /// marker (or the whole log when it has no marker at all), inputs and block parts in order.
    func entries(forHeight height: Int64) throws(WALError) -> [WALEntry]
    /// `endHeight(height)` is appended and the store holds `height`: what precedes the marker may
    /// go (`ConsensusWAL` compacts past its size bound; the simulator's log keeps everything).
    func heightStored(_ height: Int64) throws(WALError)
}

extension ConsensusLog {
    public func append(_ input: Input) throws(WALError) { try append(.input(input)) }

    public func heightStored(_ height: Int64) throws(WALError) {}
}

extension ConsensusWAL: ConsensusLog {}
