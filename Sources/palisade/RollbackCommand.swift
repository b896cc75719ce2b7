import ArgumentParser
import PalisadeCrypto
import PalisadeNode

/// `palisade rollback`: CometBFT's recovery from an app-hash mismatch after the app was fixed.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll the node's state back by one height, so the next start executes that block again.",
        discussion: """
            For a node halted by an app-hash mismatch: fix the app (and roll its own state back to \
            the same height, or reset its data so the node replays every block to it), run this, then \
            start the node. The latest block, its commit and results are removed from the block store \
            in one transaction; the node decides that block again from its consensus WAL or fetches it \
            from peers. The signer state is not touched. The node must be stopped.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Flag(help: "Accepted for CometBFT compatibility: Palisade always removes the latest block with its state.")
    var hard = false

    func run() throws {
        let home = try homeOptions.nodeHome()
        let state = try home.rollback()
        print("Rolled back state to height \(state.lastBlockHeight) and hash \(state.appHash.upperHex)")
    }
}
