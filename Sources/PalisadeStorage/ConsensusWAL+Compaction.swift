import Glibc

extension ConsensusWAL {
    /// The byte count of the file, as far as complete records go.
    public var byteCount: Int { size }

    /// Called once `endHeight(height)` is appended (synced or not: a replacement is durable on its
    /// own) and the block store holds `height`. Nothing before that marker is replayed again
    /// (`replaySlice` starts after the newest marker), so once the file is past `maxBytes` it is
    /// replaced by a file holding only the marker, through
    /// `AtomicFileReplace` (temporary written and fsynced, renamed over the log, directory
    /// fsynced). A crash at any step leaves the old file or the new one, and both replay the same
    /// for `height + 1`. One thing is lost: after a compaction, `palisade rollback` of `height`
    /// finds no entries for it and the node fetches that block from peers instead.
    ///
    /// `crashAfter` is for tests: stop once that stage of the replacement is done, as a kill -9
    /// there would.
    public func heightStored(_ height: Int64) throws(WALError) {
        try compactIfLarge(height, crashAfter: nil)
    }

    func compactIfLarge(_ height: Int64, crashAfter stage: AtomicFileReplace.Stage?) throws(WALError) {
        guard size > maxBytes else { return }
        let record = WALRecord.frame(WALEntry.endHeight(height).encoded())
        do {
            try AtomicFileReplace.replace(path, with: record, crashAfter: stage)
        } catch {
            throw .io(error)
        }
        // The old descriptor still names the replaced file's inode: appends must go to the new one.
        let descriptor: Int32
        do { descriptor = try PosixFile.openExisting(path, flags: O_RDWR | O_APPEND) } catch { throw .io(error) }
        _ = Glibc.close(fd)
        fd = descriptor
        size = record.count
    }
}
