import PalisadeConsensus
import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("WAL entry encoding: every input round-trips, bad bytes are errors")
struct WALEntryTests {
    @Test func everyInputCaseRoundTrips() throws {
        let parts = PartSet(data: Array(repeating: 7, count: 100_000))
        let logged = (0..<parts.total).compactMap { parts.part(at: $0) }.map { WALEntry.blockPart(height: 3, round: 1, part: $0) }
        #expect(logged.count == 2)
        let entries = try Fixture.everyInput().map(WALEntry.input) + [.endHeight(0), .endHeight(41)] + logged
        for entry in entries {
            let encoded = entry.encoded()
            #expect(try WALEntry(encoded: encoded) == entry, "\(entry)")
            #expect(entry.encoded() == encoded, "deterministic")
        }
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.update(CRC32C.checksum(Array("1234".utf8)), Array("56789".utf8)) == 0xE306_9283)
    }

    @Test func unknownVersionAndKindAreNamed() {
        #expect(throws: WALDecodingError(field: "version", reason: "unknown payload version 2")) { try WALEntry(encoded: [2, 1]) }
        #expect(throws: WALDecodingError(field: "kind", reason: "unknown kind 99")) { try WALEntry(encoded: [1, 99]) }
        #expect(throws: WALDecodingError.self) { try WALEntry(encoded: []) }
    }

    @Test func trailingBytesAndBadFieldsAreRejected() throws {
        var withTrailer = WALEntry.endHeight(3).encoded()
        withTrailer.append(0)
        #expect(throws: WALDecodingError(field: "(entry)", reason: "1 trailing bytes")) { try WALEntry(encoded: withTrailer) }

        var badBool = WALEntry.input(.proposalValidity(height: 1, round: 0, blockID: Fixture.blockID(1), valid: true,
                                                       now: Fixture.time(0))).encoded()
        badBool[badBool.count - 13] = 2
        #expect(throws: WALDecodingError(field: "proposal_validity.valid", reason: "expected 0 or 1, got 2")) {
            try WALEntry(encoded: badBool)
        }

        var badNanos = WALEntry.input(.timeout(Timeout(height: 1, round: 0, step: .prevote, duration: 1), now: Fixture.time(0))).encoded()
        badNanos.replaceSubrange((badNanos.count - 4)..., with: [0x3B, 0x9A, 0xCA, 0x00])  // 1e9
        #expect(throws: WALDecodingError.self) { try WALEntry(encoded: badNanos) }

        var badStep = WALEntry.input(.timeout(Timeout(height: 1, round: 0, step: .prevote, duration: 1), now: Fixture.time(0))).encoded()
        badStep[2 + 8 + 4] = 7
        #expect(throws: WALDecodingError(field: "timeout.step", reason: "unknown step 7")) { try WALEntry(encoded: badStep) }
    }

    /// Totality: every truncation and every single-byte change of every encoded case decodes to
    /// something or throws; none traps.
    @Test func everyTruncationAndByteFlipIsHandled() throws {
        for input in try Fixture.everyInput() {
            let encoded = WALEntry.input(input).encoded()
            for length in 0..<encoded.count {
                #expect(throws: WALDecodingError.self) { try WALEntry(encoded: Array(encoded[..<length])) }
            }
            for index in encoded.indices {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var mutated = encoded
                    mutated[index] ^= flip
                    _ = try? WALEntry(encoded: mutated)
                }
            }
        }
    }

    @Test func embeddedMessagesGoThroughTheCheckedDecoders() throws {
        let key = try Fixture.privateKey()
        let unsigned = Fixture.vote(height: 1, round: 0, address: key.publicKey.address)
        let entry = WALEntry.input(.vote(unsigned, now: Fixture.time(0)))
        #expect(throws: WALDecodingError(field: "vote.vote", reason: "Vote.signature: missing")) {
            try WALEntry(encoded: entry.encoded())
        }
    }
}
