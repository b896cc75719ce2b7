import Foundation
import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("FilePrivValidator: bad files and crashes inside the durable write")
struct FilePrivValidatorFileTests {
    let chainID = Fixture.chainID

    private func openError(_ home: TemporaryDirectory) -> FilePrivValidatorError? {
        do {
            _ = try FilePrivValidator(directory: home.path)
            return nil
        } catch {
            return error
        }
    }

    @Test func malformedStateFileNamesTheFileAndField() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        let statePath = home.file(LastSignState.fileName)
        let cases: [(String, String)] = [
            (#"{"height": "x", "round": 0, "step": 0}"#, "height"),
            (#"{"height": "1", "round": -1, "step": 0}"#, "round"),
            (#"{"height": "1", "round": 0, "step": 9}"#, "step"),
            (#"{"height": "1", "round": 0, "step": 2, "signature": "AAAA"}"#, "signature"),
            (#"{"height": "1", "round": 0, "step": 2, "signbytes": "zz"}"#, "signbytes"),
            (#"{"round": 0, "step": 0}"#, "height"),
        ]
        for (json, field) in cases {
            try home.write(Array(json.utf8), to: LastSignState.fileName)
            let error = try #require(openError(home), "\(json)")
            guard case let .malformedFile(fileError) = error else {
                Issue.record("expected a malformed-file error for \(json), got \(error)")
                continue
            }
            #expect(fileError.file == statePath)
            #expect(fileError.field == field, "\(json): \(fileError)")
            #expect(error.description.contains(statePath))
        }
        try home.write(Array("not json".utf8), to: LastSignState.fileName)
        guard case let .malformedFile(fileError) = try #require(openError(home)) else {
            Issue.record("expected a malformed-file error")
            return
        }
        #expect(fileError.file == statePath)
    }

    @Test func malformedKeyFileNamesTheFileAndField() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        let keyPath = home.file(PrivValidatorKey.fileName)
        let good = try String(decoding: home.read(PrivValidatorKey.fileName), as: UTF8.self)
        let otherAddress = try Fixture.privateKey(9).publicKey.address.bytes.upperHex
        let ownAddress = try Fixture.privateKey().publicKey.address.bytes.upperHex
        try home.write(Array(good.replacingOccurrences(of: ownAddress, with: otherAddress).utf8), to: PrivValidatorKey.fileName)
        guard case let .malformedFile(error) = try #require(openError(home)) else {
            Issue.record("expected a malformed-file error")
            return
        }
        #expect(error.file == keyPath)
        #expect(error.field == "address")

        try home.write(Array(#"{"address": "00"}"#.utf8), to: PrivValidatorKey.fileName)
        guard case let .malformedFile(missing) = try #require(openError(home)) else {
            Issue.record("expected a malformed-file error")
            return
        }
        #expect(missing.file == keyPath)
        #expect(missing.field.hasPrefix("priv_key"))
        #expect(!home.exists(LastSignState.fileName), "no state file is created for a key that does not load")
    }

    @Test func missingKeyFileNamesTheFile() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let error = try #require(openError(home))
        guard case let .io(ioError) = error else {
            Issue.record("expected an I/O error, got \(error)")
            return
        }
        #expect(ioError.path == home.file(PrivValidatorKey.fileName))
        #expect(ioError.errno == ENOENT)
    }

    /// A crash at each stage of the state file's durable write, simulated in-process: the call
    /// fails without releasing a signature, the state file holds either the old or the new state
    /// (never a mix), and the reopened signer still refuses everything before the old state.
    @Test(arguments: AtomicFileReplace.Stage.allCases)
    func crashInsideThePersistReleasesNothing(stage: AtomicFileReplace.Stage) throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let first = try signer.signVote(Fixture.vote(height: 2, round: 0, address: signer.address), chainID: chainID)
        let old = signer.lastSignState

        signer.crashAfterForTesting = stage
        let next = Fixture.vote(height: 3, round: 0, time: Fixture.time(5), address: signer.address)
        #expect(throws: FilePrivValidatorError.self) { try signer.signVote(next, chainID: chainID) }
        #expect(signer.lastSignState == old, "memory is not advanced when persisting failed")

        var reopened = try FilePrivValidator(directory: home.path)
        switch stage {
        case .tempWritten, .tempSynced:
            #expect(reopened.lastSignState == old, "the rename did not happen: the old state is intact")
        case .renamed:
            #expect(reopened.lastSignState.height == 3, "the rename is atomic: the new state is whole")
        }
        #expect(throws: FilePrivValidatorError.refused(.heightRegression(height: 1, lastHeight: reopened.lastSignState.height))) {
            try reopened.signVote(Fixture.vote(height: 1, round: 0, address: reopened.address), chainID: chainID)
        }
        // Retrying the same vote after the crash yields one signature: Ed25519 is deterministic, and
        // after the rename the stored one comes back.
        let retried = try reopened.signVote(next, chainID: chainID)
        #expect(retried.verifySignature(chainID: chainID, publicKey: reopened.key.publicKey))
        #expect(retried.signature != first.signature)
        #expect(try reopened.signVote(next, chainID: chainID) == retried)
    }

    @Test func leftoverTempFileFromACrashIsIgnoredAndReplaced() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        _ = try signer.signVote(Fixture.vote(height: 2, round: 0, address: signer.address), chainID: chainID)
        try home.write(Array("half a fi".utf8), to: "." + LastSignState.fileName + ".tmp")
        var reopened = try FilePrivValidator(directory: home.path)
        #expect(reopened.lastSignState.height == 2)
        _ = try reopened.signVote(Fixture.vote(height: 3, round: 0, address: reopened.address), chainID: chainID)
        #expect(try FilePrivValidator(directory: home.path).lastSignState.height == 3)
    }
}

@Suite("FilePrivValidator: one process per state file")
struct SignerStateLockTests {
    /// A second process holding the lock (Python's `lockf`, the same POSIX record lock) keeps
    /// this one from opening the signer; once it is gone, the signer opens.
    @Test func aStateFileLockedByAnotherProcessIsRefused() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        let lockPath = home.file(LastSignState.fileName) + ".lock"
        let script = """
            import fcntl, sys, time
            f = open(sys.argv[1], "a")
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print("locked", flush=True)
            time.sleep(600)
            """
        let holder = try ChildProcess("/usr/bin/env", ["python3", "-c", script, lockPath])
        defer { holder.killAndWait() }
        #expect(holder.readLines(atLeast: 1) == ["locked"], "\(holder.standardError())")
        #expect(throws: FilePrivValidatorError.stateLocked(path: lockPath)) { try FilePrivValidator(directory: home.path) }
        holder.killAndWait()
        let signer = try FilePrivValidator(directory: home.path)
        #expect(signer.statePath == home.file(LastSignState.fileName))
    }
}
