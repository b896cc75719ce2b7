import Foundation
import PalisadeConsensus
import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("ConsensusWAL: compaction once a height is stored")
struct ConsensusWALCompactionTests {
    /// One height's entries as the node logs them: its start, a few timeouts, then the marker.
    private func height(_ height: Int64) throws -> [WALEntry] {
        let start = HeightStart(height: height, validators: try Fixture.validatorSet(),
                                lastBlockTime: Fixture.time(height), now: Fixture.time(height + 1))
        return [.input(.startHeight(start))] + (0..<8).map { round in
            .input(.timeout(Timeout(height: height, round: Int32(round), step: .propose, duration: 3_000),
                            now: Fixture.time(height + 1)))
        }
    }

    private func close(_ height: Int64, _ wal: ConsensusWAL) throws {
        try wal.append(.endHeight(height))
        try wal.sync()
        try wal.heightStored(height)
    }

    /// 300 heights through a log bounded at 4 KB: it never holds more than the bound plus one
    /// height, the file on disk is what the log counts, and every restart point replays the same
    /// as an uncompacted log would.
    @Test func theLogStaysBoundedAndReplaysTheSame() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cs.wal")
        let wal = try ConsensusWAL(path: path, maxBytes: 4_000)
        let oneHeight = try height(1).reduce(0) { $0 + WALRecord.headerSize + $1.encoded().count } + 64
        var largest = 0
        for number in Int64(1)...300 {
            for entry in try height(number) { try wal.append(entry) }
            try close(number, wal)
            largest = max(largest, wal.byteCount)
            #expect(try wal.entries(forHeight: number + 1).isEmpty)
        }
        #expect(largest <= 4_000 + oneHeight, "largest \(largest)")
        let onDisk = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(onDisk == wal.byteCount)
        let open = try height(301)
        for entry in open { try wal.append(entry) }
        try wal.sync()
        wal.close()
        let reopened = try ConsensusWAL(path: path, maxBytes: 4_000)
        #expect(try reopened.entries(forHeight: 301) == open)
        #expect(reopened.recoveryNote == nil)
    }

    /// A kill -9 after each step of the replacement: the log reopens without damage and replays
    /// the next height, whichever file survived; appends after it land in the file replay reads.
    @Test(arguments: AtomicFileReplace.Stage.allCases)
    func aCrashDuringCompactionLeavesAReplayableLog(stage: AtomicFileReplace.Stage) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cs.wal")
        let wal = try ConsensusWAL(path: path, maxBytes: 1_000)
        for number in Int64(1)...5 {
            for entry in try height(number) { try wal.append(entry) }
            try wal.append(.endHeight(number))
        }
        try wal.sync()
        #expect(throws: WALError.self) { try wal.compactIfLarge(5, crashAfter: stage) }
        wal.close()
        let reopened = try ConsensusWAL(path: path, maxBytes: 1_000)
        #expect(reopened.recoveryNote == nil)
        #expect(try reopened.entries(forHeight: 6).isEmpty)
        let next = try height(6)
        for entry in next { try reopened.append(entry) }
        try reopened.sync()
        reopened.close()
        #expect(try ConsensusWAL(path: path).entries(forHeight: 6) == next)
    }
}
