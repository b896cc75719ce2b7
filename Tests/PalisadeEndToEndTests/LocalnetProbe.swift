import Foundation

/// Reads a localnet from outside, the way an operator would: RPC answers polled until they hold,
/// `abci_query` values, the signer's state file, and key=value fields of log lines.
struct LocalnetProbe {
    let net: Localnet

    /// Polls `condition` every 100 ms until it holds or `seconds` pass.
    func eventually(seconds: Double = 120, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    /// `abci_query` on node `index`: the response object (code, log, value...).
    func query(_ index: Int, path: String = "", data: String = "") async -> [String: Any]? {
        var items: [String] = []
        if !path.isEmpty { items.append("path=%22\(path)%22") }
        items.append("data=%22\(data)%22")
        return await net.rpc(index, "abci_query?" + items.joined(separator: "&"))?["response"] as? [String: Any]
    }

    /// The value `abci_query` returns, decoded from base64.
    func queryValue(_ index: Int, path: String = "", data: String = "") async -> Data? {
        guard let text = await query(index, path: path, data: data)?["value"] as? String else { return nil }
        return Data(base64Encoded: text)
    }

    /// A committed transaction by hash (`/tx`): its height and DeliverTx code, once a node has it.
    func committedTx(_ index: Int, hash: String) async -> (height: Int64, code: Int)? {
        guard let result = await net.rpc(index, "tx?hash=0x\(hash)"),
              let height = (result["height"] as? String).flatMap({ Int64($0) }) else { return nil }
        return (height, ((result["tx_result"] as? [String: Any])?["code"] as? Int) ?? 0)
    }

    /// Each validator's voting power at `height` (`/validators`), by address.
    func powers(_ index: Int, height: Int64) async -> [String: Int64]? {
        guard let result = await net.rpc(index, "validators?height=\(height)&per_page=100"),
              let list = result["validators"] as? [[String: Any]] else { return nil }
        var powers: [String: Int64] = [:]
        for validator in list {
            guard let address = validator["address"] as? String,
                  let power = (validator["voting_power"] as? String).flatMap({ Int64($0) }) else { return nil }
            powers[address] = power
        }
        return powers
    }

    /// The header's app hash of block `height` on node `index`.
    func appHash(_ index: Int, height: Int64) async -> String? {
        let block = await net.rpc(index, "block?height=\(height)")?["block"] as? [String: Any]
        return (block?["header"] as? [String: Any])?["app_hash"] as? String
    }

    /// `data/priv_validator_state.json`: the last height, round and step the signer signed.
    static func signState(home: String) throws -> SignState {
        let path = home + "/data/priv_validator_state.json"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let height = (object["height"] as? String).flatMap({ Int64($0) }) ?? (object["height"] as? Int64),
              let round = object["round"] as? Int, let step = object["step"] as? Int else {
            throw LocalnetError("\(path): no height/round/step")
        }
        return SignState(height: height, round: round, step: step)
    }

    /// The value of ` name=` in the last log line of node `index` that contains `marker`.
    func lastLogField(_ index: Int, line marker: String, field name: String) -> String? {
        guard let line = net.log(index).split(separator: "\n").last(where: { $0.contains(marker) }),
              let range = line.range(of: " \(name)=") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != " " })
    }
}

/// Where a signer stands: (height, round, step), ordered as the double-sign guard orders them.
struct SignState: Comparable, CustomStringConvertible {
    var height: Int64
    var round: Int
    var step: Int

    static func < (a: SignState, b: SignState) -> Bool {
        (a.height, a.round, a.step) < (b.height, b.round, b.step)
    }

    var description: String { "\(height)/\(round)/\(step)" }
}
