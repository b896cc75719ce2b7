import ArgumentParser
import Foundation
import PalisadeCrypto
import PalisadeNode

/// `palisade show-validator`: the validator's public key as CometBFT prints it, ready to paste
/// into a genesis or a validator-update transaction.
struct ShowValidatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show-validator",
        abstract: "Print this node's validator public key as JSON.")

    @OptionGroup var homeOptions: HomeOptions

    func run() throws {
        let home = try homeOptions.nodeHome()
        let key = try KeyFiles.privValidatorKey(home)
        let value = Data(key.publicKey.bytes).base64EncodedString()
        print("{\"type\":\"tendermint/PubKeyEd25519\",\"value\":\"\(value)\"}")
    }
}

/// Reading one key file for the `show-*` commands, with `NodeHomeError`'s file-and-field messages.
enum KeyFiles {
    static func privValidatorKey(_ home: NodeHome) throws -> PrivValidatorKey {
        let data = try read(home.privValidatorKeyFile)
        do { return try PrivValidatorKey(jsonData: data, fileName: home.privValidatorKeyFile) } catch {
            throw NodeHomeError.keyFile(error)
        }
    }

    static func nodeKey(_ home: NodeHome) throws -> NodeKey {
        let data = try read(home.nodeKeyFile)
        do { return try NodeKey(jsonData: data, fileName: home.nodeKeyFile) } catch { throw NodeHomeError.keyFile(error) }
    }

    private static func read(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw NodeHomeError.file(path: path, reason: "does not exist (create the home with `palisade init`)")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NodeHomeError.file(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}
