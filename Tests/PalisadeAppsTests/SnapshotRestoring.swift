import PalisadeABCI
import Testing

/// State sync as the node drives it, for any app: offers `snapshot` to `target` (which must
/// accept), then applies the chunks `source` serves in order; the last answer (the first that
/// was not `accept`, if one was not).
func restoreSnapshot(_ snapshot: Snapshot, appHash: Bytes, from source: any Application,
                     into target: any Application) async throws -> ApplySnapshotChunkResponse {
    #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: appHash)) == .accept)
    var last = ApplySnapshotChunkResponse(result: .abort)
    for index in 0..<snapshot.chunks {
        let chunk = try await source.loadSnapshotChunk(
            LoadSnapshotChunkRequest(height: snapshot.height, format: snapshot.format, chunk: index))
        last = try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: index, chunk: chunk, sender: "peer-a"))
        if last.result != .accept { return last }
    }
    return last
}
