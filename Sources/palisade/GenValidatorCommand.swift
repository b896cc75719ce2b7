import ArgumentParser
import PalisadeCrypto

/// `palisade gen-validator`: a fresh validator key, printed and not stored, for an operator who
/// builds homes or genesis files by hand.
struct GenValidatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-validator",
        abstract: "Print a new priv_validator_key.json (from the system's secure random source) to stdout.")

    @OptionGroup var homeOptions: HomeOptions

    func run() {
        var generator = SystemRandomNumberGenerator()
        let key = PrivValidatorKey.generate(using: &generator)
        print(String(decoding: key.jsonData(), as: UTF8.self))
    }
}
