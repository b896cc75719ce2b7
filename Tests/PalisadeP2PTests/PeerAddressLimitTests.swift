import Foundation
import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// One host cannot take every inbound slot with many node keys, and a ban outlives a restart.
@Suite("Per-address peer limit and lasting bans")
struct PeerAddressLimitTests {
    @Test func peersBeyondThePerAddressLimitAreRefused() async throws {
        var configuration = fastSwitchConfiguration()
        configuration.maxPeersPerIP = 2
        configuration.limitLoopbackPeers = true
        let server = try await TestNode(seed: 401, configuration: configuration)
        defer { Task { await server.node.stop() } }
        var connections: [PeerConnection] = []
        for seed in 402...403 {
            let (connection, id) = try await SwitchBackPressureTests.attack(server, seed: UInt64(seed))
            connections.append(connection)
            #expect(await eventually { await server.node.isConnected(id) })
        }
        let (third, thirdID) = try await SwitchBackPressureTests.attack(server, seed: 404)
        await third.waitClosed()
        #expect(await server.node.isConnected(thirdID) == false)
        #expect(server.log.lines.contains { $0.contains("2 peers from 127.0.0.1 already") })
        for connection in connections { await connection.close() }
    }

    @Test func loopbackPeersAreNotCountedUnlessAsked() async throws {
        var configuration = fastSwitchConfiguration()
        configuration.maxPeersPerIP = 1
        let server = try await TestNode(seed: 411, configuration: configuration)
        defer { Task { await server.node.stop() } }
        var connections: [PeerConnection] = []
        for seed in 412...414 {
            let (connection, id) = try await SwitchBackPressureTests.attack(server, seed: UInt64(seed))
            connections.append(connection)
            #expect(await eventually { await server.node.isConnected(id) })
        }
        for connection in connections { await connection.close() }
    }

    @Test func aBanSurvivesARestart() async throws {
        let directory = NSTemporaryDirectory() + "palisade-bans-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = fastSwitchConfiguration()
        configuration.banFile = directory + "/p2p_bans.txt"
        let first = try await TestNode(seed: 421, configuration: configuration)
        let (attacker, attackerID) = try await SwitchBackPressureTests.attack(first, seed: 422)
        #expect(await eventually { await first.node.isConnected(attackerID) })
        await first.node.ban(peer: attackerID, reason: "sent an invalid vote")
        await attacker.waitClosed()
        await first.node.stop()

        let second = try await TestNode(seed: 421, configuration: configuration)
        defer { Task { await second.node.stop() } }
        #expect(await second.node.isBanned(attackerID))
        let (again, _) = try await SwitchBackPressureTests.attack(second, seed: 422)
        await again.waitClosed()
        #expect(second.connections(of: attackerID) == 0)
    }

    @Test func theBanFileIsBoundedAndDropsExpiredAndMalformedEntries() throws {
        let directory = NSTemporaryDirectory() + "palisade-bans-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/p2p_bans.txt"
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var list = BanList(path: path, now: now)
        func id(_ index: Int) -> String { String(repeating: "0", count: 32) + String(format: "%08x", index) }
        for index in 0..<(BanList.capacity + 5) {
            #expect(list.ban(id(index), until: now.addingTimeInterval(Double(600 + index)), now: now) == nil)
        }
        #expect(list.entries.count == BanList.capacity)
        // The bans closest to their end made room.
        #expect(!list.isBanned(id(0), now: now) && list.isBanned(id(BanList.capacity + 4), now: now))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "not a ban\n" + id(9_999) + " 1\n").write(toFile: path, atomically: true, encoding: .utf8)
        var problems: [String] = []
        let reloaded = BanList(path: path, now: now, problems: { problems.append($0) })
        #expect(reloaded.entries == list.entries, "expired entry dropped, the rest kept")
        #expect(problems.count == 1)
        // Later, every ban has run out and none is kept.
        #expect(BanList(path: path, now: now.addingTimeInterval(10_000)).entries.isEmpty)
    }
}
