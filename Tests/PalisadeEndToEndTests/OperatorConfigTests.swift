import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Testing

/// What an operator's config does to a real `palisade start`: listen addresses that cannot be
/// bound, JSON logs, per-module log levels.
@Suite("Localnet: operator config", .serialized)
struct OperatorConfigTests {
    /// Replaces the line that starts with `key = ` in node 0's config.toml.
    static func set(_ key: String, _ value: String, in net: Localnet) throws {
        let path = net.home(0) + "/config/config.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(key + " = ") }) else {
            throw LocalnetError("no \(key) in config.toml")
        }
        lines[index] = "\(key) = \(value)"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Polls node 0's `/status` until its latest height is at least `height`.
    static func waitForHeight(_ net: Localnet, _ height: Int64, seconds: Double = 120) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let sync = await net.rpc(0, "status")?["sync_info"] as? [String: Any],
               let text = sync["latest_block_height"] as? String, let latest = Int64(text), latest >= height {
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// A POST to node 0's RPC with an optional form body; the decoded JSON answer.
    static func post(_ net: Localnet, _ pathAndQuery: String, form: String? = nil) async throws -> [String: Any] {
        guard let url = URL(string: "http://127.0.0.1:\(net.rpcPort(0))\(pathAndQuery)") else { throw LocalnetError("url") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LocalnetError("not a JSON object: \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// What Xian's SDK sends, against the kvstore of a real node.
    @Test("POST /broadcast_tx_sync with a form body, POST /abci_query?data=\"...\", POST /genesis")
    func uriCallsOverPost() async throws {
        let net = try Localnet(validators: 1)
        defer { net.shutdown() }
        try net.start(0)
        #expect(await Self.waitForHeight(net, 1))
        let sent = try await Self.post(net, "/broadcast_tx_sync", form: "tx=%22xian%3Dtech%22")
        #expect((sent["result"] as? [String: Any])?["code"] as? Int == 0, "\(sent)")
        var value: String?
        for _ in 0..<100 where value == nil {
            let answer = try await Self.post(net, "/abci_query?data=%22xian%22")
            let response = (answer["result"] as? [String: Any])?["response"] as? [String: Any]
            value = (response?["value"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            if value == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(value == "tech")
        let genesis = try await Self.post(net, "/genesis")
        #expect(((genesis["result"] as? [String: Any])?["genesis"] as? [String: Any])?["chain_id"] != nil)
    }

    /// Node 0's latest stored height, from `/status`.
    static func height(_ net: Localnet) async -> Int64? {
        let sync = await net.rpc(0, "status")?["sync_info"] as? [String: Any]
        return (sync?["latest_block_height"] as? String).flatMap { Int64($0) }
    }

    /// Height 1 is made (the first height is a proof block), then nothing while idle (with
    /// timeout_commit 100 ms an idle node would make a block every ~100 ms); a transaction is
    /// committed in the next block, which changes the app hash, so one more block carries it.
    @Test("create_empty_blocks = false: no block while idle, a transaction committed in the next")
    func noEmptyBlocks() async throws {
        let net = try Localnet(validators: 1)
        defer { net.shutdown() }
        try Self.set("create_empty_blocks", "false", in: net)
        try net.start(0)
        #expect(await Self.waitForHeight(net, 1))
        try await Task.sleep(for: .seconds(2))
        #expect(await Self.height(net) == 1)
        let answer = try await Self.post(net, "/broadcast_tx_commit", form: "tx=%22idle%3Dover%22")
        #expect((answer["result"] as? [String: Any])?["height"] as? String == "2", "\(answer)")
        #expect(await Self.waitForHeight(net, 3))
        try await Task.sleep(for: .seconds(2))
        #expect(await Self.height(net) == 3)
    }

    @Test("an RPC or P2P address that cannot be bound: exit non-zero, the address and key named")
    func bindFailures() throws {
        let net = try Localnet(validators: 1)
        defer { net.shutdown() }
        guard let binary = Localnet.binary else { throw LocalnetError("no binary") }
        for (port, key) in [(net.rpcPort(0), "rpc.laddr"), (net.p2pPort(0), "p2p.laddr")] {
            let occupied = try ListeningSocket(port: port)
            defer { occupied.close() }
            let result = try Localnet.runToEnd(binary, ["start", "--home", net.home(0)])
            #expect(result.status != 0, "\(key): start must fail")
            #expect(result.output.contains(":\(port)") && result.output.contains(key), "\(key): \(result.output)")
        }
    }

    /// Runs node 0 of a one-validator localnet with these log settings to height 3, stops it,
    /// and returns its log's lines.
    static func logLines(format: String, level: String) async throws -> [Substring] {
        let net = try Localnet(validators: 1)
        defer { net.shutdown() }
        try set("log_format", "\"\(format)\"", in: net)
        try set("log_level", "\"\(level)\"", in: net)
        try net.start(0)
        #expect(await waitForHeight(net, 3))
        _ = net.terminate(0)
        return try String(contentsOfFile: net.logPath(0), encoding: .utf8).split(separator: "\n")
    }

    @Test("log_format = json: every line is a JSON object with time, level, module, message, metadata")
    func jsonLogs() async throws {
        let lines = try await Self.logLines(format: "json", level: "debug")
        #expect(lines.count > 10)
        var modules: Set<String> = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object.map { Set($0.keys) } == ["time", "level", "module", "message", "metadata"], "\(line)")
            if let module = object?["module"] as? String { modules.insert(module) }
        }
        #expect(modules.isSuperset(of: ["main", "consensus", "p2p", "state"]), "\(modules)")
    }

    @Test("log_level = p2p:debug,*:error: p2p lines, and no other module's info lines")
    func perModuleLevel() async throws {
        let objects = try await Self.logLines(format: "json", level: "p2p:debug,*:error").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.contains { $0["module"] as? String == "p2p" })
        let others = objects.filter { $0["module"] as? String != "p2p" }
        #expect(others.allSatisfy { ["error", "critical"].contains($0["level"] as? String) }, "\(others)")
    }
}

/// A socket listening on 0.0.0.0:`port`, so any bind of that port fails.
final class ListeningSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalnetError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = INADDR_ANY
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            Glibc.close(fd)
            throw LocalnetError("cannot occupy port \(port)")
        }
    }

    func close() { Glibc.close(fd) }
}
