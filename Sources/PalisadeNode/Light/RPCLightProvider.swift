import Foundation
import PalisadeLight
import PalisadeRPC
import PalisadeTypes

/// A light-block source over a full node's JSON-RPC (`commit` and `validators`, as CometBFT's
/// `http` provider): what `palisade light` and state sync use for the primary and witnesses.
/// Nothing it returns is trusted; it only decodes.
public struct RPCLightProvider: LightProvider {
    public let id: String
    private let rpc: JSONRPCClient
    /// CometBFT's `validators` caps `per_page` at 100.
    static let pageSize = 100
    /// A set with more validators than this is refused rather than paged for ever.
    static let maxValidators = 10_000

    /// `address` as operators write it: `http://host:port` or `tcp://host:port`.
    public init(address: String, timeout: TimeInterval = 10) throws(LightProviderError) {
        do { rpc = try JSONRPCClient(address: address, timeout: timeout) } catch { throw .noResponse("\(error)") }
        id = address
    }

    public func lightBlock(height: Int64?) async throws(LightProviderError) -> LightBlock {
        let signed = try await call("commit", height, height.map { ["height=\($0)"] } ?? [])
        let header: Header, commit: Commit
        do {
            header = try TypesJSONDecoder.header(signed["signed_header"]?["header"], "signed_header.header")
            commit = try TypesJSONDecoder.commit(signed["signed_header"]?["commit"], "signed_header.commit")
        } catch { throw .badResponse("commit: \(error)") }
        if let height, header.height != height {
            throw .badResponse("asked for height \(height), got \(header.height)")
        }
        return LightBlock(header: header, commit: commit, validatorSet: try await validators(at: header.height))
    }

    private func validators(at height: Int64) async throws(LightProviderError) -> ValidatorSet {
        var entries: [JSONValue] = []
        var page = 1
        while true {
            let result = try await call("validators", height, ["height=\(height)", "page=\(page)", "per_page=\(Self.pageSize)"])
            guard case .array(let list)? = result["validators"],
                  case .string(let totalText)? = result["total"], let total = Int(totalText),
                  total <= Self.maxValidators else {
                throw .badResponse("validators: missing list or total, or more than \(Self.maxValidators)")
            }
            entries += list
            if entries.count >= total || list.isEmpty { break }
            page += 1
        }
        do { return try TypesJSONDecoder.validatorSet(.array(entries)) } catch {
            throw .badResponse("validators: \(error)")
        }
    }

    private func call(_ method: String, _ height: Int64?, _ query: [String]) async throws(LightProviderError) -> JSONValue {
        do { return try await rpc.result(method, query) } catch {
            switch error {
            case .noResponse(let why): throw .noResponse(why)
            case .badResponse(let why): throw .badResponse(why)
            case .remote(let detail): throw Self.classify(detail, height: height)
            }
        }
    }

    /// CometBFT's words for a height a node does not have: above its latest, or below its base.
    static func classify(_ detail: String, height: Int64?) -> LightProviderError {
        let h = height ?? 0
        if detail.contains("must be less than or equal to the current blockchain height") { return .heightTooHigh(height: h) }
        if detail.contains("is not available") || detail.contains("lowest height is") { return .lightBlockNotFound(height: h) }
        return .badResponse(detail)
    }
}
