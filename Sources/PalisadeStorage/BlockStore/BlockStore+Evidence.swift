import Foundation
import GRDB
import PalisadeCrypto
import PalisadeTypes

/// The evidence pool's durable part. Committed evidence is recorded by `save` in the block's own
/// transaction; pending evidence is written here as it is verified, so a validator that restarts
/// still proposes what it knew. Losing a pending row costs only accountability for that item (a
/// peer gossips it again), never safety, so these writes share the store's fsync policy and
/// nothing more.
extension BlockStore {
    /// True when a stored block already carries the evidence with this hash.
    public func isEvidenceCommitted(hash: Bytes) throws(BlockStoreError) -> Bool {
        try read("read committed evidence \(hash.upperHex)") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM committed_evidence WHERE hash = ?", arguments: [Data(hash)]) ?? false
        }
    }

    /// Keeps `evidence` until a block carries it or it is removed. Adding it twice is harmless.
    public func savePendingEvidence(_ evidence: DuplicateVoteEvidence) throws(BlockStoreError) {
        let hash = evidence.hash()
        try write("save pending evidence \(hash.upperHex)") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO pending_evidence (hash, height, evidence) VALUES (?, ?, ?)",
                           arguments: [Data(hash), evidence.height, Data(evidence.protobuf)])
        }
    }

    /// Every pending item, oldest evidence height first (the order a proposer includes them).
    public func pendingEvidence() throws(BlockStoreError) -> [DuplicateVoteEvidence] {
        let operation = "read pending evidence"
        let rows: [(Bytes, Bytes)] = try read(operation) { db in
            try Row.fetchAll(db, sql: "SELECT hash, evidence FROM pending_evidence ORDER BY height, hash").map { row in
                (Bytes(try row.decode(Data.self, forColumn: "hash")), Bytes(try row.decode(Data.self, forColumn: "evidence")))
            }
        }
        var items: [DuplicateVoteEvidence] = []
        for (hash, bytes) in rows {
            do { items.append(try DuplicateVoteEvidence(protobuf: bytes)) } catch {
                throw corrupt(operation, "pending evidence \(hash.upperHex): \(error.description)")
            }
        }
        return items
    }

    /// Drops pending items (expired ones, say).
    public func removePendingEvidence(hashes: [Bytes]) throws(BlockStoreError) {
        guard !hashes.isEmpty else { return }
        try write("remove \(hashes.count) pending evidence") { db in
            for hash in hashes {
                try db.execute(sql: "DELETE FROM pending_evidence WHERE hash = ?", arguments: [Data(hash)])
            }
        }
    }
}
