import Foundation
import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("FilePrivValidator: the double-sign guard on disk")
struct FilePrivValidatorTests {
    let chainID = Fixture.chainID

    @Test func firstStartCreatesTheInitialStateFile() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        #expect(!home.exists(LastSignState.fileName))
        let signer = try FilePrivValidator(directory: home.path)
        #expect(signer.lastSignState == .initial)
        let onDisk = try LastSignState(jsonData: Data(try home.read(LastSignState.fileName)))
        #expect(onDisk == .initial)
        #expect(signer.address == (try Fixture.privateKey()).publicKey.address)
    }

    @Test func signsAVoteAndPersistsBeforeReturning() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let vote = Fixture.vote(height: 3, round: 1, address: signer.address)
        let signed = try signer.signVote(vote, chainID: chainID)
        #expect(signed.verifySignature(chainID: chainID, publicKey: signer.key.publicKey))
        #expect(signed.timestamp == vote.timestamp)
        let onDisk = try LastSignState(jsonData: Data(try home.read(LastSignState.fileName)))
        #expect(onDisk == LastSignState(height: 3, round: 1, step: .prevote, signature: signed.signature,
                                         signBytes: vote.signBytes(chainID: chainID)))
        #expect(!home.exists("." + LastSignState.fileName + ".tmp"), "the temp file was renamed over the state file")
    }

    @Test func signsAProposal() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let proposal = Fixture.proposal(height: 2, round: 0)
        let signed = try signer.signProposal(proposal, chainID: chainID)
        #expect(signer.key.publicKey.verify(signature: signed.signature, message: proposal.signBytes(chainID: chainID)))
        #expect(signer.lastSignState.step == .propose)
        // The prevote of the same round comes after the proposal; the proposal again is a replay.
        _ = try signer.signVote(Fixture.vote(height: 2, round: 0, address: signer.address), chainID: chainID)
        #expect(throws: FilePrivValidatorError.refused(.stepRegression(height: 2, round: 0, step: .propose, lastStep: .prevote))) {
            try signer.signProposal(proposal, chainID: chainID)
        }
    }

    @Test func refusesRegressionsInHeightRoundAndStep() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let address = signer.address
        _ = try signer.signVote(Fixture.vote(.precommit, height: 10, round: 2, address: address), chainID: chainID)
        let before = try home.read(LastSignState.fileName)

        #expect(throws: FilePrivValidatorError.refused(.heightRegression(height: 9, lastHeight: 10))) {
            try signer.signVote(Fixture.vote(.precommit, height: 9, round: 5, address: address), chainID: chainID)
        }
        #expect(throws: FilePrivValidatorError.refused(.roundRegression(height: 10, round: 1, lastRound: 2))) {
            try signer.signVote(Fixture.vote(.precommit, height: 10, round: 1, address: address), chainID: chainID)
        }
        #expect(throws: FilePrivValidatorError.refused(.stepRegression(height: 10, round: 2, step: .prevote, lastStep: .precommit))) {
            try signer.signVote(Fixture.vote(.prevote, height: 10, round: 2, address: address), chainID: chainID)
        }
        #expect(throws: FilePrivValidatorError.refused(.stepRegression(height: 10, round: 2, step: .propose, lastStep: .precommit))) {
            try signer.signProposal(Fixture.proposal(height: 10, round: 2), chainID: chainID)
        }
        #expect(try home.read(LastSignState.fileName) == before, "a refusal writes nothing")
    }

    @Test func identicalBytesReturnTheStoredSignature() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let vote = Fixture.vote(height: 4, round: 0, address: signer.address)
        let first = try signer.signVote(vote, chainID: chainID)
        let again = try signer.signVote(vote, chainID: chainID)
        #expect(again == first)
    }

    @Test func timestampOnlyDifferenceReturnsStoredSignatureAndTimestamp() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let vote = Fixture.vote(.precommit, height: 4, round: 1, time: Fixture.time(10), address: signer.address)
        let first = try signer.signVote(vote, chainID: chainID)
        var later = vote
        later.timestamp = Fixture.time(99, nanos: 5)
        let replay = try signer.signVote(later, chainID: chainID)
        #expect(replay.signature == first.signature)
        #expect(replay.timestamp == Fixture.time(10))
        #expect(replay.verifySignature(chainID: chainID, publicKey: signer.key.publicKey))

        let proposal = Fixture.proposal(height: 5, round: 0, time: Fixture.time(20))
        let signedProposal = try signer.signProposal(proposal, chainID: chainID)
        var laterProposal = proposal
        laterProposal.timestamp = Fixture.time(21)
        let replayedProposal = try signer.signProposal(laterProposal, chainID: chainID)
        #expect(replayedProposal.signature == signedProposal.signature)
        #expect(replayedProposal.timestamp == Fixture.time(20))
    }

    @Test func differentBlockAtTheSameHeightRoundStepIsRefused() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        _ = try signer.signVote(Fixture.vote(height: 6, round: 0, block: 1, address: signer.address), chainID: chainID)
        #expect(throws: FilePrivValidatorError.refused(.conflictingData(height: 6, round: 0, step: .prevote))) {
            try signer.signVote(Fixture.vote(height: 6, round: 0, block: 2, address: signer.address), chainID: chainID)
        }
        #expect(throws: FilePrivValidatorError.refused(.conflictingData(height: 6, round: 0, step: .prevote))) {
            try signer.signVote(Fixture.vote(height: 6, round: 0, block: nil, address: signer.address), chainID: chainID)
        }
        _ = try signer.signProposal(Fixture.proposal(height: 7, round: 0, block: 1), chainID: chainID)
        #expect(throws: FilePrivValidatorError.refused(.conflictingData(height: 7, round: 0, step: .propose))) {
            try signer.signProposal(Fixture.proposal(height: 7, round: 0, block: 2), chainID: chainID)
        }
    }

    @Test func stateSurvivesReopening() throws {
        let home = try Fixture.home()
        defer { home.remove() }
        var signer = try FilePrivValidator(directory: home.path)
        let vote = Fixture.vote(.precommit, height: 8, round: 3, time: Fixture.time(1), address: signer.address)
        let signed = try signer.signVote(vote, chainID: chainID)

        var reopened = try FilePrivValidator(directory: home.path)
        #expect(reopened.lastSignState == signer.lastSignState)
        #expect(throws: FilePrivValidatorError.refused(.heightRegression(height: 7, lastHeight: 8))) {
            try reopened.signVote(Fixture.vote(height: 7, round: 0, address: reopened.address), chainID: chainID)
        }
        var replay = vote
        replay.timestamp = Fixture.time(2)
        #expect(try reopened.signVote(replay, chainID: chainID) == signed)
        #expect(throws: FilePrivValidatorError.refused(.conflictingData(height: 8, round: 3, step: .precommit))) {
            try reopened.signVote(Fixture.vote(.precommit, height: 8, round: 3, block: 9, address: reopened.address), chainID: chainID)
        }
    }
}
