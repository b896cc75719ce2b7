import Foundation
import PalisadeABCI
import PalisadeApps

/// The kvstore's committed state in one JSON file, for `palisade app kvstore --db PATH`. Saved
/// after every `Commit` by writing a temporary file, syncing it and renaming it over the old one,
/// so a crash leaves either the previous state or the new one, never a torn file.
actor KVStateFile: KVStateStore {
    let path: String

    init(path: String) { self.path = path }

    func load() throws -> KVState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw KVStateFileError(path: path, field: "(file)", reason: "not a JSON object")
        }
        guard let height = (object["height"] as? NSNumber)?.int64Value, height >= 0 else {
            throw KVStateFileError(path: path, field: "height", reason: "missing or negative")
        }
        guard let size = (object["size"] as? NSNumber)?.int64Value, size >= 0 else {
            throw KVStateFileError(path: path, field: "size", reason: "missing or negative")
        }
        var pairs: [Bytes: Bytes] = [:]
        for (key, value) in object["pairs"] as? [String: String] ?? [:] {
            guard let k = Bytes(hex: key), let v = Bytes(hex: value) else {
                throw KVStateFileError(path: path, field: "pairs.\(key)", reason: "not hex")
            }
            pairs[k] = v
        }
        var validators: [Ed25519PublicKey: Int64] = [:]
        for (key, power) in object["validators"] as? [String: NSNumber] ?? [:] {
            guard let bytes = Bytes(hex: key), let publicKey = Ed25519PublicKey(bytes: bytes) else {
                throw KVStateFileError(path: path, field: "validators.\(key)", reason: "not a 32-byte hex ed25519 key")
            }
            validators[publicKey] = power.int64Value
        }
        return KVState(height: height, size: size, pairs: pairs, validators: validators)
    }

    func save(_ state: KVState) throws {
        var pairs: [String: String] = [:]
        for (key, value) in state.pairs { pairs[key.hex] = value.hex }
        var validators: [String: Int64] = [:]
        for (key, power) in state.validators { validators[key.bytes.hex] = power }
        let object: [String: Any] = ["height": state.height, "size": state.size, "pairs": pairs, "validators": validators]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw KVStateFileError(path: temporary, field: "(file)", reason: "cannot create")
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            throw KVStateFileError(path: path, field: "(file)", reason: "rename failed, errno \(errno)")
        }
    }
}

struct KVStateFileError: Error, CustomStringConvertible {
    var path: String
    var field: String
    var reason: String

    var description: String { "\(path): \(field): \(reason)" }
}
