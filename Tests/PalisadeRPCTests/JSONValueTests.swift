@testable import PalisadeRPC
import Testing

@Suite("JSON reader and writer")
struct JSONValueTests {
    @Test("round trip keeps key order and number text")
    func roundTrip() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\u00e9",-12.5e3],"c":{}}"#
        let v = try JSONValue(parsing: Array(text.utf8))
        #expect(v.text == #"{"b":1,"a":[true,false,null,"xé",-12.5e3],"c":{}}"#)
        #expect(v["b"] == .number("1"))
    }

    @Test("Go's escaping: <, >, & and control characters as \\u00XX")
    func escaping() {
        #expect(JSONValue.string("<a&b>\n\u{1}\"\\").text == #""\u003ca\u0026b\u003e\n\u0001\"\\""#)
    }

    @Test("surrogate pairs decode; lone surrogates become U+FFFD")
    func surrogates() throws {
        #expect(try JSONValue(parsing: Array(#""\ud83d\ude00""#.utf8)) == .string("😀"))
        #expect(try JSONValue(parsing: Array(#""\ud83d""#.utf8)) == .string("\u{FFFD}"))
    }

    @Test("malformed input is refused with an offset", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"abc", "{\"a\":1}x", "[\"\u{1}\"]",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test("nesting deeper than the limit is refused, not recursed into")
    func depth() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(deep.utf8)) }
    }
}

@Suite("Query reader (temporary, until PalisadeIndexer's EventQuery)")
struct TemporaryEventQueryTests {
    @Test("conditions joined by AND, strings and numbers")
    func matching() throws {
        let q = try TemporaryEventQuery("tm.event = 'Tx' AND tx.height > 5 AND app.key CONTAINS 'x' AND app.creator EXISTS")
        #expect(q.matches(["tm.event": ["Tx"], "tx.height": ["6"], "app.key": ["axb"], "app.creator": ["c"]]))
        #expect(!q.matches(["tm.event": ["Tx"], "tx.height": ["5"], "app.key": ["axb"], "app.creator": ["c"]]))
        #expect(!q.matches(["tm.event": ["NewBlock"]]))
    }

    @Test("CometBFT's message for a missing operator")
    func malformed() {
        #expect(throws: TemporaryEventQuery.ParseError.self) { try TemporaryEventQuery("malformed query") }
        do {
            _ = try TemporaryEventQuery("malformed query")
        } catch {
            #expect(error.description.hasPrefix("offset 10: got tag, wanted <= operator"))
        }
    }
}
