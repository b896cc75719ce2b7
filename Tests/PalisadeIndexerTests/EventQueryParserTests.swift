import Testing
@testable import PalisadeIndexer

@Suite("EventQuery parser")
struct EventQueryParserTests {
    @Test("every operator with every operand kind it accepts")
    func operatorsAndOperands() throws {
        let q = try EventQuery(
            "tm.event = 'Tx' AND tx.height > 5 AND tx.height >= 5.25 AND a.b < TIME 2021-11-23T22:04:19-09:00"
                + " AND a.c <= DATE 2021-01-02 AND a.d CONTAINS 'x y' AND a.e EXISTS AND a.f = 007 AND a.g = DATE 2020-02-29")
        #expect(q.conditions == [
            QueryCondition(key: "tm.event", op: .equal, operand: .string("Tx")),
            QueryCondition(key: "tx.height", op: .greater, operand: .number(QueryNumber(5))),
            QueryCondition(key: "tx.height", op: .greaterOrEqual, operand: .number(try #require(QueryNumber("5.25")))),
            QueryCondition(key: "a.b", op: .less, operand: .time(try #require(QueryTime.parseTimestamp("2021-11-24T07:04:19Z")))),
            QueryCondition(key: "a.c", op: .lessOrEqual, operand: .date(try #require(QueryTime.parseDate("2021-01-02")))),
            QueryCondition(key: "a.d", op: .contains, operand: .string("x y")),
            QueryCondition(key: "a.e", op: .exists, operand: nil),
            QueryCondition(key: "a.f", op: .equal, operand: .number(QueryNumber(7))),
            QueryCondition(key: "a.g", op: .equal, operand: .date(try #require(QueryTime.parseDate("2020-02-29")))),
        ])
    }

    @Test("canonical text: spaced operators, quoted strings, times in UTC")
    func description() throws {
        let q = try EventQuery("tm.event='NewBlock' AND  block.height>=10 AND x.t=TIME 2020-01-01T01:00:00+01:00 AND x.d>DATE 2020-01-01 AND x.e EXISTS")
        #expect(q.description
            == "tm.event = 'NewBlock' AND block.height >= 10 AND x.t = TIME 2020-01-01T00:00:00Z AND x.d > DATE 2020-01-01 AND x.e EXISTS")
        #expect(try EventQuery(q.description) == q)
    }

    @Test("tags may hold digits, dashes, underscores and letters beyond ASCII; strings hold anything but a quote")
    func lexicalEdges() throws {
        let q = try EventQuery("_a-b.c_1.d9 = 'AND = <x> \"ü\"' AND überweisung.betrag=1")
        #expect(q.conditions[0].key == "_a-b.c_1.d9")
        #expect(q.conditions[0].operand == .string("AND = <x> \"ü\""))
        #expect(q.conditions[1].key == "überweisung.betrag")
        #expect(try EventQuery("a.b = ''").conditions[0].operand == .string(""))
        #expect(try EventQuery("TIME='x'").conditions[0].key == "TIME", "TIME without a following space is a tag")
    }

    @Test("errors name the offset and what was expected", arguments: [
        ("", 0, "unexpected end of query, wanted tag"),
        ("   ", 3, "unexpected end of query, wanted tag"),
        ("a.b", 3, "unexpected end of query, wanted <= operator, >= operator, < operator, > operator, = operator, CONTAINS operator or EXISTS operator"),
        ("a.b =", 5, "unexpected end of query, wanted number, timestamp, datestamp or string"),
        ("a.b = 'x' a.c = 'y'", 10, "got tag, wanted AND operator"),
        ("a.b = 'x' AND", 13, "unexpected end of query, wanted tag"),
        ("a.b < 'x'", 6, "got string, wanted number, timestamp or datestamp"),
        ("a.b CONTAINS 5", 13, "got number, wanted string"),
        ("a.b = 'unterminated", 6, "unterminated string"),
        ("a.b = 5.", 8, "number needs digits after the decimal point"),
        ("a.b ! 5", 4, "invalid input !"),
        ("= 5", 0, "got = operator, wanted tag"),
        ("a.b = TIME 2020-13-01T00:00:00Z", 11, "invalid TIME value '2020-13-01T00:00:00Z', want 2006-01-02T15:04:05Z07:00"),
        ("a.b = TIME 2020-01-01", 11, "invalid TIME value '2020-01-01', want 2006-01-02T15:04:05Z07:00"),
        ("a.b = DATE 2021-02-29", 11, "invalid DATE value '2021-02-29', want 2006-01-02"),
        ("a.b > DATE 1899-12-31", 11, "datestamp year 1899 out of range"),
        ("a.b > TIME 3000-01-01T00:00:00Z", 11, "timestamp year 3000 out of range"),
        ("a.b EXISTS 'x'", 11, "got string, wanted AND operator"),
        ("a.b = x.y", 6, "got tag, wanted number, timestamp, datestamp or string"),
        ("a.b = -5", 6, "invalid input -"),
        ("a.b and a.c", 4, "got tag, wanted <= operator, >= operator, < operator, > operator, = operator, CONTAINS operator or EXISTS operator"),
    ])
    func errors(text: String, offset: Int, reason: String) {
        #expect(throws: QueryParseError(offset: offset, reason: reason)) { try EventQuery(text) }
    }

    @Test("the error text reads as CometBFT's")
    func errorText() {
        #expect(QueryParseError(offset: 10, reason: "got tag, wanted AND operator").description
            == "offset 10: got tag, wanted AND operator")
    }
}

@Suite("QueryNumber and QueryTime")
struct QueryValueTests {
    @Test("numbers compare exactly, beyond 64 bits and with decimals")
    func numbers() throws {
        let big = try #require(QueryNumber("123456789012345678901234567890"))
        #expect(big > QueryNumber(UInt64.max))
        #expect(try #require(QueryNumber("1.50")) == (try #require(QueryNumber("1.5"))))
        #expect(try #require(QueryNumber("0.0")) == QueryNumber(0))
        #expect(try #require(QueryNumber("2.05")) < (try #require(QueryNumber("2.5"))))
        #expect(try #require(QueryNumber("10")) > (try #require(QueryNumber("9.999"))))
        #expect(QueryNumber("1e5") == nil)
        #expect(QueryNumber("-1") == nil)
        #expect(QueryNumber(leadingNumberOf: "8atom") == QueryNumber(8))
        #expect(QueryNumber(leadingNumberOf: "6.5stake") == QueryNumber("6.5"))
        #expect(QueryNumber(leadingNumberOf: "5.x") == QueryNumber(5))
        #expect(QueryNumber(leadingNumberOf: "-5") == nil)
        #expect(QueryNumber(leadingNumberOf: "stake") == nil)
        #expect(QueryNumber(12).int64Value == 12)
        #expect(big.int64Value == nil)
        #expect(QueryNumber("9223372036854775808")?.int64Value == nil)
        #expect(QueryNumber("9223372036854775807")?.int64Value == Int64.max)
        #expect(QueryNumber("0012.340")?.description == "12.34")
    }

    @Test("timestamps: offsets, fractions, calendar validity")
    func timestamps() throws {
        let t = try #require(QueryTime.parseTimestamp("2021-11-23T22:04:19-09:00"))
        #expect(t == QueryTime.parseTimestamp("2021-11-24T07:04:19Z"))
        #expect(t.seconds == 1_637_737_459)
        #expect(QueryTime.parseTimestamp("1970-01-01T00:00:00.5Z") == QueryTime(seconds: 0, nanos: 500_000_000))
        #expect(QueryTime.parseTimestamp("1969-12-31T23:59:59.000000001Z") == QueryTime(seconds: -1, nanos: 1))
        #expect(QueryTime(seconds: -1, nanos: 1).description == "1969-12-31T23:59:59.000000001Z")
        #expect(QueryTime.parseTimestamp("2024-02-29T12:00:00Z")?.description == "2024-02-29T12:00:00Z")
        for bad in ["2023-02-29T00:00:00Z", "2021-11-23 22:04:19Z", "2021-11-23T24:00:00Z", "2021-11-23T22:04:19",
                    "2021-11-23T22:04:19.Z", "2021-11-23T22:04:19+0900", "2021-11-23t22:04:19z"] {
            #expect(QueryTime.parseTimestamp(bad) == nil, "\(bad)")
        }
        #expect(QueryTime.parseDate("2000-03-01")?.seconds == 951_868_800)
        #expect(QueryTime.parseDate("2000-3-01") == nil)
        #expect(QueryTime.parseDate("2000-03-01T00:00:00Z") == nil)
    }
}
