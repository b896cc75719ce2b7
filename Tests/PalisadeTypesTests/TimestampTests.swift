import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite struct TimestampTests {
    @Test func realChainTimesRoundTrip() throws {
        for text in ["2023-05-17T14:12:53.088875124Z", "2023-05-17T14:12:48.347696215Z", "2019-10-13T16:14:44Z"] {
            let time = try #require(Timestamp(rfc3339: text))
            #expect(time.rfc3339 == text)
        }
        #expect(Timestamp(rfc3339: "2019-10-13T16:14:44Z") == Timestamp(seconds: 1_570_983_284))
    }

    @Test func goZeroTime() {
        #expect(Timestamp.goZero.rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp(rfc3339: "0001-01-01T00:00:00Z") == .goZero)
    }

    @Test func epochAndBeforeIt() {
        #expect(Timestamp(seconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: -1, nanos: 500_000_000).rfc3339 == "1969-12-31T23:59:59.5Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59.5Z") == Timestamp(seconds: -1, nanos: 500_000_000))
        #expect(Timestamp(unixNanos: -1) == Timestamp(seconds: -1, nanos: 999_999_999))
    }

    @Test func offsetsConvertToUTC() {
        let utc = Timestamp(rfc3339: "2019-10-13T16:14:44Z")
        #expect(Timestamp(rfc3339: "2019-10-13T18:14:44+02:00") == utc)
        #expect(Timestamp(rfc3339: "2019-10-13T10:44:44-05:30") == utc)
        #expect(Timestamp(rfc3339: "2019-10-13T16:14:44+00:00") == utc)
        #expect(Timestamp(rfc3339: "2019-10-14T01:14:44.25+09:00") == Timestamp(seconds: 1_570_983_284, nanos: 250_000_000))
        // Lower-case separators are RFC 3339 too.
        #expect(Timestamp(rfc3339: "2019-10-13t16:14:44z") == utc)
    }

    @Test func fractionDigitsAreTrimmedAndPadded() {
        #expect(Timestamp(seconds: 0, nanos: 500_000_000).rfc3339 == "1970-01-01T00:00:00.5Z")
        #expect(Timestamp(seconds: 0, nanos: 1).rfc3339 == "1970-01-01T00:00:00.000000001Z")
        #expect(Timestamp(seconds: 0, nanos: 120_000).rfc3339 == "1970-01-01T00:00:00.00012Z")
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00.1Z") == Timestamp(seconds: 0, nanos: 100_000_000))
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00.000000000Z") == Timestamp(seconds: 0))
    }

    @Test func leapDays() {
        #expect(Timestamp(rfc3339: "2020-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2019-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "1900-02-29T00:00:00Z") == nil)
    }

    @Test(arguments: [
        "", "2019", "2019-10-13", "2019-10-13T16:14:44", "2019-10-13 16:14:44Z", "2019-13-01T00:00:00Z",
        "2019-00-01T00:00:00Z", "2019-04-31T00:00:00Z", "2019-10-13T24:00:00Z", "2019-10-13T16:60:00Z",
        "2019-10-13T16:14:60Z", "2019-10-13T16:14:44.Z", "2019-10-13T16:14:44.1234567891Z",
        "2019-10-13T16:14:44+0200", "2019-10-13T16:14:44+24:00", "2019-10-13T16:14:44Z ", " 2019-10-13T16:14:44Z",
        "2019-10-13T16:14:44+02:00Z", "201a-10-13T16:14:44Z", "2019-10-13T16:14:44-", "2019-1O-13T16:14:44Z",
    ])
    func invalidStringsAreRejected(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    /// Format then parse is the identity over years 1 to 9999 (a deterministic sweep, no randomness).
    @Test func formatParseRoundTrip() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let low = Timestamp.goZero.seconds, high: Int64 = 253_402_300_799
        for _ in 0..<5_000 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let seconds = low + Int64(state % UInt64(high - low + 1))
            let nanos = Int32(truncatingIfNeeded: (state >> 20) % 1_000_000_000)
            let time = Timestamp(seconds: seconds, nanos: nanos)
            #expect(Timestamp(rfc3339: time.rfc3339) == time)
        }
    }

    @Test func ordering() {
        #expect(Timestamp(seconds: 1, nanos: 999_999_999) < Timestamp(seconds: 2, nanos: 0))
        #expect(Timestamp(seconds: 1).adding(milliseconds: 1500) == Timestamp(seconds: 2, nanos: 500_000_000))
        #expect(Timestamp(seconds: 1).adding(milliseconds: -1500) == Timestamp(seconds: -1, nanos: 500_000_000))
    }
}
