import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc

/// JSON-RPC over HTTP with the whole answer (status and envelope, errors included), and what the
/// kernel says about a node process: the checks on bad input need both.
extension Localnet {
    struct HTTPAnswer: Sendable {
        var status: Int
        var body: Data
        var json: JSONTree? { try? JSONTree(parsing: body) }
        var text: String { String(decoding: body.prefix(2_000), as: UTF8.self) }
    }

    /// POSTs `body` to `/` on a node.
    func post(_ index: Int, body: Data) async throws -> HTTPAnswer {
        guard let url = URL(string: "http://127.0.0.1:\(rpcPort(index))/") else { throw LocalnetError("bad url") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return HTTPAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    func post(_ index: Int, _ text: String) async throws -> HTTPAnswer { try await post(index, body: Data(text.utf8)) }

    /// A JSON-RPC call with named params; the whole envelope.
    func call(_ index: Int, _ method: String, _ params: [String: JSONTree] = [:], id: Int = 1) async throws -> JSONTree {
        let request = JSONTree.object(["jsonrpc": .string("2.0"), "id": .number(Double(id)),
                                       "method": .string(method), "params": .object(params)])
        let answer = try await post(index, request.text)
        guard let json = answer.json else { throw LocalnetError("\(method): HTTP \(answer.status), not JSON: \(answer.text)") }
        return json
    }

    /// A URI GET (`block?height=5`); the whole envelope and the HTTP status.
    func get(_ index: Int, _ pathAndQuery: String) async throws -> HTTPAnswer {
        guard let url = URL(string: "http://127.0.0.1:\(rpcPort(index))/\(pathAndQuery)") else {
            throw LocalnetError("bad url \(pathAndQuery)")
        }
        let (data, response) = try await URLSession.shared.data(from: url)
        return HTTPAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// `latest_block_height` from `/status`, nil when the node does not answer.
    func statusHeight(_ index: Int) async -> Int64? {
        guard let answer = try? await get(index, "status") else { return nil }
        return answer.json?["result"]?["sync_info"]?["latest_block_height"]?.int64
    }

    /// The node still serves RPC and its chain still grows: `/status` answers and its height
    /// moves at least `blocks` past where it was when called.
    func keepsCommitting(_ index: Int, blocks: Int64 = 2, seconds: Double = 120) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var start: Int64?
        while Date() < deadline {
            if let height = await statusHeight(index) {
                if let first = start {
                    if height >= first + blocks { return true }
                } else {
                    start = height
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// The process id of node `index`'s `palisade start`, found in /proc by its command line.
    func processID(_ index: Int) -> Int32? {
        let wanted = ["start", "--home", home(index)]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.count == 4, Array(arguments.dropFirst()) == wanted { return pid }
        }
        return nil
    }

    /// Open file descriptors of a process (sockets included).
    static func openDescriptors(_ pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// Peak resident memory of a process in KiB (`VmHWM`), which a buffered 100 MB body would raise.
    static func peakResidentKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
