import Testing
@testable import PalisadeNode

@Suite("Config: Go durations")
struct ConfigDurationTests {
    @Test(arguments: [
        ("0", 0), ("0s", 0), ("1s", 1000), ("500ms", 500), ("1m0s", 60_000), ("1m30s", 90_000),
        ("1.5s", 1500), ("1h0m0s", 3_600_000), ("1h2m3.004s", 3_723_004), ("+2s", 2000),
        ("1500000us", 1500), ("1000000ns", 1), ("2000µs", 2), (".5s", 500), ("1.s", 1000), ("10m", 600_000),
    ] as [(String, Int64)])
    func parses(text: String, milliseconds: Int64) throws {
        #expect(try GoDuration.milliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "s", "5", "1", "abc", "1x", "1.5", "--1s", "1s ", " 1s", "1 s", ".s", "1e3s"])
    func refusesMalformed(text: String) {
        #expect(throws: GoDuration.ParseError.malformed(text)) { try GoDuration.milliseconds(text) }
    }

    @Test func refusesNegativeSubMillisecondAndHuge() {
        #expect(throws: GoDuration.ParseError.negative("-1s")) { try GoDuration.milliseconds("-1s") }
        #expect(throws: GoDuration.ParseError.subMillisecond("1.0005s")) { try GoDuration.milliseconds("1.0005s") }
        #expect(throws: GoDuration.ParseError.subMillisecond("10us")) { try GoDuration.milliseconds("10us") }
        #expect(throws: GoDuration.ParseError.tooLarge("9999999999999h")) { try GoDuration.milliseconds("9999999999999h") }
        #expect(throws: GoDuration.ParseError.tooLarge("99999999999999999999s")) {
            try GoDuration.milliseconds("99999999999999999999s")
        }
    }

    @Test(arguments: [
        (0, "0s"), (1, "1ms"), (500, "500ms"), (1000, "1s"), (1500, "1.5s"), (1010, "1.01s"), (60_000, "1m0s"),
        (90_500, "1m30.5s"), (3_600_000, "1h0m0s"), (3_723_004, "1h2m3.004s"),
    ] as [(Int64, String)])
    func formatsAsGoDoes(milliseconds: Int64, text: String) throws {
        #expect(GoDuration.format(milliseconds: milliseconds) == text)
        #expect(try GoDuration.milliseconds(text) == milliseconds)
    }

    @Test func formatRoundTripsEveryScale() throws {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<2000 {
            let ms = Int64.random(in: 0...(Int64(1) << Int64.random(in: 0...40, using: &generator)), using: &generator)
            #expect(try GoDuration.milliseconds(GoDuration.format(milliseconds: ms)) == ms)
        }
    }
}
