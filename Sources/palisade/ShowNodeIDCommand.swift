import ArgumentParser
import PalisadeNode

/// `palisade show-node-id`: the ID other nodes put before `@host:port` in `persistent_peers`.
struct ShowNodeIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show-node-id",
        abstract: "Print this node's peer-to-peer ID (hex of its node key's address).")

    @OptionGroup var homeOptions: HomeOptions

    func run() throws {
        print(try KeyFiles.nodeKey(try homeOptions.nodeHome()).id)
    }
}
