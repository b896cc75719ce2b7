import ArgumentParser
import PalisadeNode

/// `palisade unsafe-reset-all`: start this node's chain over, keeping its keys, genesis and config.
struct UnsafeResetAllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsafe-reset-all",
        abstract: "Remove all blocks, state, app data and the WAL, and reset the sign state to height 0.",
        discussion: """
            Unsafe: a validator reset this way forgets what it signed and can double-sign if it \
            rejoins the same chain. The keys, genesis and config.toml are kept.
            """)

    @OptionGroup var homeOptions: HomeOptions

    func run() throws {
        let home = try homeOptions.nodeHome()
        let removed = try home.unsafeResetAll()
        for path in removed { print("removed \(path)") }
        print("reset \(home.privValidatorStateFile) to height 0")
    }
}
