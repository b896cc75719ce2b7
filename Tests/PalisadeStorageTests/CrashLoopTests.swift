import Foundation
import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

/// Real processes, real `kill -9`: `palisade debug-sign-loop` logs an input to the WAL, syncs,
/// signs through `FilePrivValidator` and prints each signature; the test kills it at seeded
/// random moments, restarts it, and checks what crash safety promises (ARCHITECTURE §5): it always
/// comes back, its files always load, and no (height, round, step) ever got two signatures.
///
/// SIGKILL leaves the page cache intact, so this exercises the ordering (persist, then release)
/// at every point of the loop, including inside each write, rename and fsync; what the fsyncs
/// add against power loss is covered by the in-process crash tests at each stage.
@Suite("Crash loop: palisade debug-sign-loop killed and restarted")
struct CrashLoopTests {
    static let binary: String? = {
        var directories: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        return directories.map { $0.appendingPathComponent("palisade").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Signed: Hashable {
        var height: Int64
        var round: Int32
        var step: String
    }

    static let kills = 60
    static let chainID = "crash-loop"

    @Test(.enabled(if: binary != nil, "the palisade binary is not next to the test bundle: run `swift build --build-tests` first"))
    func killedAtRandomMomentsNeverDoubleSigns() throws {
        let binary = try #require(Self.binary)
        let home = try Fixture.home()
        defer { home.remove() }
        let publicKey = try Fixture.privateKey().publicKey
        var generator = SplitMix64(seed: 0x5EED_CAFE)
        var signatures: [Signed: Set<String>] = [:]
        var lines = 0
        var recoveryNotes = 0

        for run in 0..<Self.kills {
            let waitForLines = Int.random(in: 0...4, using: &generator)
            let delayMicros = UInt32.random(in: 0..<3000, using: &generator)
            let child = try ChildProcess(binary, ["debug-sign-loop", "--home", home.path, "--chain-id", Self.chainID])
            defer { child.killAndWait() }
            var output = child.readLines(atLeast: waitForLines)
            usleep(delayMicros)
            child.killAndWait()
            output += child.remainingLines()
            let stderr = child.standardError()
            #expect(child.wasKilled, "run \(run): exited by itself (status \(child.status)): \(stderr)")
            #expect(output.count >= waitForLines, "run \(run): printed \(output.count) of \(waitForLines) lines: \(stderr)")

            for line in output {
                let signed = try #require(Self.check(line, publicKey: publicKey), "run \(run): bad line \(line)")
                signatures[signed.key, default: []].insert(signed.signature)
            }
            lines += output.count

            // The state file always loads and is at least as far as every signature printed.
            let state = try LastSignState(jsonData: Data(try home.read(LastSignState.fileName)))
            if let last = output.last.flatMap({ Self.check($0, publicKey: publicKey) }) {
                let step: SignStep = last.key.step == "precommit" ? .precommit : .prevote
                #expect((last.key.height, last.key.round, step.rawValue) <= (state.height, state.round, state.step.rawValue),
                        "run \(run): state \(state) is behind a released signature \(last.key)")
            }
            // A power loss may also lose or tear the records whose sync had not returned. Often cut
            // into such a last record, so the restarted process runs on a recovered log.
            if Bool.random(using: &generator) { try Self.tearUnsyncedTail(home, state: state, using: &generator) }
            // The WAL always recovers (a torn tail is cut, never an error). Opened here, before the
            // next run, so the test sees every tail the kill left.
            let wal = try ConsensusWAL(path: home.file("cs.wal"))
            _ = try wal.readAll()
            if wal.recoveryNote != nil { recoveryNotes += 1 }
        }

        // After all that it still starts, resumes and exits cleanly.
        let final = try ChildProcess(binary, ["debug-sign-loop", "--home", home.path, "--chain-id", Self.chainID,
                                              "--max-signatures", "3"])
        defer { final.killAndWait() }
        let finalLines = final.readLines(atLeast: Int.max)
        final.wait()
        #expect(final.status == 0, "final run: \(final.standardError())")
        #expect(finalLines.count == 3)
        for line in finalLines {
            let signed = try #require(Self.check(line, publicKey: publicKey))
            signatures[signed.key, default: []].insert(signed.signature)
        }

        let doubles = signatures.filter { $0.value.count > 1 }
        #expect(doubles.isEmpty, "two signatures for one (height, round, step): \(doubles)")
        #expect(signatures.count > Self.kills / 2, "the loop made progress across restarts")
        #expect(recoveryNotes > 0, "some runs restarted on a log with a torn tail")
        print("crash loop: \(Self.kills) kills, \(lines + finalLines.count) signature lines, "
              + "\(signatures.count) distinct (height, round, step), \(recoveryNotes) WAL tail truncations")
    }

    /// Cuts the WAL inside its last record when a power loss could have torn it: the loop never
    /// syncs the signed vote or the end-of-height marker it appends, and a timeout whose vote
    /// the state file does not show yet may have been killed inside its `sync` (nothing it
    /// caused has left the process, so losing it is what a crash before the sync returns does).
    static func tearUnsyncedTail(_ home: TemporaryDirectory, state: LastSignState,
                                 using generator: inout SplitMix64) throws {
        let bytes = try home.read("cs.wal")
        let scan = try WALScan.scan(bytes, path: "cs.wal")
        guard let last = scan.entries.last, scan.damage == nil else { return }
        if case let .input(.timeout(timeout, _)) = last.entry {
            let step: SignStep = timeout.step == .precommit ? .precommit : .prevote
            guard (state.height, state.round, state.step.rawValue) < (timeout.height, timeout.round, step.rawValue) else { return }
        }
        let cut = Int.random(in: last.offset..<bytes.count, using: &generator)
        try home.write(Array(bytes[..<cut]), to: "cs.wal")
    }

    /// Parses `signed H R STEP BLOCKHASH UNIXNANOS SIGNATURE` and verifies the signature over the
    /// vote it describes (so a stored signature always comes back with its stored timestamp).
    static func check(_ line: String, publicKey: Ed25519PublicKey) -> (key: Signed, signature: String)? {
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count == 7, fields[0] == "signed", let height = Int64(fields[1]), let round = Int32(fields[2]),
              let hash = Bytes(hex: fields[4]), let nanos = Int64(fields[5]), let signature = Bytes(hex: fields[6])
        else { return nil }
        let type: VoteType
        switch fields[3] {
        case "prevote": type = .prevote
        case "precommit": type = .precommit
        default: return nil
        }
        let vote = Vote(type: type, height: height, round: round,
                        blockID: BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: hash)),
                        timestamp: Timestamp(unixNanos: nanos), validatorAddress: publicKey.address, validatorIndex: 0,
                        signature: signature)
        guard vote.verifySignature(chainID: chainID, publicKey: publicKey) else { return nil }
        return (Signed(height: height, round: round, step: fields[3]), fields[6])
    }
}
