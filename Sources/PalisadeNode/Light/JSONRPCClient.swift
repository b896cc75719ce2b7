import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PalisadeRPC

/// URI calls to another node's JSON-RPC (`GET /method?k=v`), as the light client makes them.
/// Bounded: a time-out per call and a cap on the answer's size, so a hostile primary can neither
/// hang nor fill the caller.
struct JSONRPCClient: Sendable {
    enum Failure: Error, Sendable, CustomStringConvertible {
        case noResponse(String)
        case badResponse(String)
        /// The node answered with a JSON-RPC error; its `data` (CometBFT puts the reason there).
        case remote(String)

        var description: String {
            switch self {
            case .noResponse(let why): "no response: \(why)"
            case .badResponse(let why): "bad response: \(why)"
            case .remote(let detail): detail
            }
        }
    }

    let address: String
    private let base: URL
    let timeout: TimeInterval
    /// A light block of 10,000 validators is a few MiB; a 21 MiB block fits below this.
    static let maxBodyBytes = 64 << 20

    /// `address` as operators write it: `http://host:port` or `tcp://host:port`.
    init(address: String, timeout: TimeInterval = 10) throws(Failure) {
        let text = address.hasPrefix("tcp://") ? "http://" + address.dropFirst("tcp://".count) : address
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw .noResponse("not an RPC address: \(address)")
        }
        self.address = address
        base = url
        self.timeout = timeout
    }

    /// The `result` member of `method`'s answer.
    func result(_ method: String, _ query: [String]) async throws(Failure) -> JSONValue {
        let text = base.absoluteString.hasSuffix("/") ? base.absoluteString : base.absoluteString + "/"
        guard let url = URL(string: text + method + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))) else {
            throw .noResponse("bad URL for \(method)")
        }
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let data: Data
        do { (data, _) = try await URLSession.shared.data(for: request) } catch {
            throw .noResponse("\(address) \(method): \(error.localizedDescription)")
        }
        guard data.count <= Self.maxBodyBytes else { throw .badResponse("\(method): answer of \(data.count) bytes") }
        let json: JSONValue
        do { json = try JSONValue(parsing: Array(data)) } catch { throw .badResponse("\(method): \(error)") }
        if let error = json["error"] {
            if case .string(let detail)? = error["data"] { throw .remote(detail) }
            if case .string(let message)? = error["message"] { throw .remote(message) }
            throw .remote("\(method) failed")
        }
        guard let result = json["result"] else { throw .badResponse("\(method): no result") }
        return result
    }
}
