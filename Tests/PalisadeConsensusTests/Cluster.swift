import PalisadeConsensus
import PalisadeTypes

/// A tiny synchronous network of `ConsensusState`s for end-to-end checks of the core: every
/// directive is executed at once (votes and proposals reach everyone, ourselves included, in
/// FIFO order), and a timeout fires only when no message is in flight. Deterministic, so replay
/// and agreement can be checked exactly.
struct Cluster {
    let net: Net
    let maxHeight: Int64
    var nodes: [ConsensusState]
    /// Per node: every input it persisted, and every non-empty output, in order.
    var wals: [[Input]]
    var outputs: [[[Directive]]]
    var decided: [[Int64: Decision]]
    var evidence: [(first: Vote, second: Vote)] = []
    /// Nodes that never run (crashed): nothing is delivered to them.
    var silent: Set<Int> = []
    /// Proposals of these (height, round) pairs are lost in transit.
    var lostProposals: Set<[Int64]> = []
    private var queue: [(node: Int, input: Input)] = []
    private var head = 0
    private var timers: [(node: Int, timeout: Timeout)] = []
    private(set) var now = Timestamp(seconds: 1_700_000_000)

    init(powers: [Int64], maxHeight: Int64) {
        net = Net(powers: powers)
        self.maxHeight = maxHeight
        nodes = net.set.validators.map {
            ConsensusState(chainID: "cluster", validatorAddress: $0.address, config: TimeoutConfig())
        }
        wals = Array(repeating: [], count: nodes.count)
        outputs = Array(repeating: [], count: nodes.count)
        decided = Array(repeating: [:], count: nodes.count)
    }

    /// Runs until every live node decided `maxHeight` or `inputLimit` inputs were handled.
    mutating func run(inputLimit: Int = 20_000) {
        for node in nodes.indices where !silent.contains(node) {
            enqueue(node, .startHeight(HeightStart(height: 1, validators: net.set, lastBlockTime: now, now: now)))
        }
        var handled = 0
        while handled < inputLimit, !allDecided {
            if head < queue.count {
                let (node, input) = queue[head]
                head += 1
                deliver(input, to: node)
                handled += 1
            } else if !timers.isEmpty {
                let (node, timeout) = timers.removeFirst()
                now = now.adding(milliseconds: timeout.duration)
                deliver(.timeout(timeout, now: now), to: node)
                handled += 1
            } else {
                return
            }
        }
    }

    var allDecided: Bool {
        nodes.indices.allSatisfy { silent.contains($0) || decided[$0][maxHeight] != nil }
    }

    private mutating func enqueue(_ node: Int, _ input: Input) {
        guard !silent.contains(node) else { return }
        queue.append((node, input))
    }

    private mutating func broadcast(_ input: Input) {
        for node in nodes.indices { enqueue(node, input) }
    }

    private mutating func deliver(_ input: Input, to node: Int) {
        now = now.adding(milliseconds: 1)
        let out = nodes[node].handle(input)
        guard !out.isEmpty else { return }
        wals[node].append(input)
        outputs[node].append(out)
        for directive in out { execute(directive, from: node) }
    }

    private mutating func execute(_ directive: Directive, from node: Int) {
        switch directive {
        case .persist:
            break
        case .signVote(let vote):
            broadcast(.vote(vote, now: now))
        case .signProposal(let proposal):
            if lostProposals.contains([proposal.height, Int64(proposal.round)]) { return }
            for target in nodes.indices {
                enqueue(target, .proposal(proposal, now: now))
                enqueue(target, .proposalValidity(height: proposal.height, round: proposal.round,
                                                  blockID: proposal.blockID, valid: true, now: now))
            }
        case .requestProposal(let height, let round):
            enqueue(node, .proposalValue(height: height, round: round, blockID: block("h\(height) r\(round) by \(node)"),
                                         now: now))
        case .scheduleTimeout(let timeout):
            timers.append((node, timeout))
        case .decide(let decision):
            decided[node][decision.height] = decision
            if decision.height < maxHeight {
                let lastBlockTime = MedianTime.of(decision.commit, validators: net.set) ?? now
                enqueue(node, .startHeight(HeightStart(height: decision.height + 1, validators: net.set,
                                                       lastBlockTime: lastBlockTime, now: now)))
            }
        case .duplicateVote(let first, let second):
            evidence.append((first, second))
        }
    }
}
