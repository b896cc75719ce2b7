import Foundation
import PalisadeConsensus
import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("ConsensusWAL: append, sync, replay, recovery")
struct ConsensusWALTests {
    /// A WAL file holding `entries`, synced and closed; returns its path and each record's offset.
    private func writeWAL(_ entries: [WALEntry], in directory: TemporaryDirectory) throws -> (path: String, offsets: [Int]) {
        let path = directory.file("cs.wal")
        let wal = try ConsensusWAL(path: path)
        var offsets: [Int] = []
        var offset = 0
        for entry in entries {
            offsets.append(offset)
            try wal.append(entry)
            offset += WALRecord.headerSize + entry.encoded().count
        }
        try wal.sync()
        wal.close()
        return (path, offsets)
    }

    private func sampleEntries() throws -> [WALEntry] {
        let inputs = try Fixture.everyInput()
        return inputs.prefix(4).map(WALEntry.input) + [.endHeight(5)] + inputs.dropFirst(4).map(WALEntry.input)
    }

    @Test func roundTripsEveryInputCaseThroughTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let entries = try sampleEntries()
        let (path, _) = try writeWAL(entries, in: directory)
        let reopened = try ConsensusWAL(path: path)
        #expect(reopened.recoveryNote == nil)
        #expect(try reopened.readAll() == entries)
        // Appending after reopening continues the same log.
        try reopened.append(.endHeight(6))
        try reopened.sync()
        #expect(try ConsensusWAL(path: path).readAll() == entries + [.endHeight(6)])
    }

    @Test func emptyAndNewFilesHaveNoEntries() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fresh = try ConsensusWAL(path: directory.file("new.wal"))
        #expect(fresh.recoveryNote == nil)
        #expect(try fresh.readAll().isEmpty)
        #expect(directory.exists("new.wal"))
        try directory.write([], to: "empty.wal")
        let empty = try ConsensusWAL(path: directory.file("empty.wal"))
        #expect(empty.recoveryNote == nil)
        #expect(try empty.readAll().isEmpty)
    }

    /// A crash during an append (before its `sync` returned) leaves any prefix of the record:
    /// for every cut inside the last record, opening truncates exactly that record, says so, and
    /// keeps every earlier one; the log then accepts new records.
    @Test func tornTailAtEveryByteOffsetIsTruncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let entries = try sampleEntries()
        let (path, offsets) = try writeWAL(entries, in: directory)
        let full = try directory.read("cs.wal")
        let lastStart = try #require(offsets.last)
        for cut in lastStart..<full.count {
            try directory.write(Array(full[..<cut]), to: "cs.wal")
            let wal = try ConsensusWAL(path: path)
            if cut == lastStart {
                #expect(wal.recoveryNote == nil)
            } else {
                let note = try #require(wal.recoveryNote, "cut at \(cut)")
                #expect(note.contains("byte offset \(lastStart)"), "\(note)")
            }
            #expect(try wal.readAll() == Array(entries.dropLast()), "cut at \(cut)")
            #expect(try directory.read("cs.wal").count == lastStart, "truncated on disk")
            try wal.append(.endHeight(9))
            try wal.sync()
            wal.close()
            #expect(try ConsensusWAL(path: path).readAll() == Array(entries.dropLast()) + [.endHeight(9)])
        }
    }

    @Test func corruptLastRecordAndZeroFilledTailAreTruncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let entries = try sampleEntries()
        let (path, offsets) = try writeWAL(entries, in: directory)
        let full = try directory.read("cs.wal")
        let lastStart = try #require(offsets.last)
        for index in lastStart..<full.count {
            var damaged = full
            damaged[index] ^= 0x40
            try directory.write(damaged, to: "cs.wal")
            let wal = try ConsensusWAL(path: path)
            #expect(wal.recoveryNote != nil, "flip at \(index)")
            #expect(try wal.readAll() == Array(entries.dropLast()), "flip at \(index)")
        }
        // A file system may extend the file with zeros that were never written.
        try directory.write(full + Bytes(repeating: 0, count: 4096), to: "cs.wal")
        let wal = try ConsensusWAL(path: path)
        #expect(try #require(wal.recoveryNote).contains("byte offset \(full.count)"))
        #expect(try wal.readAll() == entries)
    }

    /// A changed byte anywhere in a record that has good records after it is not a torn write:
    /// opening fails, names the file and the bad record's offset, and changes nothing.
    @Test func flippedByteInAMiddleRecordIsAnErrorWithTheOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let entries = try sampleEntries()
        let (path, offsets) = try writeWAL(entries, in: directory)
        let full = try directory.read("cs.wal")
        for (recordIndex, start) in offsets.dropLast().enumerated() {
            let end = offsets[recordIndex + 1]
            for index in start..<end {
                var damaged = full
                damaged[index] ^= 0x01
                try directory.write(damaged, to: "cs.wal")
                do {
                    _ = try ConsensusWAL(path: path)
                    Issue.record("flip at \(index) was accepted")
                } catch let .corruptRecord(errorPath, offset, _) {
                    #expect(errorPath == path)
                    #expect(offset == start, "flip at \(index)")
                } catch {
                    Issue.record("flip at \(index): unexpected \(error)")
                }
                #expect(try directory.read("cs.wal") == damaged, "nothing truncated")
            }
        }
        try directory.write(full, to: "cs.wal")
        let description = WALError.corruptRecord(path: path, offset: 42, reason: "checksum mismatch").description
        #expect(description.contains(path) && description.contains("42"))
    }

    @Test func fileOfGarbageIsRefusedNotTruncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SplitMix64(seed: 7)
        let garbage = (0..<3000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try directory.write(garbage, to: "garbage.wal")
        #expect(throws: WALError.notAWAL(path: directory.file("garbage.wal"), reason: "no valid record, bad magic at byte offset 0")) {
            try ConsensusWAL(path: directory.file("garbage.wal"))
        }
        #expect(try directory.read("garbage.wal") == garbage)
        // Garbage before real records is corruption at offset 0.
        let (path, _) = try writeWAL([.endHeight(1)], in: directory)
        try directory.write(Array("junk".utf8) + (try directory.read("cs.wal")), to: "cs.wal")
        #expect(throws: WALError.self) { try ConsensusWAL(path: path) }
    }

    @Test func recordWithAGoodChecksumButUnknownContentIsAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(WALRecord.frame([1, 200]), to: "a.wal")
        #expect(throws: WALError.undecodableRecord(path: directory.file("a.wal"), offset: 0,
                                                    error: WALDecodingError(field: "kind", reason: "unknown kind 200"))) {
            try ConsensusWAL(path: directory.file("a.wal"))
        }
        var newer = WALRecord.frame(WALEntry.endHeight(1).encoded())
        newer[4] = 2
        let crc = CRC32C.update(CRC32C.checksum(newer[0..<9]), newer[13...])
        newer.replaceSubrange(9..<13, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> UInt32(24 - 8 * $0)) })
        try directory.write(newer, to: "b.wal")
        #expect(throws: WALError.unsupportedVersion(path: directory.file("b.wal"), offset: 0, version: 2)) {
            try ConsensusWAL(path: directory.file("b.wal"))
        }
    }

    @Test func replayStartsAfterThePreviousHeightsMarker() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let t = { (h: Int64, r: Int32) in Input.timeout(Timeout(height: h, round: r, step: .propose, duration: 1), now: Fixture.time(0)) }
        let entries: [WALEntry] = [.input(t(1, 0)), .input(t(1, 1)), .endHeight(1), .input(t(2, 0)), .endHeight(2), .input(t(3, 0)), .input(t(3, 1))]
        let (path, _) = try writeWAL(entries, in: directory)
        let wal = try ConsensusWAL(path: path)
        #expect(try wal.inputs(forHeight: 3) == [t(3, 0), t(3, 1)])
        #expect(try wal.inputs(forHeight: 2) == [t(2, 0), t(3, 0), t(3, 1)])
        #expect(throws: WALError.missingEndHeight(path: path, height: 6)) { try wal.inputs(forHeight: 7) }

        let (freshPath, _) = try writeWAL([.input(t(1, 0))], in: try TemporaryDirectory())
        defer { try? FileManager.default.removeItem(atPath: PosixFile.directory(of: freshPath)) }
        #expect(try ConsensusWAL(path: freshPath).inputs(forHeight: 1) == [t(1, 0)])
    }
}

/// A small seeded generator, so test data (and the crash schedule) repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
