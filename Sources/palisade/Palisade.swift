import ArgumentParser

@main
struct Palisade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palisade",
        abstract: "A Tendermint-style proof-of-stake BFT validator.",
        version: PalisadeVersion.string,
        subcommands: [
            StartCommand.self, InitCommand.self, TestnetCommand.self, ShowValidatorCommand.self, ShowNodeIDCommand.self,
            GenValidatorCommand.self, SignerCommand.self, UnsafeResetAllCommand.self, RollbackCommand.self, InspectCommand.self, LightCommand.self, Version.self, DebugSignLoop.self, DebugBlockStoreLoop.self,
            Simulate.self, AppCommand.self,
        ]
    )
}

enum PalisadeVersion {
    static let string = "0.1.0-dev"
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print(PalisadeVersion.string) }
}
