/// Simulated time in milliseconds since the run's genesis. Integers, so no rounding can make two
/// runs of one seed disagree.
public typealias SimTime = Int64

/// A min-heap of pending events ordered by (time, sequence number). The sequence number is the
/// order of scheduling, so events due at the same millisecond fire first-scheduled-first and a
/// run never depends on heap internals. Payloads live in a slab beside the heap, so sifting
/// moves three integers rather than a whole message.
struct EventQueue<Payload> {
    private struct Entry {
        var time: SimTime
        var sequence: UInt64
        var slot: Int

        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0
    private var slab: [Payload?] = []
    private var freeSlots: [Int] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextTime: SimTime? { heap.first?.time }

    mutating func schedule(at time: SimTime, _ payload: Payload) {
        let slot: Int
        if let reused = freeSlots.popLast() {
            slot = reused
            slab[slot] = payload
        } else {
            slot = slab.count
            slab.append(payload)
        }
        heap.append(Entry(time: time, sequence: nextSequence, slot: slot))
        nextSequence += 1
        siftUp(heap.count - 1)
    }

    mutating func pop() -> (time: SimTime, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
        guard let payload = slab[top.slot] else { return nil }
        slab[top.slot] = nil
        freeSlots.append(top.slot)
        return (top.time, payload)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            let right = left + 1
            if right < heap.count, heap[right].precedes(heap[left]) { smallest = right }
            guard heap[smallest].precedes(heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
extension EventQueue: Sendable where Payload: Sendable {}
