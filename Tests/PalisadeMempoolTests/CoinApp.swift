import PalisadeABCI

/// A test app whose transactions are `"coin:gas:tag"` as UTF-8: a transaction spends `coin`, is
/// valid while that coin is unspent in the committed state, and wants `gas`. A `coin` of `bad`
/// is always rejected, `boom` makes CheckTx throw. Two transactions may spend one coin; once one
/// commits, a recheck rejects the other.
actor CoinApp: Application {
    struct Failure: Error {}

    private(set) var spent: Set<String> = []
    private(set) var checks: [CheckTxType] = []

    static func tx(_ coin: String, gas: Int64 = 1, tag: String = "") -> Bytes {
        Bytes("\(coin):\(gas):\(tag)".utf8)
    }

    func commit(spending coins: [String]) {
        spent.formUnion(coins)
    }

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        checks.append(request.type)
        let parts = String(decoding: request.tx, as: UTF8.self).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let gas = Int64(parts[1]) else { return CheckTxResponse(code: 1, log: "malformed") }
        let coin = String(parts[0])
        if coin == "boom" { throw Failure() }
        if coin == "bad" { return CheckTxResponse(code: 2, log: "bad coin", codespace: "coin") }
        if spent.contains(coin) { return CheckTxResponse(code: 3, log: "spent") }
        return CheckTxResponse(code: 0, gasWanted: gas)
    }
}
