import PalisadeCrypto
@testable import PalisadeMempool
import Testing

@Suite("TxCache")
struct TxCacheTests {
    private func key(_ n: Int) -> TxKey { TxKey(tx: Bytes("tx\(n)".utf8)) }

    @Test func keyIsSHA256OfTheTx() {
        #expect(TxKey(tx: Bytes("abc".utf8)).hash.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func pushReportsDuplicates() {
        var cache = TxCache(capacity: 3)
        let first = cache.push(key(1))
        let second = cache.push(key(1))
        #expect(first && !second)
        #expect(cache.count == 1)
    }

    @Test func evictsTheLeastRecentlyPushed() {
        var cache = TxCache(capacity: 2)
        cache.push(key(1))
        cache.push(key(2))
        cache.push(key(1))  // 1 is now the most recent; 2 goes next
        cache.push(key(3))
        #expect(cache.contains(key(1)))
        #expect(!cache.contains(key(2)))
        #expect(cache.contains(key(3)))
        #expect(cache.count == 2)
    }

    @Test func zeroCapacityRemembersNothing() {
        var cache = TxCache(capacity: 0)
        let first = cache.push(key(1))
        let second = cache.push(key(1))
        #expect(first && second)
        #expect(!cache.contains(key(1)))
    }

    @Test func removeAndReset() {
        var cache = TxCache(capacity: 4)
        cache.push(key(1))
        cache.push(key(2))
        cache.remove(key(1))
        #expect(!cache.contains(key(1)))
        cache.reset()
        #expect(cache.count == 0)
    }

    @Test func linkedListKeepsOrderThroughRemovals() {
        var list = LinkedKeyList<Int, String>()
        for n in 0..<5 { list.append(n, "\(n)") }
        list.remove(0)
        list.remove(2)
        list.remove(4)
        #expect(list.elements.map(\.key) == [1, 3])
        list.moveToBack(1)
        #expect(list.elements.map(\.key) == [3, 1])
        #expect(list.first == 3 && list.last == 1)
    }
}
