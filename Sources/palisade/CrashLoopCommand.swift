import ArgumentParser
import Foundation
import Glibc
import PalisadeConsensus
import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes

/// Hidden test harness: the validator's persistence path without the network, for crash tests
/// that `kill -9` it at random moments (Tests/PalisadeStorageTests/CrashLoopTests.swift).
///
/// Each step mirrors what the validator shell does for one input: append the input that causes
/// a `signVote` (a timeout record) and `sync` the WAL, sign through `FilePrivValidator`, append
/// the signed vote (as the shell feeds it back), and only then print the signature, which stands
/// for the broadcast. On start it recovers the WAL and resumes at the last logged timeout,
/// re-issuing its vote as WAL replay would, with a fresh timestamp; the signer must answer with
/// the stored signature and timestamp, or sign fresh if the crash came before it persisted.
///
/// Output, one line per signature: `signed HEIGHT ROUND prevote|precommit BLOCKHASH UNIXNANOS SIGNATURE`.
struct DebugSignLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-sign-loop",
        abstract: "Sign votes forever through the WAL and the file signer (crash tests only).",
        shouldDisplay: false
    )

    @Option(help: "Directory with priv_validator_key.json; the state file and cs.wal are kept there.")
    var home: String

    @Option(name: .customLong("chain-id"), help: "Chain ID in the sign bytes.")
    var chainID: String

    @Option(help: "Stop after this many signatures (default: never).")
    var maxSignatures: Int?

    static let rounds: Int32 = 3

    func run() throws {
        var signer = try FilePrivValidator(directory: home)
        let wal = try ConsensusWAL(path: home + "/cs.wal")
        if let note = wal.recoveryNote { Self.emit(note + "\n", to: STDERR_FILENO) }

        var position = Timeout(height: 1, round: 0, step: .prevote, duration: 0)
        var logged = false
        for entry in try wal.readAll() {
            if case let .input(.timeout(timeout, _)) = entry {
                position = timeout
                logged = true
            }
        }
        var signatures = 0
        while maxSignatures.map({ signatures < $0 }) ?? true {
            let now = Self.now()
            if !logged {
                try wal.append(.timeout(position, now: now))
                try wal.sync()
            }
            let hash = SHA256Hash.digest(Array("block \(position.height)/\(position.round)".utf8))
            let vote = Vote(type: position.step == .precommit ? .precommit : .prevote,
                            height: position.height, round: position.round,
                            blockID: BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: hash)),
                            timestamp: now, validatorAddress: signer.address, validatorIndex: 0)
            let signed = try signer.signVote(vote, chainID: chainID)
            try wal.append(.vote(signed, now: now))
            Self.emit("signed \(signed.height) \(signed.round) \(signed.type == .precommit ? "precommit" : "prevote") "
                      + "\(hash.hex) \(signed.timestamp.unixNanos) \(signed.signature.hex)\n", to: STDOUT_FILENO)
            signatures += 1
            position = Self.next(after: position)
            if position.round == 0 && position.step == .prevote { try wal.append(.endHeight(position.height - 1)) }
            logged = false
        }
        try wal.sync()
    }

    static func next(after t: Timeout) -> Timeout {
        if t.step == .prevote { return Timeout(height: t.height, round: t.round, step: .precommit, duration: 0) }
        if t.round + 1 < rounds { return Timeout(height: t.height, round: t.round + 1, step: .prevote, duration: 0) }
        return Timeout(height: t.height + 1, round: 0, step: .prevote, duration: 0)
    }

    /// Wall clock, so a replayed vote differs from the stored one only in its timestamp.
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanos: Int32(spec.tv_nsec))
    }

    /// One `write` per line, so a reader on a pipe never sees half a line from a killed process.
    static func emit(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
