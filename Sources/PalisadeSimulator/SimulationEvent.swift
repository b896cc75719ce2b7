import PalisadeConsensus
import PalisadeTypes

/// Something that happens at one instant of simulated time. Events for a node carry the node's
/// incarnation when they were scheduled; after a crash the incarnation changes and the node's
/// old timers and pending app answers are discarded, as a real process would lose them.
enum SimulationEvent {
    case deliver(to: Int, envelope: Envelope)
    case timeout(endpoint: Int, incarnation: Int, Timeout)
    case proposalValue(endpoint: Int, incarnation: Int, height: Int64, round: Int32, block: BlockID)
    case proposalValidity(endpoint: Int, incarnation: Int, height: Int64, round: Int32, block: BlockID, valid: Bool)
    case startHeight(endpoint: Int, incarnation: Int, height: Int64)
    /// `afterDirectives` > 0 arms the crash instead: it strikes after the node has executed that
    /// many more directives, in the middle of handling an input (after a `.persist`, before the
    /// signature it led to, say), which is where WAL bugs hide.
    case crash(endpoint: Int, amnesia: Bool, downFor: SimTime, afterDirectives: Int)
    case restart(endpoint: Int)
    case globalStabilisation
}
