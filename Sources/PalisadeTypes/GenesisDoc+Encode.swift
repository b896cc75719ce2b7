import Foundation
import PalisadeCrypto

extension GenesisDoc {
    /// `genesis.json` as CometBFT writes it: its field order, two-space indentation, int64 as
    /// strings, hashes and addresses upper hex, keys base64. `app_state` is copied verbatim.
    public func jsonData() -> Data {
        var w = GenesisJSONWriter()
        w.open("{")
        w.field("genesis_time", .string(genesisTime.rfc3339))
        w.field("chain_id", .string(chainID))
        w.field("initial_height", .string(String(initialHeight)))
        w.key("consensus_params")
        w.open("{")
        w.key("block")
        w.open("{")
        w.field("max_bytes", .string(String(consensusParams.block.maxBytes)))
        w.field("max_gas", .string(String(consensusParams.block.maxGas)))
        w.close("}")
        w.key("evidence")
        w.open("{")
        w.field("max_age_num_blocks", .string(String(consensusParams.evidence.maxAgeNumBlocks)))
        w.field("max_age_duration", .string(String(consensusParams.evidence.maxAgeDurationNanos)))
        w.field("max_bytes", .string(String(consensusParams.evidence.maxBytes)))
        w.close("}")
        w.key("validator")
        w.open("{")
        w.key("pub_key_types")
        if consensusParams.validator.pubKeyTypes.isEmpty {
            w.raw("[]")
        } else {
            w.open("[")
            for type in consensusParams.validator.pubKeyTypes { w.element(.string(type)) }
            w.close("]")
        }
        w.close("}")
        w.key("version")
        w.open("{")
        w.field("app", .string(String(consensusParams.version.app)))
        w.close("}")
        w.key("abci")
        w.open("{")
        w.field("vote_extensions_enable_height", .string(String(consensusParams.abci.voteExtensionsEnableHeight)))
        w.close("}")
        w.close("}")
        if !validators.isEmpty {
            w.key("validators")
            w.open("[")
            for validator in validators {
                w.elementStart()
                w.open("{")
                w.field("address", .string(validator.address.bytes.upperHex))
                w.key("pub_key")
                w.open("{")
                w.field("type", .string(Self.ed25519KeyType))
                w.field("value", .string(Data(validator.publicKey.bytes).base64EncodedString()))
                w.close("}")
                w.field("power", .string(String(validator.power)))
                w.field("name", .string(validator.name))
                w.close("}")
            }
            w.close("]")
        }
        w.field("app_hash", .string(appHash.upperHex))
        if !appState.isEmpty {
            w.key("app_state")
            w.raw(String(decoding: appState, as: UTF8.self))
        }
        w.close("}")
        w.out += "\n"
        return Data(w.out.utf8)
    }
}

/// Writes indented JSON the way Go's `json.MarshalIndent(v, "", "  ")` lays it out.
struct GenesisJSONWriter {
    enum Scalar { case string(String) }

    var out = ""
    private var depth = 0
    private var needsComma: [Bool] = []

    private mutating func newline() { out += "\n" + String(repeating: "  ", count: depth) }

    private mutating func separate() {
        if let last = needsComma.last, last { out += "," }
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
        newline()
    }

    mutating func open(_ bracket: String) {
        out += bracket
        depth += 1
        needsComma.append(false)
    }

    mutating func close(_ bracket: String) {
        depth -= 1
        needsComma.removeLast()
        newline()
        out += bracket
    }

    mutating func key(_ name: String) {
        separate()
        out += Self.quote(name) + ": "
    }

    mutating func field(_ name: String, _ value: Scalar) {
        key(name)
        scalar(value)
    }

    mutating func elementStart() { separate() }

    mutating func element(_ value: Scalar) {
        separate()
        scalar(value)
    }

    mutating func raw(_ text: String) { out += text }

    private mutating func scalar(_ value: Scalar) {
        switch value {
        case .string(let s): out += Self.quote(s)
        }
    }

    /// Go's escaping: quotes, backslashes and control characters, plus `<`, `>`, `&` and the two
    /// line separators, which Go's encoder also escapes.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
