import Testing
import PalisadeABCI
@testable import PalisadeIndexer

@Suite("EventQuery.matches (subscriptions)")
struct EventQueryMatchTests {
    let events: [String: [String]] = [
        "tm.event": ["Tx"],
        "tx.height": ["12"],
        "tx.hash": ["ABCD"],
        "transfer.sender": ["alice", "bob"],
        "transfer.amount": ["100stake", "7.5"],
        "order.time": ["2021-06-01T10:00:00Z"],
        "order.day": ["2021-06-01"],
    ]

    func matches(_ text: String) throws -> Bool { try EventQuery(text).matches(events) }

    @Test("= on strings is exact and case-sensitive; any value of the key may match")
    func equality() throws {
        #expect(try matches("tm.event = 'Tx'"))
        #expect(try !matches("tm.event = 'tx'"))
        #expect(try matches("transfer.sender = 'bob'"))
        #expect(try !matches("transfer.sender = 'carol'"))
        #expect(try !matches("missing.key = 'x'"))
    }

    @Test("numbers compare numerically, reading a value's leading number")
    func numbers() throws {
        #expect(try matches("tx.height = 12"))
        #expect(try matches("tx.height = 12.0"))
        #expect(try matches("tx.height > 11.5"))
        #expect(try !matches("tx.height > 12"))
        #expect(try matches("tx.height >= 12"))
        #expect(try matches("tx.height < 100"), "numeric, not lexicographic: 12 < 100")
        #expect(try matches("tx.height <= 12"))
        #expect(try matches("transfer.amount = 100"), "100stake reads as 100")
        #expect(try matches("transfer.amount < 8"), "7.5 < 8")
        #expect(try !matches("transfer.sender > 0"), "words are not numbers")
        #expect(try !matches("tx.hash > 0"), "ABCD does not start with a digit")
    }

    @Test("TIME and DATE read values as instants and days")
    func times() throws {
        #expect(try matches("order.time = TIME 2021-06-01T12:00:00+02:00"))
        #expect(try matches("order.time > TIME 2021-06-01T09:59:59Z"))
        #expect(try !matches("order.time < TIME 2021-06-01T10:00:00Z"))
        #expect(try matches("order.time <= TIME 2021-06-01T10:00:00Z"))
        #expect(try matches("order.day = DATE 2021-06-01"))
        #expect(try matches("order.day >= DATE 2021-05-31"))
        #expect(try !matches("order.time = DATE 2021-06-01"), "a timestamp value is not a day")
        #expect(try !matches("tx.height > DATE 2021-06-01"))
    }

    @Test("CONTAINS is a substring test; EXISTS asks for the key or the event type")
    func containsAndExists() throws {
        #expect(try matches("transfer.sender CONTAINS 'li'"))
        #expect(try matches("transfer.sender CONTAINS ''"))
        #expect(try !matches("transfer.sender CONTAINS 'LI'"))
        #expect(try matches("transfer.sender EXISTS"))
        #expect(try matches("transfer EXISTS"), "a type alone exists when any of its attributes does")
        #expect(try !matches("transfer.receiver EXISTS"))
        #expect(try !matches("tm EXISTS AND nothing.here EXISTS"))
        #expect(try !matches("sender EXISTS"))
    }

    @Test("AND needs every condition; nothing matches no events")
    func conjunction() throws {
        #expect(try matches("tm.event = 'Tx' AND transfer.sender = 'alice' AND tx.height >= 12"))
        #expect(try !matches("tm.event = 'Tx' AND transfer.sender = 'alice' AND tx.height > 12"))
        #expect(try !EventQuery("a.b EXISTS").matches([:]))
    }

    @Test("flatten keeps every attribute in order, skipping empty types and keys")
    func flatten() {
        let map = EventQuery.flatten([
            Event(type: "transfer", attributes: [
                EventAttribute(key: "sender", value: "alice"),
                EventAttribute(key: "memo", value: "hi", index: false),
                EventAttribute(key: "", value: "dropped"),
            ]),
            Event(type: "", attributes: [EventAttribute(key: "k", value: "dropped")]),
            Event(type: "transfer", attributes: [EventAttribute(key: "sender", value: "bob")]),
        ])
        #expect(map == ["transfer.sender": ["alice", "bob"], "transfer.memo": ["hi"]])
    }
}
