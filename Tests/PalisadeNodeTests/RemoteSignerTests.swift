import Foundation
import Logging
import PalisadeABCISocket
import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes
import Testing
@testable import PalisadeNode

/// The node's `RemoteSigner` and `palisade signer`'s dialer and answerer, over a real socket:
/// the key comes over the wire, signatures verify, the signer's guard refuses a double sign over
/// the wire, and a signer that goes away costs signatures, never the node, until it dials again.
@Suite(.timeLimit(.minutes(1))) struct RemoteSignerTests {
    static let chainID = "privval-test"

    /// A listener, one signer dialing it, and the node's view, over a unix socket or loopback TCP.
    final class Rig: Sendable {
        let directory: String
        let listener: PrivvalListener
        let address: ABCIAddress
        let keyPath: String
        let statePath: String
        let key: PrivValidatorKey

        init(tcp: Bool) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-privval-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var generator = SystemRandomNumberGenerator()
            key = PrivValidatorKey.generate(using: &generator)
            keyPath = directory + "/priv_validator_key.json"
            statePath = directory + "/priv_validator_state.json"
            try key.jsonData().write(to: URL(fileURLWithPath: keyPath))
            var options = PrivvalListener.Options()
            options.requestTimeout = .seconds(2)
            let bind: ABCIAddress = tcp ? .tcp(host: "127.0.0.1", port: 0) : .unix(path: directory + "/privval.sock")
            listener = PrivvalListener(address: bind, options: options, logger: Logger(label: "test.privval"))
            try await listener.start()
            if tcp, let port = await listener.boundPort {
                address = .tcp(host: "127.0.0.1", port: port)
            } else {
                address = bind
            }
        }

        /// A signer process's loop, as `palisade signer` runs it; cancel the task to kill it.
        func startSigner(chainID: String = RemoteSignerTests.chainID, keyPath: String? = nil,
                         statePath: String? = nil) throws -> Task<Void, Never> {
            let file = try FilePrivValidator(keyPath: keyPath ?? self.keyPath, statePath: statePath ?? self.statePath)
            let dialer = PrivvalDialer(address: address, answerer: PrivvalAnswerer(signer: file, chainID: chainID),
                                       logger: Logger(label: "test.signer"))
            return Task { await dialer.run() }
        }

        func close() async {
            await listener.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func vote(_ type: VoteType, height: Int64, round: Int32 = 0, block: UInt8?, address: Address) -> Vote {
        let blockID = block.map { BlockID(hash: Bytes(repeating: $0, count: 32),
                                          partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: $0 &+ 1, count: 32))) }
        return Vote(type: type, height: height, round: round, blockID: blockID ?? .zero,
                    timestamp: Timestamp(seconds: 1_700_000_000 + height), validatorAddress: address, validatorIndex: 0)
    }

    @Test(arguments: [false, true]) func signsOverTheWire(tcp: Bool) async throws {
        let rig = try await Rig(tcp: tcp)
        let signerTask = try rig.startSigner()
        defer { signerTask.cancel() }
        let signer = try await RemoteSigner(listener: rig.listener, chainID: Self.chainID)
        #expect(signer.publicKey == rig.key.publicKey)

        let prevote = Self.vote(.prevote, height: 1, block: 7, address: signer.address)
        let signed = try await signer.sign(prevote, chainID: Self.chainID)
        #expect(signed.verifySignature(chainID: Self.chainID, publicKey: rig.key.publicKey))

        let proposal = Proposal(height: 2, round: 0, polRound: -1, blockID: prevote.blockID,
                                timestamp: Timestamp(seconds: 1_700_000_100))
        let signedProposal = try await signer.sign(proposal, chainID: Self.chainID)
        #expect(signedProposal.verifySignature(chainID: Self.chainID, publicKey: rig.key.publicKey))

        // A precommit for a block, then its extension: the same signature, the extension signed.
        let precommit = try await signer.sign(Self.vote(.precommit, height: 2, block: 7, address: signer.address),
                                              chainID: Self.chainID)
        #expect(precommit.extensionSignature.isEmpty)
        var extended = precommit
        extended.extension = Bytes("ext".utf8)
        let withExtension = try await signer.signExtension(of: extended, chainID: Self.chainID)
        #expect(withExtension.signature == precommit.signature)
        #expect(withExtension.verifyExtensionSignature(chainID: Self.chainID, publicKey: rig.key.publicKey))
        await rig.close()
    }

    /// The signer's guard, reached over the wire: a different block at a signed (h, r, step), and
    /// a lower height, are refused with a RemoteSignerError; the node gets no signature.
    @Test func doubleSignIsRefusedOverTheWire() async throws {
        let rig = try await Rig(tcp: false)
        let signerTask = try rig.startSigner()
        defer { signerTask.cancel() }
        let signer = try await RemoteSigner(listener: rig.listener, chainID: Self.chainID)
        _ = try await signer.sign(Self.vote(.prevote, height: 5, block: 1, address: signer.address), chainID: Self.chainID)

        await #expect {
            _ = try await signer.sign(Self.vote(.prevote, height: 5, block: 2, address: signer.address), chainID: Self.chainID)
        } throws: { error in
            guard case .remoteRefused(_, let description) = error as? SignerError else { return false }
            return description.contains("conflicting")
        }
        await #expect {
            _ = try await signer.sign(Self.vote(.prevote, height: 4, block: 1, address: signer.address), chainID: Self.chainID)
        } throws: { error in
            if case .remoteRefused = error as? SignerError { true } else { false }
        }
        // Another chain's request is refused before the guard is asked.
        await #expect {
            _ = try await signer.sign(Self.vote(.prevote, height: 9, block: 1, address: signer.address), chainID: "other")
        } throws: { error in
            if case .remoteRefused = error as? SignerError { true } else { false }
        }
        // The record on disk is the first prevote's: nothing else was signed.
        let state = try LastSignState(jsonData: Data(contentsOf: URL(fileURLWithPath: rig.statePath)), fileName: "state")
        #expect(state.height == 5 && state.step == .prevote)
        await rig.close()
    }

    /// The node believes signatures, not connections: a signer with another key that dials in
    /// after the first one (a wrong key file, an impostor on the port) gets nothing used.
    @Test func answersAreVerifiedAgainstTheKeyFromStart() async throws {
        let rig = try await Rig(tcp: false)
        let first = try rig.startSigner()
        let signer = try await RemoteSigner(listener: rig.listener, chainID: Self.chainID)
        first.cancel()
        await first.value

        var generator = SystemRandomNumberGenerator()
        let otherKeyPath = rig.directory + "/other_key.json"
        try PrivValidatorKey.generate(using: &generator).jsonData().write(to: URL(fileURLWithPath: otherKeyPath))
        let impostor = try rig.startSigner(keyPath: otherKeyPath, statePath: rig.directory + "/other_state.json")
        defer { impostor.cancel() }
        await rig.listener.waitForSigner()
        await #expect {
            _ = try await signer.sign(Self.vote(.prevote, height: 1, block: 1, address: signer.address), chainID: Self.chainID)
        } throws: { error in
            guard case .unavailable(let reason) = error as? SignerError else { return false }
            return reason.contains("does not verify")
        }
        await rig.close()
    }

    /// A killed signer: requests fail as `unavailable` (the node misses the step); the restarted
    /// signer dials in again and signs, with its guard intact across the restart.
    @Test func signerRestartIsSurvived() async throws {
        let rig = try await Rig(tcp: false)
        var signerTask = try rig.startSigner()
        let signer = try await RemoteSigner(listener: rig.listener, chainID: Self.chainID)
        let first = Self.vote(.prevote, height: 1, block: 3, address: signer.address)
        _ = try await signer.sign(first, chainID: Self.chainID)

        signerTask.cancel()
        await signerTask.value
        await #expect {
            _ = try await signer.sign(Self.vote(.precommit, height: 1, block: 3, address: signer.address), chainID: Self.chainID)
        } throws: { error in
            if case .unavailable = error as? SignerError { true } else { false }
        }

        signerTask = try rig.startSigner()
        defer { signerTask.cancel() }
        await rig.listener.waitForSigner()
        // The restarted guard still refuses to contradict what was signed before the kill...
        await #expect {
            _ = try await signer.sign(Self.vote(.prevote, height: 1, block: 4, address: signer.address), chainID: Self.chainID)
        } throws: { error in
            if case .remoteRefused = error as? SignerError { true } else { false }
        }
        // ...and signs what comes next.
        let next = try await signer.sign(Self.vote(.prevote, height: 2, block: 3, address: signer.address), chainID: Self.chainID)
        #expect(next.verifySignature(chainID: Self.chainID, publicKey: rig.key.publicKey))
        await rig.close()
    }
}
