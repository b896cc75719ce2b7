@testable import PalisadeP2P
import Synchronization
import Testing

/// The switch's pieces that need no socket: the redial backoff and the bounded event queue.
@Suite("Switch parts")
struct SwitchPartsTests {
    @Test func backoffDoublesWithJitterUpToTheCapAndResets() {
        var generator = SeededGenerator(seed: 5)
        var backoff = DialBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        let bases: [Duration] = [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)]
        for base in bases {
            let wait = backoff.next(using: &generator)
            #expect(wait >= base * 0.8 && wait <= base * 1.2, "\(wait) around \(base)")
        }
        backoff.reset()
        #expect(backoff.current == .milliseconds(100))
    }

    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    static func message(_ byte: UInt8) -> SwitchEvent { .message(from: "p", channel: 1, bytes: [byte]) }

    @Test func aFullQueueHoldsProducersBackUntilTheConsumerTakesOne() async {
        let queue = EventQueue(messageLimit: 2)
        let message = Self.message
        #expect(await queue.postMessage(message(1)))
        #expect(await queue.postMessage(message(2)))
        let third = Flag()
        let producer = Task {
            let accepted = await queue.postMessage(Self.message(3))
            third.set()
            return accepted
        }
        // Connection events never wait, even with the queue full.
        #expect(queue.post(.peerDisconnected(id: "q", reason: "test")))
        #expect(!third.isSet)
        #expect(await queue.next() == message(1))
        #expect(await producer.value)
        #expect(await queue.next() == message(2))
        #expect(await queue.next() == .peerDisconnected(id: "q", reason: "test"))
        #expect(await queue.next() == message(3))
    }

    @Test func finishReleasesWaitersAndEndsAfterTheBufferedEvents() async {
        let queue = EventQueue(messageLimit: 1)
        let message = SwitchEvent.message(from: "p", channel: 1, bytes: [])
        #expect(await queue.postMessage(message))
        let blocked = Task { await queue.postMessage(message) }
        queue.finish()
        #expect(await blocked.value == false)
        #expect(!queue.post(message))
        #expect(await queue.next() == message)
        #expect(await queue.next() == nil)
    }
}
