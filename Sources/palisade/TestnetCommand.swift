import ArgumentParser
import Foundation
import PalisadeNode
import PalisadeTypes

/// `palisade testnet`: homes for a local validator set that finds itself on one host.
struct TestnetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testnet",
        abstract: "Write N validator homes (DIR/node0 ...) sharing one genesis, each peered with all the others.",
        discussion: """
            Node i listens for peers on --p2p-port + i*--port-step and for JSON-RPC on \
            --rpc-port + i*--port-step, at --starting-ip; with --proxy-app tcp://host:port, node i \
            connects to its own app at port + i*--port-step; with --prometheus-port P, node i serves \
            Prometheus metrics on P + i*--port-step.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "How many validators.")
    var validators: Int = 4

    @Option(help: "The directory to write node0 ... into.")
    var output: String = "./mytestnet"

    @Option(help: "The chain ID (default: chain-<random>).")
    var chainID: String?

    @Option(help: "The address every node listens on and dials.")
    var startingIP: String = "127.0.0.1"

    @Option(help: "Node 0's peer-to-peer port.")
    var p2pPort: Int = 26656

    @Option(help: "Node 0's JSON-RPC port.")
    var rpcPort: Int = 26657

    @Option(help: "How far apart consecutive nodes' ports are.")
    var portStep: Int = 10

    @Option(help: "Comma-separated stakes, one per validator (default: 10 each).")
    var power: String?

    @Option(help: "[consensus] timeout_commit for every node, as a Go duration (\"1s\", \"500ms\").")
    var timeoutCommit: String?

    @Option(help: "proxy_app for every node: kvstore, staking, tcp://host:port or unix:///path.")
    var proxyApp: String = "kvstore"

    @Option(help: "Node 0's Prometheus metrics port; turns [instrumentation] prometheus on for every node.")
    var prometheusPort: Int?

    func plan() throws -> TestnetPlan {
        var plan = TestnetPlan()
        plan.validators = validators
        plan.chainID = chainID
        plan.host = startingIP
        plan.p2pPort = p2pPort
        plan.rpcPort = rpcPort
        plan.portStep = portStep
        plan.prometheusPort = prometheusPort
        if let power {
            plan.powers = try power.split(separator: ",", omittingEmptySubsequences: false).map {
                guard let stake = Int64($0.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--power: \"\($0)\" is not an integer")
                }
                return stake
            }
        }
        if let timeoutCommit {
            do { plan.timeoutCommit = try GoDuration.milliseconds(timeoutCommit) } catch {
                throw ValidationError("--timeout-commit: \(error)")
            }
        }
        do { plan.proxyApp = try ProxyApp(parsing: proxyApp) } catch { throw ValidationError("--proxy-app: \(error)") }
        do { _ = try ListenAddress(parsing: ListenAddress(host: startingIP, port: 0).hostPort) } catch { throw ValidationError("--starting-ip: \(error)") }
        do { try plan.validate() } catch { throw ValidationError(error.description) }
        return plan
    }

    func validate() throws { _ = try plan() }

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let homes = try plan().write(to: output, genesisTime: .genesisNow(), using: &generator)
        for home in homes {
            print("\(home.root)  p2p \(home.config.p2p.laddr)  rpc \(home.config.rpc.laddr)")
        }
        print("Wrote \(homes.count) validator homes; start each with `palisade start --home DIR/nodeI`.")
    }
}
