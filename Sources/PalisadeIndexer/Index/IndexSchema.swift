import PalisadeABCI
import GRDB

/// The index's tables. Events are stored one row per indexed attribute with their composite key
/// (`transfer.sender`) and the event's sequence number within its transaction or block, so
/// conditions can be held to one event. The reserved keys are columns of their rows instead.
enum IndexSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE blocks (height INTEGER PRIMARY KEY);
                CREATE TABLE block_events (
                    height INTEGER NOT NULL REFERENCES blocks(height) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL);
                CREATE INDEX block_events_by_key ON block_events(key, value, height, seq);
                CREATE INDEX block_events_by_block ON block_events(height, seq, key, value);
                CREATE TABLE txs (
                    id INTEGER PRIMARY KEY,
                    hash TEXT NOT NULL UNIQUE,
                    height INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    code INTEGER NOT NULL,
                    tx BLOB NOT NULL,
                    result BLOB NOT NULL);
                CREATE UNIQUE INDEX txs_by_position ON txs(height, idx);
                CREATE TABLE tx_events (
                    tx_id INTEGER NOT NULL REFERENCES txs(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL);
                CREATE INDEX tx_events_by_key ON tx_events(key, value, tx_id, seq);
                CREATE INDEX tx_events_by_tx ON tx_events(tx_id, seq, key, value);
                """)
        }
        return migrator
    }

    /// The attributes the indexer stores, as (event sequence, composite key, value): CometBFT's
    /// rule is `index: true` only, and never an event without a type or an attribute without a
    /// key. Application events that reuse a reserved key are skipped rather than shadow it.
    static func indexedAttributes(_ events: [Event], reserved: Set<String>) -> [(seq: Int, key: String, value: String)] {
        var out: [(seq: Int, key: String, value: String)] = []
        for (seq, event) in events.enumerated() where !event.type.isEmpty {
            for attribute in event.attributes where attribute.index && !attribute.key.isEmpty {
                let key = event.type + "." + attribute.key
                if !reserved.contains(key) { out.append((seq: seq, key: key, value: attribute.value)) }
            }
        }
        return out
    }
}
