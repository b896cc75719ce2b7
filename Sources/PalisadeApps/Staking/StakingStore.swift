import Foundation
import GRDB
import PalisadeABCI

/// The staking app's committed state in a SQLite file (WAL, `synchronous = FULL`). `save` writes
/// one block's changes in one transaction, so after a crash the file holds the state of the last
/// committed height, never half a block; `load` reads it back at startup.
///
/// Like `SQLiteKVStateStore`, it remembers the last state it saved and writes only the rows that
/// changed, so one file should have one store.
public actor StakingStore {
    public nonisolated let path: String
    let database: DatabaseQueue
    private var saved: StakingState?

    /// Opens (or creates) the file at `path`; throws `AppDatabaseError` naming the file when it
    /// is not a SQLite database.
    public init(path: String) throws(AppDatabaseError) {
        self.path = path
        database = try AppDatabase.open(path: path, migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("staking-v1") { db in
            try db.execute(sql: """
                CREATE TABLE staking_meta (
                    id INTEGER PRIMARY KEY CHECK (id = 1), height INTEGER NOT NULL, chain_id TEXT NOT NULL,
                    slash_fraction_bps INTEGER NOT NULL, jail_period_blocks INTEGER NOT NULL, burned INTEGER NOT NULL);
                CREATE TABLE staking_accounts (address BLOB PRIMARY KEY NOT NULL, balance INTEGER NOT NULL, nonce INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE staking_validators (
                    address BLOB PRIMARY KEY NOT NULL, pub_key BLOB NOT NULL, owner BLOB NOT NULL,
                    bonded INTEGER NOT NULL, jailed_until INTEGER) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    /// The last saved state, or nil for a file never saved to (the app then waits for InitChain).
    public func load() throws(AppDatabaseError) -> StakingState? {
        let state: StakingState? = try AppDatabase.run(path: path) {
            try database.read { db in
                guard let meta = try Row.fetchOne(db, sql: """
                    SELECT height, chain_id, slash_fraction_bps, jail_period_blocks, burned FROM staking_meta WHERE id = 1
                    """) else { return nil }
                guard let chainID = try? meta.decode(String.self, atIndex: 1) else {
                    throw AppDatabaseError(path: "", reason: "table staking_meta, column chain_id: not text")
                }
                var state = StakingState(
                    height: try meta.int64(atIndex: 0, table: "staking_meta", column: "height"), chainID: chainID,
                    params: StakingParams(slashFractionBasisPoints: try meta.int64(atIndex: 2, table: "staking_meta", column: "slash_fraction_bps"),
                                          jailPeriodBlocks: try meta.int64(atIndex: 3, table: "staking_meta", column: "jail_period_blocks")),
                    burned: try meta.int64(atIndex: 4, table: "staking_meta", column: "burned"))
                for row in try Row.fetchAll(db, sql: "SELECT address, balance, nonce FROM staking_accounts") {
                    let address = try row.address(atIndex: 0, table: "staking_accounts", column: "address")
                    state.accounts[address] = StakingAccount(
                        balance: try row.int64(atIndex: 1, table: "staking_accounts", column: "balance"),
                        nonce: UInt64(bitPattern: try row.int64(atIndex: 2, table: "staking_accounts", column: "nonce")))
                }
                for row in try Row.fetchAll(db, sql: "SELECT address, pub_key, owner, bonded, jailed_until FROM staking_validators") {
                    let address = try row.address(atIndex: 0, table: "staking_validators", column: "address")
                    let raw = try row.bytes(atIndex: 1, table: "staking_validators", column: "pub_key")
                    guard let key = Ed25519PublicKey(bytes: raw), key.address == address else {
                        throw AppDatabaseError(path: "", reason: "table staking_validators: pub_key \(raw.hex) is not the ed25519 key of \(address)")
                    }
                    state.validators[address] = StakingValidator(
                        publicKey: key, owner: try row.address(atIndex: 2, table: "staking_validators", column: "owner"),
                        bonded: try row.int64(atIndex: 3, table: "staking_validators", column: "bonded"),
                        jailedUntil: row.hasNull(atIndex: 4) ? nil : try row.int64(atIndex: 4, table: "staking_validators", column: "jailed_until"))
                }
                return state
            }
        }
        saved = state
        return state
    }

    /// Writes `state` in one transaction: the rows that differ from the last saved state (all of
    /// them when this store has neither loaded nor saved yet).
    public func save(_ state: StakingState) throws(AppDatabaseError) {
        let known = saved
        let previous = known ?? StakingState()
        try AppDatabase.run(path: path) {
            try database.write { db in
                if known == nil {
                    try db.execute(sql: "DELETE FROM staking_accounts; DELETE FROM staking_validators")
                }
                try db.execute(sql: """
                    INSERT OR REPLACE INTO staking_meta (id, height, chain_id, slash_fraction_bps, jail_period_blocks, burned)
                    VALUES (1, ?, ?, ?, ?, ?)
                    """, arguments: [state.height, state.chainID, state.params.slashFractionBasisPoints,
                                     state.params.jailPeriodBlocks, state.burned])
                for (address, account) in state.accounts where previous.accounts[address] != account {
                    try db.execute(sql: "INSERT OR REPLACE INTO staking_accounts (address, balance, nonce) VALUES (?, ?, ?)",
                                   arguments: [Data(address.bytes), account.balance, Int64(bitPattern: account.nonce)])
                }
                for address in previous.accounts.keys where state.accounts[address] == nil {
                    try db.execute(sql: "DELETE FROM staking_accounts WHERE address = ?", arguments: [Data(address.bytes)])
                }
                for (address, validator) in state.validators where previous.validators[address] != validator {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO staking_validators (address, pub_key, owner, bonded, jailed_until) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [Data(address.bytes), Data(validator.publicKey.bytes), Data(validator.owner.bytes),
                                         validator.bonded, validator.jailedUntil])
                }
                for address in previous.validators.keys where state.validators[address] == nil {
                    try db.execute(sql: "DELETE FROM staking_validators WHERE address = ?", arguments: [Data(address.bytes)])
                }
            }
        }
        saved = state
    }
}

extension Row {
    func address(atIndex index: Int, table: String, column: String) throws -> Address {
        let bytes = try bytes(atIndex: index, table: table, column: column)
        guard bytes.count == Address.size else {
            throw AppDatabaseError(path: "", reason: "table \(table), column \(column): \(bytes.count) bytes, want a 20-byte address")
        }
        return Address(bytes: bytes)
    }
}
