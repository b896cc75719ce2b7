import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite struct PartSetTests {
    /// Deterministic filler bytes (no randomness in tests).
    static func data(_ count: Int) -> Bytes { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) } }

    @Test func splitsInto64KiBParts() {
        let set = PartSet(data: Self.data(Part.size * 2 + 100))
        #expect(set.total == 3)
        #expect(set.header.total == 3)
        #expect(set.isComplete)
        #expect(set.part(at: 0)?.bytes.count == Part.size)
        #expect(set.part(at: 2)?.bytes.count == 100)
        #expect(set.header.hash == Merkle.root((0..<3).compactMap { set.part(at: $0)?.bytes }))
    }

    @Test func exactMultipleHasNoEmptyTail() {
        #expect(PartSet(data: Self.data(Part.size)).total == 1)
        #expect(PartSet(data: Self.data(Part.size * 2)).total == 2)
        #expect(PartSet(data: []).total == 0)
    }

    @Test func receiverReassemblesFromGossipInAnyOrder() throws {
        let data = Self.data(Part.size * 3 + 7)
        let sent = PartSet(data: data)
        var received = try PartSet(header: sent.header)
        #expect(received.data == nil)
        for index in [3, 1, 0, 2] {
            let part = try #require(sent.part(at: index))
            // Through the wire format, as a peer would send it.
            #expect(try received.add(try Part(protobuf: CanonicalEncoding.encode(part.proto))))
            #expect(try received.add(part) == false) // a duplicate is not an error
        }
        #expect(received.isComplete)
        #expect(received.data == data)
        #expect(received.byteSize == data.count)
    }

    @Test func rejectsPartsThatAreNotOurs() throws {
        let sent = PartSet(data: Self.data(Part.size * 2 + 1))
        let other = PartSet(data: Self.data(Part.size * 2 + 2))
        var received = try PartSet(header: sent.header)
        let foreign = try #require(other.part(at: 0))
        #expect { try received.add(foreign) } throws: { ($0 as? DecodingError)?.field == "proof" }

        var tampered = try #require(sent.part(at: 1))
        tampered.bytes[0] ^= 1
        #expect { try received.add(tampered) } throws: { ($0 as? DecodingError)?.field == "bytes" || ($0 as? DecodingError)?.field == "proof" }

        var misplaced = try #require(sent.part(at: 0))
        misplaced.index = 1
        #expect { try received.add(misplaced) } throws: { ($0 as? DecodingError)?.field == "proof" }

        var beyond = try #require(sent.part(at: 0))
        beyond.index = 3
        #expect { try received.add(beyond) } throws: { ($0 as? DecodingError)?.field == "index" }
        #expect(received.count == 0)
    }

    @Test func headerLimits() {
        #expect(throws: DecodingError.self) { try PartSet(header: PartSetHeader(total: 0, hash: SHA256Hash.empty)) }
        #expect(throws: DecodingError.self) { try PartSet(header: PartSetHeader(total: UInt32.max, hash: SHA256Hash.empty)) }
        #expect(throws: DecodingError.self) { try PartSet(header: PartSetHeader(total: 1, hash: [1, 2])) }
    }

    @Test func malformedPartProtobuf() throws {
        let part = try #require(PartSet(data: Self.data(10)).part(at: 0))
        let bytes = CanonicalEncoding.encode(part.proto)
        for cut in 0..<bytes.count {
            _ = try? Part(protobuf: Bytes(bytes.prefix(cut))) // must not crash
        }
        var oversized = part.proto
        oversized.bytes = Bytes(repeating: 0, count: Part.size + 1).data
        #expect { try Part(proto: oversized) } throws: { ($0 as? DecodingError)?.field == "bytes" }
        var badAunt = part.proto
        badAunt.proof.aunts = [Bytes([1]).data]
        #expect { try Part(proto: badAunt) } throws: { ($0 as? DecodingError)?.field == "proof.aunts[0]" }
    }
}
