import Foundation
import Glibc
import Testing

extension RPCLocalnetTests {
    static let floodConnections = 10_000

    /// What 10,000 non-blocking connects to the RPC port came to, and the most descriptors the
    /// node held meanwhile.
    struct FloodOutcome: Sendable {
        var opened = 0
        var failedAtConnect = 0
        var connected = 0
        var refused = 0
        var pending = 0
        var nodePeakDescriptors = 0
    }

    /// `max_open_connections` as node `index`'s config.toml sets it.
    static func maxOpenConnections(_ net: Localnet, _ index: Int) throws -> Int {
        let config = try String(contentsOfFile: net.home(index) + "/config/config.toml", encoding: .utf8)
        for line in config.split(separator: "\n") where line.hasPrefix("max_open_connections") {
            if let value = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                return value
            }
        }
        throw LocalnetError("no max_open_connections in node\(index)'s config.toml")
    }

    /// Opens `count` connections as fast as the kernel takes them (non-blocking connects in
    /// batches of 500), holds them while the server accepts what it will, then resets them all
    /// (SO_LINGER 0: no TIME_WAIT left to eat the ephemeral ports). Every socket is closed on
    /// every path.
    static func flood(port: Int, count: Int, nodePID: Int32) throws -> FloodOutcome {
        var outcome = FloodOutcome()
        var descriptors: [Int32] = []
        descriptors.reserveCapacity(count)
        defer {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            for fd in descriptors {
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(fd)
            }
        }
        func sampleNode() {
            outcome.nodePeakDescriptors = max(outcome.nodePeakDescriptors, Localnet.openDescriptors(nodePID) ?? 0)
        }
        var address = LoopbackSocket.loopback(port: port)
        while descriptors.count + outcome.failedAtConnect < count {
            for _ in 0..<min(500, count - descriptors.count - outcome.failedAtConnect) {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                guard fd >= 0 else {
                    throw LocalnetError("socket() failed after \(descriptors.count): \(String(cString: strerror(errno)))")
                }
                let result = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                if result == 0 || errno == EINPROGRESS {
                    descriptors.append(fd)
                } else {
                    outcome.failedAtConnect += 1
                    close(fd)
                }
            }
            sampleNode()
        }
        outcome.opened = descriptors.count
        // The server accepts up to its limit; the rest wait in its backlog or in SYN_SENT.
        for _ in 0..<30 {
            usleep(100_000)
            sampleNode()
        }
        var polls = descriptors.map { pollfd(fd: $0, events: Int16(POLLOUT), revents: 0) }
        _ = poll(&polls, nfds_t(polls.count), 0)
        for entry in polls {
            if entry.revents & Int16(POLLERR | POLLHUP) != 0 {
                outcome.refused += 1
            } else if entry.revents & Int16(POLLOUT) != 0 {
                outcome.connected += 1
            } else {
                outcome.pending += 1
            }
        }
        sampleNode()
        return outcome
    }

    @Test("10,000 connections opened at once: node0 holds at most max_open_connections of them, then answers /status and keeps committing")
    func tenThousandConnections() async throws {
        let net = try SharedLocalnet.require()
        #expect(await net.wait { net.height(0) >= 2 })
        let limit = SharedLocalnet.raiseDescriptorLimit(to: Self.floodConnections + 2_000)
        try #require(limit >= Self.floodConnections + 200, "RLIMIT_NOFILE is \(limit)")
        let pid = try #require(net.processID(0))
        let maxOpen = try Self.maxOpenConnections(net, 0)
        try #require(maxOpen > 0 && maxOpen < Self.floodConnections, "max_open_connections = \(maxOpen)")
        let baseline = try #require(Localnet.openDescriptors(pid))
        let port = net.rpcPort(0)
        let outcome = try await offPool { try Self.flood(port: port, count: Self.floodConnections, nodePID: pid) }
        print("10,000 connections to node0: \(outcome); node0 descriptors: baseline \(baseline), max_open_connections \(maxOpen)")
        #expect(outcome.opened + outcome.failedAtConnect == Self.floodConnections)
        // The node took connections (the limit is not zero) but never more than its limit:
        // a few descriptors of its own (peers, files) may open meanwhile.
        #expect(outcome.nodePeakDescriptors > baseline + maxOpen / 2, "\(outcome), baseline \(baseline)")
        #expect(outcome.nodePeakDescriptors <= baseline + maxOpen + 32, "\(outcome), baseline \(baseline)")
        // All reset: the node answers and commits, and gives the descriptors back.
        #expect(net.processID(0) == pid, "node0 still running")
        #expect(await net.keepsCommitting(0), "node0 after 10,000 connections: \(net.log(0).suffix(2_000))")
        let released = await net.wait(seconds: 60) { (Localnet.openDescriptors(pid) ?? .max) <= baseline + 32 }
        #expect(released, "node0 holds \(Localnet.openDescriptors(pid) ?? -1) descriptors, \(baseline) before")
    }
}
