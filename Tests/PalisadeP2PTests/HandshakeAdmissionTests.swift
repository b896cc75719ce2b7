import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// Bare TCP connects must not cost a handshake or a descriptor each: beyond the pending bound
/// they are closed as they are accepted, and peers that authenticate still get in.
@Suite struct HandshakeAdmissionTests {
    @Test func aFloodOfSilentConnectsIsClosedAtTheDoor() async throws {
        let log = LogLines()
        // A deadline longer than the flood takes on a loaded machine, so no admitted handshake
        // times out and frees its slot while connects are still arriving.
        let transport = P2PTransport(configuration: P2PConfiguration(handshakeTimeout: .seconds(600), log: { log.append($0) }))
        let admission = HandshakeAdmission(maxPending: 8, maxPendingPerIP: 8)
        let listener = try await transport.listen(host: "127.0.0.1", port: 0, nodeKey: makeNodeKey(700), admission: admission)
        var clients: [ReadingClient] = []
        for _ in 0..<200 { clients.append(try await ReadingClient(port: listener.port)) }
        #expect(await eventually { log.lines.count { $0.contains("refusing inbound connection") } >= 192 })
        #expect(admission.pendingCount <= 8)
        for client in clients { await client.close() }
        #expect(await eventually { admission.pendingCount == 0 }, "slots come back when the handshakes end")

        let connection = try await P2PTransport().dial(host: "127.0.0.1", port: listener.port, expectedID: nil,
                                                       nodeKey: makeNodeKey(701))
        await connection.close()
        await listener.close()
    }

    @Test func theBoundIsPerIPAndInAll() {
        let admission = HandshakeAdmission(maxPending: 3, maxPendingPerIP: 2)
        #expect(admission.admit(ip: "10.0.0.1"))
        #expect(admission.admit(ip: "10.0.0.1"))
        #expect(!admission.admit(ip: "10.0.0.1"), "two per IP")
        #expect(admission.admit(ip: "10.0.0.2"))
        #expect(!admission.admit(ip: "10.0.0.3"), "three in all")
        admission.finished(ip: "10.0.0.1")
        #expect(admission.admit(ip: "10.0.0.3"))
        #expect(admission.pendingCount == 3)
    }
}
