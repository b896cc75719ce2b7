import PalisadeTypes

extension Application {
    /// Answers one request as the socket server will: `echo` and `flush` by the connection itself,
    /// everything else by the matching method. An app's thrown error becomes an `exception`
    /// response, which CometBFT treats as fatal, so the error's text reaches the operator.
    public func respond(to request: ABCIRequest) async -> ABCIResponse {
        do {
            switch request {
            case .echo(let message): return .echo(message)
            case .flush: return .flush
            case .info(let r): return .info(try await info(r))
            case .initChain(let r): return .initChain(try await initChain(r))
            case .query(let r): return .query(try await query(r))
            case .checkTx(let r): return .checkTx(try await checkTx(r))
            case .commit: return .commit(try await commit())
            case .listSnapshots: return .listSnapshots(try await listSnapshots())
            case .offerSnapshot(let r): return .offerSnapshot(try await offerSnapshot(r))
            case .loadSnapshotChunk(let r): return .loadSnapshotChunk(try await loadSnapshotChunk(r))
            case .applySnapshotChunk(let r): return .applySnapshotChunk(try await applySnapshotChunk(r))
            case .prepareProposal(let r): return .prepareProposal(try await prepareProposal(r))
            case .processProposal(let r): return .processProposal(try await processProposal(r))
            case .extendVote(let r): return .extendVote(try await extendVote(r))
            case .verifyVoteExtension(let r): return .verifyVoteExtension(try await verifyVoteExtension(r))
            case .finalizeBlock(let r): return .finalizeBlock(try await finalizeBlock(r))
            }
        } catch {
            return .exception(String(describing: error))
        }
    }
}
