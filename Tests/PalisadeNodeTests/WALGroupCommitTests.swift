import Foundation
@testable import PalisadeNode
import PalisadeConsensus
import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes
import Synchronization
import Testing

/// The WAL's group commit (ARCHITECTURE §5 rule 2a): inputs are appended as the core asks and
/// synced once, before anything they caused reaches beyond the process. These watch the port
/// calls of real validators: the signer is never asked while an input is unsynced, and a height
/// costs far fewer syncs than inputs (one each, before).
@Suite("Consensus driver: WAL group commit")
struct WALGroupCommitTests {
    @Test("no signature is asked for while an input is unsynced; a height syncs once per batch, not once per input")
    func syncsBeforeSigningAndOncePerBatch() async throws {
        let cluster = try InProcessCluster(validators: 4)
        let logs = RecordingLogs()
        cluster.portsOverride = { index, path, signer in
            let log = try RecordingLog(path: path)
            logs.add(log, member: index)
            return (log, SyncCheckingSigner(signer: signer, log: log))
        }
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(8)
        await cluster.stopAll()
        #expect(reached)
        for (index, log) in logs.byMember {
            let counts = log.counts
            #expect(counts.signaturesWhileUnsynced == 0, "node\(index) was asked to sign with unsynced inputs")
            #expect(counts.signatures > 0, "node\(index) signed nothing")
            // Each height logs about eleven inputs (its start, the proposal and its verdict, four
            // prevotes, three or four precommits) and needs five syncs: before each of our two
            // signatures, after each of our two votes, before executing the decided block.
            #expect(counts.syncs * 3 < counts.inputs * 2, "node\(index): \(counts.syncs) syncs for \(counts.inputs) inputs")
        }
    }
}

/// Each member's log, as the cluster opened them.
final class RecordingLogs: Sendable {
    private let logs = Mutex<[Int: RecordingLog]>([:])

    func add(_ log: RecordingLog, member: Int) { logs.withLock { $0[member] = log } }

    var byMember: [(Int, RecordingLog)] { logs.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } } }
}

/// A `ConsensusLog` over a real WAL that counts what was appended since the last sync.
final class RecordingLog: ConsensusLog, Sendable {
    struct Counts {
        var inputs = 0
        var syncs = 0
        var unsynced = 0
        var signatures = 0
        var signaturesWhileUnsynced = 0
    }

    private let state: Mutex<(wal: ConsensusWAL, counts: Counts)>
    let path: String
    let recoveryNote: String?

    init(path: String) throws {
        let wal = try ConsensusWAL(path: path)
        self.path = path
        recoveryNote = wal.recoveryNote
        state = Mutex((wal, Counts()))
    }

    var counts: Counts { state.withLock { $0.counts } }

    func append(_ entry: WALEntry) throws(WALError) {
        try state.withLock { (state: inout (wal: ConsensusWAL, counts: Counts)) throws(WALError) in
            try state.wal.append(entry)
            state.counts.unsynced += 1
            if case .input = entry { state.counts.inputs += 1 }
        }
    }

    func sync() throws(WALError) {
        try state.withLock { (state: inout (wal: ConsensusWAL, counts: Counts)) throws(WALError) in
            try state.wal.sync()
            state.counts.syncs += 1
            state.counts.unsynced = 0
        }
    }

    func entries(forHeight height: Int64) throws(WALError) -> [WALEntry] {
        try state.withLock { (state: inout (wal: ConsensusWAL, counts: Counts)) throws(WALError) in
            try state.wal.entries(forHeight: height)
        }
    }

    func heightStored(_ height: Int64) throws(WALError) {
        try state.withLock { (state: inout (wal: ConsensusWAL, counts: Counts)) throws(WALError) in
            try state.wal.heightStored(height)
        }
    }

    /// A signature was asked for: noted, with whether the log held unsynced records then.
    func signing() {
        state.withLock { state in
            state.counts.signatures += 1
            if state.counts.unsynced > 0 { state.counts.signaturesWhileUnsynced += 1 }
        }
    }
}

/// The file signer, reporting each request to the log first.
struct SyncCheckingSigner: ConsensusSigner {
    var signer: FilePrivValidator
    let log: RecordingLog

    var address: Address { signer.address }
    var signRecord: LastSignState? { signer.signRecord }

    mutating func sign(_ vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        log.signing()
        return try await signer.sign(vote, chainID: chainID)
    }

    mutating func sign(_ proposal: Proposal, chainID: String) async throws(SignerError) -> Proposal {
        log.signing()
        return try await signer.sign(proposal, chainID: chainID)
    }

    func signExtension(of vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        try await signer.signExtension(of: vote, chainID: chainID)
    }
}
