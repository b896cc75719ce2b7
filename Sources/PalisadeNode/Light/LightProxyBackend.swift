import Foundation
import PalisadeABCI
import PalisadeCrypto
import PalisadeLight
import PalisadeRPC
import PalisadeTypes

/// `palisade light`'s RPC: the primary's answers, each checked against headers the light client
/// verified. A block must hash to the verified header and its body must match the header's
/// hashes; a commit and a validator set are the verified ones; an app query must carry a proof
/// of the verified app hash. What cannot be checked against a header (mempool, app queries
/// without proofs, peers, consensus state) is refused rather than passed through unverified.
struct LightProxyBackend: RPCBackend {
    let client: LightClient
    let primary: JSONRPCClient
    let chainID: String

    private static func unverifiable(_ what: String) -> RPCError {
        RPCError.internalError("\(what) is not served by palisade light: it cannot be verified against a header")
    }

    /// The latest verified block, after asking the primary for its newest.
    private func latest() async throws -> LightBlock {
        do { return try await client.verifiedBlock(height: nil) } catch { throw Self.failure(error) }
    }

    private func verified(_ height: Int64) async throws -> LightBlock {
        do { return try await client.verifiedBlock(height: height) } catch { throw Self.failure(error) }
    }

    /// A lie or an unreachable primary is an error the caller sees, with the light client's words.
    private static func failure(_ error: LightClientError) -> RPCError {
        if case .provider(_, .lightBlockNotFound(let h)) = error {
            return .internalError("height \(h) is not available from the primary")
        }
        return .internalError("light client: \(error)")
    }

    func status() async throws -> NodeStatus {
        let top = try await latest()
        // The proxy signs nothing: an all-zero key with no power, as a non-validator shows.
        guard let noKey = Ed25519PublicKey(bytes: Bytes(repeating: 0, count: Ed25519PublicKey.size)) else {
            throw RPCError.internalError("status: no placeholder key")
        }
        let info = NodeInfo(id: "", listenAddress: "", network: chainID, version: Handshake.softwareVersion,
                            moniker: "palisade-light", txIndex: "off", rpcAddress: primary.address)
        let sync = SyncInfo(latestBlockHash: top.hash, latestAppHash: top.header.appHash, latestBlockHeight: top.height,
                            latestBlockTime: top.time, earliestBlockHash: [], earliestAppHash: [], earliestBlockHeight: 0,
                            earliestBlockTime: Timestamp(seconds: 0), catchingUp: false)
        return NodeStatus(nodeInfo: info, syncInfo: sync,
                          validatorInfo: ValidatorInfo(publicKey: noKey, votingPower: 0))
    }

    func netInfo() async throws -> NetInfo { NetInfo(listening: true, listeners: [], peers: []) }

    func blockStoreRange() async throws -> BlockStoreRange {
        BlockStoreRange(base: 1, height: try await latest().height)
    }

    func block(at height: Int64) async throws -> StoredBlock? {
        let trusted = try await verified(height)
        let answer = try await fromPrimary("block", ["height=\(height)"])
        return try Self.checked(answer, against: trusted)
    }

    func block(hash: Bytes) async throws -> StoredBlock? {
        let answer = try await fromPrimary("block_by_hash", ["hash=0x\(hash.upperHex)"])
        guard answer["block"] != nil, answer["block"] != .null else { return nil }
        let height: Int64
        do { height = try TypesJSONDecoder.header(answer["block"]?["header"]).height } catch {
            throw RPCError.internalError("primary's block_by_hash: \(error)")
        }
        let stored = try Self.checked(answer, against: try await verified(height))
        guard stored.blockID.hash == hash else { throw RPCError.internalError("primary answered another block") }
        return stored
    }

    private func fromPrimary(_ method: String, _ query: [String]) async throws -> JSONValue {
        do { return try await primary.result(method, query) } catch {
            throw RPCError.internalError("primary \(primary.address): \(error)")
        }
    }

    /// The primary's block, accepted only if it is the verified header's block with a matching body.
    static func checked(_ answer: JSONValue, against trusted: LightBlock) throws -> StoredBlock {
        let block: Block
        do { block = try TypesJSONDecoder.block(answer["block"]) } catch {
            throw RPCError.internalError("primary's block: \(error)")
        }
        guard block.header.hash() == trusted.hash else {
            throw RPCError.internalError("primary's block at height \(trusted.height) does not match the verified header "
                                         + "\(trusted.hash.upperHex)")
        }
        do { try block.validateBasic() } catch {
            throw RPCError.internalError("primary's block at height \(trusted.height): \(error)")
        }
        return StoredBlock(blockID: trusted.commit.blockID, block: block, size: block.protobuf.count)
    }

    func commit(at height: Int64) async throws -> SignedHeader? {
        let trusted = try await verified(height)
        let top = try await latest()
        return SignedHeader(header: trusted.header, commit: trusted.commit, canonical: height < top.height)
    }

    func validators(at height: Int64) async throws -> ValidatorSet? { try await verified(height).validatorSet }

    func blockResults(at height: Int64) async throws -> FinalizeBlockResponse? { throw Self.unverifiable("block_results") }
    func genesis() async throws -> GenesisDoc { throw Self.unverifiable("genesis") }
    func consensusParams(at height: Int64) async throws -> ConsensusParams? { throw Self.unverifiable("consensus_params") }
    func consensusState() async throws -> RoundStateSummary { throw Self.unverifiable("consensus_state") }
    func unconfirmedTxs(limit: Int) async throws -> UnconfirmedTxs { throw Self.unverifiable("the mempool") }
    func numUnconfirmedTxs() async throws -> UnconfirmedTxs { throw Self.unverifiable("the mempool") }
    func broadcastTxAsync(_ tx: Bytes) async throws { throw Self.unverifiable("broadcast_tx_async") }
    func broadcastTxSync(_ tx: Bytes) async throws -> CheckTxResponse { throw Self.unverifiable("broadcast_tx_sync") }
    func broadcastTxCommit(_ tx: Bytes) async throws -> BroadcastTxCommitResult { throw Self.unverifiable("broadcast_tx_commit") }
    func checkTx(_ tx: Bytes) async throws -> CheckTxResponse { throw Self.unverifiable("check_tx") }
    func tx(hash: Bytes) async throws -> IndexedTx? { throw Self.unverifiable("tx") }
    func txSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<IndexedTx> {
        throw Self.unverifiable("tx_search")
    }
    func blockSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<Int64> {
        throw Self.unverifiable("block_search")
    }
    func abciInfo() async throws -> InfoResponse { throw Self.unverifiable("abci_info") }
    /// Asked with a proof whatever the caller asked (`LightProxyQuery`), and answered only once
    /// the proof checks against the verified header of the answer's height + 1.
    func abciQuery(path: String, data: Bytes, height: Int64, prove: Bool) async throws -> QueryResponse {
        let answer = try await fromPrimary("abci_query", LightProxyQuery.arguments(path: path, data: data, height: height))
        let response = try LightProxyQuery.response(answer["response"])
        // An error answer (unknown path, pruned height) asserts no state, so there is nothing to prove.
        guard response.code == 0 else { return response }
        guard response.height > 0, response.height < Int64.max else {
            throw RPCError.internalError("primary's abci_query answer names height \(response.height)")
        }
        let header = try await verified(response.height + 1).header
        try LightProxyQuery.check(response, key: data, appHash: header.appHash)
        return response
    }
    func events() async -> AsyncStream<RPCEvent> { AsyncStream { $0.finish() } }
}
