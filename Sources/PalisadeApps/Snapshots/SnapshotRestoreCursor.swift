import PalisadeABCI

/// How far a state-sync restore has got through a snapshot's chunks, and the checks every app
/// makes on the next one: it is the chunk expected (the node applies them in order), it hashes to
/// what the trusted metadata names, and its records are whole and keep rising in key order across
/// the snapshot, so no key comes twice.
struct SnapshotRestoreCursor: Sendable {
    let chunkHashes: [Bytes]
    private(set) var next: UInt32 = 0
    private var lastKey: Bytes?

    init(chunkHashes: [Bytes]) { self.chunkHashes = chunkHashes }

    var isComplete: Bool { Int(next) == chunkHashes.count }

    /// The answer to a chunk that must not be applied, nil for the next chunk with its named
    /// hash. A chunk out of order restarts the snapshot; a corrupt one is asked for again and its
    /// sender refused (CometBFT's `RETRY` with `refetch_chunks` and `reject_senders`), since the
    /// metadata is trusted and a chunk that does not match it says only that the peer lies.
    func refusal(of request: ApplySnapshotChunkRequest) -> ApplySnapshotChunkResponse? {
        guard request.index == next else { return ApplySnapshotChunkResponse(result: .retrySnapshot) }
        guard SHA256Hash.digest(request.chunk) == chunkHashes[Int(request.index)] else {
            return ApplySnapshotChunkResponse(result: .retry, refetchChunks: [request.index],
                                              rejectSenders: request.sender.isEmpty ? [] : [request.sender])
        }
        return nil
    }

    /// The records of the next chunk (one `refusal` passed), moving past it; nil when they do not
    /// decode or do not rise strictly after every key before them: the snapshot itself is bad.
    mutating func advance(over chunk: Bytes) -> [(key: Bytes, value: Bytes)]? {
        guard let records = SnapshotChunks.records(in: chunk) else { return nil }
        for record in records {
            if let last = lastKey, !last.lexicographicallyPrecedes(record.key) { return nil }
            lastKey = record.key
        }
        next += 1
        return records
    }
}
