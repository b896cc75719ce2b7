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
