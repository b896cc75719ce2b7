import Foundation
import Logging
import PalisadeABCI
import PalisadeCrypto
import PalisadeMempool
@testable import PalisadeNode
import PalisadeProto
import Synchronization
import Testing

/// The reactor relays client transactions in batches (issue #14 item 2): what was accepted while
/// a message was being handed to the peers leaves in one message, in order, each message within
/// the mempool channel's limit.
@Suite("Mempool relay batches")
struct MempoolRelayTests {
    /// Accepts everything (CometBFT's `BaseApplication`).
    struct AcceptAll: Application {}

    /// Records each broadcast's transactions; holds the first broadcast until the test opens
    /// it, standing for a slow hand-off to the peers.
    actor HeldNetwork: PeerNetwork {
        private(set) var messages: [[Bytes]] = []
        private var held: CheckedContinuation<Void, Never>?
        private var holdFirst: Bool
        private var firstArrived = false

        init(holdFirst: Bool = true) {
            self.holdFirst = holdFirst
        }

        func broadcast(channel: UInt8, bytes: Bytes) async {
            let txs = (try? Palisade_P2p_Txs(serializedBytes: bytes))?.txs.map { Bytes($0) } ?? []
            messages.append(txs)
            if holdFirst {
                holdFirst = false
                firstArrived = true
                await withCheckedContinuation { held = $0 }
            }
        }

        func send(to peer: String, channel: UInt8, bytes: Bytes) async {}
        func disconnect(peer: String, reason: String) async {}

        func open() {
            held?.resume()
            held = nil
        }

        var relayedCount: Int { messages.reduce(0) { $0 + $1.count } }

        private var parked: Bool { firstArrived && held != nil }

        /// Waits (yielding, not sleeping) until the held first broadcast is in, and is parked.
        nonisolated func waitForFirst() async {
            while await !parked { await Task.yield() }
        }

        nonisolated func waitForRelayed(_ count: Int) async {
            while await relayedCount < count { await Task.yield() }
        }
    }

    /// Which submissions reported back, shared with their callbacks.
    final class Checked: Sendable {
        private let values = Mutex<[Int]>([])
        func add(_ i: Int) { values.withLock { $0.append(i) } }
        var all: [Int] { values.withLock { $0 } }
    }

    static func tx(_ i: Int, size: Int = 250) -> Bytes {
        Array("relay\(i)=".utf8) + Array(repeating: UInt8(ascii: "v"), count: size)
    }

    @Test func acceptedWhileAMessageIsSentLeaveTogetherInOrder() async {
        let network = HeldNetwork()
        let reactor = MempoolReactor(mempool: Mempool(app: AcceptAll()), network: network,
                                     logger: Logger(label: "relay"))
        let txs = (0..<10).map { Self.tx($0) }
        // The first is sent alone and held; the nine accepted meanwhile must wait, then go as one.
        // (Not awaited: a reactor that relays inside `submit` would wait on the held broadcast.)
        let first = Task { await reactor.submit(txs[0]).isAccepted }
        await network.waitForFirst()
        for tx in txs.dropFirst() { #expect(await reactor.submit(tx).isAccepted) }
        #expect(await network.messages == [[txs[0]]])
        await network.open()
        await network.waitForRelayed(10)
        #expect(await network.messages == [[txs[0]], Array(txs.dropFirst())])
        #expect(await first.value)
    }

    @Test func laterSubmissionsAreAdmittedInOrderAndEachReportedOnce() async {
        let network = HeldNetwork(holdFirst: false)
        let mempool = Mempool(app: AcceptAll())
        let reactor = MempoolReactor(mempool: mempool, network: network, logger: Logger(label: "relay"))
        let txs = (0..<50).map { Self.tx($0) }
        let checked = Checked()
        for (i, tx) in txs.enumerated() {
            reactor.submitLater(tx) { checked.add(i) }
        }
        while checked.all.count < txs.count { await Task.yield() }
        await network.waitForRelayed(txs.count)
        #expect(checked.all.sorted() == Array(0..<50))
        #expect(await mempool.allTxs() == txs)
        #expect(await network.messages.flatMap { $0 } == txs)
        // A copy submitted later is checked (and reported) too, and refused by the cache.
        reactor.submitLater(txs[0]) { checked.add(-1) }
        while checked.all.count < txs.count + 1 { await Task.yield() }
        #expect(await mempool.size == txs.count)
    }

    @Test func aBatchStaysWithinTheLimitAndALargeTxGoesAlone() {
        let limit = 1000
        var queue = TxRelayQueue(maxBatchBytes: limit)
        let small = (0..<8).map { Self.tx($0, size: 200) }
        let large = Self.tx(99, size: limit)
        for tx in small.prefix(5) { queue.append(tx) }
        queue.append(large)
        for tx in small.dropFirst(5) { queue.append(tx) }
        var batches: [[Bytes]] = []
        while !queue.isEmpty { batches.append(queue.takeBatch()) }
        #expect(batches.flatMap { $0 } == Array(small.prefix(5)) + [large] + Array(small.dropFirst(5)))
        #expect(batches.contains([large]))
        for batch in batches where batch.count > 1 {
            #expect(batch.reduce(0) { $0 + $1.count + TxRelayQueue.framingBytes } <= limit)
        }
        #expect(queue.takeBatch().isEmpty)
    }
}
