import Foundation
import PalisadeABCI

/// Read-only answers from the committed state, as JSON (sorted keys, int64 as strings, as
/// CometBFT's JSON does): `abci_query` with one of these paths and empty data.
/// - `/account/<hex address>`: `{"address","balance","nonce"}`;
/// - `/validator/<hex address>`: `{"address","bonded","jailed","jailed_until","owner","power","pub_key"}`
///   (`pub_key` base64, `jailed_until` "0" when not jailed);
/// - `/supply`: `{"bonded","burned","liquid","total"}`.
/// Unknown paths, bad addresses and missing entries answer a non-zero code with a log.
enum StakingQuery {
    static let notFoundCode: UInt32 = 1
    static let badPathCode: UInt32 = 2

    struct AccountJSON: Encodable {
        let address: String
        let balance: String
        let nonce: String
    }

    struct ValidatorJSON: Encodable {
        let address: String
        let publicKey: String
        let owner: String
        let bonded: String
        let power: String
        let jailed: Bool
        let jailedUntil: String

        enum CodingKeys: String, CodingKey {
            case address, owner, bonded, power, jailed
            case publicKey = "pub_key"
            case jailedUntil = "jailed_until"
        }
    }

    struct SupplyJSON: Encodable {
        let total: String
        let liquid: String
        let bonded: String
        let burned: String
    }

    static func answer(_ request: QueryRequest, state: StakingState) -> QueryResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true)
        func respond(_ value: some Encodable) -> QueryResponse {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(value) else {
                return QueryResponse(code: badPathCode, log: "cannot encode the answer", height: state.height)
            }
            return QueryResponse(code: 0, log: "exists", key: Array(request.path.utf8), value: Bytes(data), height: state.height)
        }
        func fail(_ code: UInt32, _ log: String) -> QueryResponse {
            QueryResponse(code: code, log: log, key: Array(request.path.utf8), height: state.height)
        }
        switch (parts.first, parts.count) {
        case ("supply", 1):
            let liquid = state.accounts.values.reduce(0) { $0 + $1.balance }
            let bonded = state.validators.values.reduce(0) { $0 + $1.bonded }
            return respond(SupplyJSON(total: "\(liquid + bonded + state.burned)", liquid: "\(liquid)", bonded: "\(bonded)",
                                      burned: "\(state.burned)"))
        case ("account", 2), ("validator", 2):
            guard let bytes = Bytes(hex: parts[1]), bytes.count == Address.size else {
                return fail(badPathCode, "\(request.path): want 40 hex digits (a 20-byte address)")
            }
            let address = Address(bytes: bytes)
            if parts[0] == "account" {
                guard let account = state.accounts[address] else { return fail(notFoundCode, "account \(address) does not exist") }
                return respond(AccountJSON(address: address.description, balance: "\(account.balance)", nonce: "\(account.nonce)"))
            }
            guard let validator = state.validators[address] else { return fail(notFoundCode, "validator \(address) does not exist") }
            return respond(ValidatorJSON(address: address.description, publicKey: Data(validator.publicKey.bytes).base64EncodedString(),
                                         owner: validator.owner.description, bonded: "\(validator.bonded)", power: "\(validator.power)",
                                         jailed: validator.isJailed, jailedUntil: "\(validator.jailedUntil ?? 0)"))
        default:
            return fail(badPathCode, "unknown path \(request.path): want /account/<hex>, /validator/<hex> or /supply")
        }
    }
}
