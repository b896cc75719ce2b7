@testable import PalisadeRPC
import Testing

/// Go's `url.ParseQuery` and `getParam` rules, as tables.
@Suite("URI parameters")
struct URIParametersTests {
    @Test("parsing: + is a space, escapes decoded, first value wins, bad pairs dropped", arguments: [
        ("tx=%22a%2Bb+c%22", ["tx": "\"a+b c\""]),
        ("a=1&a=2", ["a": "1"]),
        ("a&b=", ["a": "", "b": ""]),
        ("a=1;b=2&c=3", ["c": "3"]),
        ("a=%zz&b=%4", [:]),
        ("&&x=0x61&", ["x": "0x61"]),
        ("k=v=w", ["k": "v=w"]),
    ])
    func parse(text: String, expected: [String: String]) {
        #expect(URIParameters.parse(text) == expected)
    }

    @Test("merging: the query's non-empty value, else the form's")
    func merge() {
        let merged = URIParameters.merge(query: ["a": "q", "b": "", "c": ""], form: ["a": "f", "b": "f", "d": "f"])
        #expect(merged == ["a": "q", "b": "f", "c": "", "d": "f"])
    }

    @Test("only POST, PUT and PATCH bodies with a form media type are read")
    func formBodies() {
        #expect(URIParameters.readsForm(method: "POST"))
        #expect(!URIParameters.readsForm(method: "GET"))
        #expect(URIParameters.isForm(contentType: "Application/X-WWW-Form-Urlencoded ; charset=utf-8"))
        #expect(!URIParameters.isForm(contentType: "application/json"))
        #expect(!URIParameters.isForm(contentType: nil))
    }
}
