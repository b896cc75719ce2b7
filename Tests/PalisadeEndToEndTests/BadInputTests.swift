import Foundation
import Glibc
import Testing

/// What a broken or hostile outsider can do to a running validator: its peer port gets garbage,
/// and its files get corrupted before a start. The node must log and carry on, or refuse to start
/// with a message that names the file and the field.
@Suite("Localnet: bad input", .serialized)
struct BadInputTests {
    @Test("garbage and an oversized frame on the P2P port: dropped and logged, the node keeps committing")
    func garbagePeer() async throws {
        let net = try Localnet()
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait { (0..<4).allSatisfy { net.height($0) >= 2 } })
        let before = net.height(0)
        // Not a handshake at all.
        try RawPeer.send(port: net.p2pPort(0), bytes: Array(repeating: 0xAB, count: 4_096))
        // A length prefix far over any frame limit.
        try RawPeer.send(port: net.p2pPort(0), bytes: [0xFF, 0xFF, 0xFF, 0x7F] + Array(repeating: 0, count: 64))
        // Half a handshake, then silence and a close.
        try RawPeer.send(port: net.p2pPort(0), bytes: [0x00, 0x20])
        #expect(await net.wait { net.height(0) >= before + 3 }, "node0 kept committing")
        #expect(net.isRunning(0))
    }

    @Test("a corrupt config, genesis, key or sign-state file stops start-up with the file and field named")
    func corruptFiles() throws {
        let net = try Localnet(validators: 1)
        defer { net.shutdown() }
        guard let binary = Localnet.binary else { throw LocalnetError("no binary") }
        let home = net.home(0)
        let cases: [(file: String, mutate: (String) -> String, mustName: [String])] = [
            ("config/config.toml", { $0.replacingOccurrences(of: "timeout_commit = ", with: "timeout_commit = 5 #") },
             ["config.toml", "timeout_commit"]),
            ("config/genesis.json", { $0.replacingOccurrences(of: "\"chain_id\"", with: "\"chain_id\": 7, \"x\"") },
             ["genesis.json", "chain_id"]),
            ("config/priv_validator_key.json", { $0.replacingOccurrences(of: "\"priv_key\"", with: "\"priv_kee\"") },
             ["priv_validator_key.json", "priv_key"]),
            ("data/priv_validator_state.json", { $0.replacingOccurrences(of: "\"height\"", with: "\"height\": \"x\", \"h\"") },
             ["priv_validator_state.json", "height"]),
        ]
        for item in cases {
            let path = home + "/" + item.file
            let original = try String(contentsOfFile: path, encoding: .utf8)
            try item.mutate(original).write(toFile: path, atomically: true, encoding: .utf8)
            let result = try Localnet.runToEnd(binary, ["start", "--home", home])
            #expect(result.status != 0, "\(item.file): start must fail")
            for word in item.mustName {
                #expect(result.output.contains(word), "\(item.file): message must name \(word): \(result.output)")
            }
            try original.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}

/// A TCP client that writes bytes to a port and hangs up.
enum RawPeer {
    static func send(port: Int, bytes: [UInt8]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalnetError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw LocalnetError("connect to \(port) failed") }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        usleep(200_000)
    }
}
