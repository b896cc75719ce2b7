import Foundation
import GRDB
import PalisadeABCI
import PalisadeApps
import Testing

@Suite struct SQLiteKVStateStoreTests {
    let v1 = Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 32))!.publicKey
    let v2 = Ed25519PrivateKey(seed: Bytes(repeating: 2, count: 32))!.publicKey

    @Test func freshFileLoadsNothing() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteKVStateStore(path: dir.path("kv.db"))
        #expect(try store.head() == nil)
        let app = try await KVStoreApplication.open(databasePath: dir.path("kv.db"))
        let info = try await app.info(InfoRequest())
        #expect(info.lastBlockHeight == 0)
        #expect(info.lastBlockAppHash == [])
    }

    @Test func restartRestoresStateAndInfo() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        let before: InfoResponse
        do {
            let app = try await KVStoreApplication.open(databasePath: path)
            _ = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 1), chainID: "c",
                                                         validators: [ValidatorUpdate(publicKey: v1, power: 10)]))
            var d = Driver(app)
            try await d.block(["a=1", "b=2", KVTransaction.validatorTx(ValidatorUpdate(publicKey: v2, power: 5)).string])
            try await d.block(["a=3", KVTransaction.validatorTx(ValidatorUpdate(publicKey: v1, power: 0)).string])
            before = try await app.info(InfoRequest())
            #expect(before.lastBlockHeight == 2)
        }
        let reopened = try await KVStoreApplication.open(databasePath: path)
        let after = try await reopened.info(InfoRequest())
        #expect(after == before)
        #expect(try await reopened.value(forKey: Array("a".utf8)) == Array("3".utf8))
        #expect(try await reopened.value(forKey: Array("b".utf8)) == Array("2".utf8))
        #expect(await reopened.validators == [v2: 5])
        #expect(await reopened.head.size == 5)
        // The next block continues from the restored state.
        var d = Driver(reopened)
        d.height = 2
        try await d.block(["c=4"])
        #expect(try await d.get("a").value == Array("3".utf8))
        #expect(try await KVStoreApplication.open(databasePath: path).info(InfoRequest()).lastBlockHeight == 3)
    }

    /// Reopening gives the same root and the same answers, proofs included, and the SQLite
    /// store and the in-memory one agree on every hash along the way.
    @Test func reopenGivesSameRootAndAnswers() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        let memory = KVStoreApplication()
        let keys = ["k0", "k150", "k299", "bare", "missing", "k300"]
        var answers: [QueryResponse] = []
        let root: Bytes
        do {
            let app = try await KVStoreApplication.open(databasePath: path)
            var disk = Driver(app)
            var twin = Driver(memory)
            for block in [(0..<200).map { "k\($0)=v\($0)" }, (100..<300).map { "k\($0)=w\($0)" }, ["bare", "k0=again"]] {
                #expect(try await disk.block(block).appHash == twin.block(block).appHash)
            }
            root = await app.appHash
            for key in keys { answers.append(try await KVStoreProofTests.query(app, key)) }
        }
        let reopened = try await KVStoreApplication.open(databasePath: path)
        #expect(await reopened.appHash == root)
        #expect(await reopened.head == memory.head)
        for (key, answer) in zip(keys, answers) {
            let again = try await KVStoreProofTests.query(reopened, key)
            #expect(again == answer, "\(key)")
            #expect(KVStoreProof.verify(appHash: root, key: Array(key.utf8), value: again.log == "exists" ? again.value : nil,
                                        proofOps: again.proofOps), "\(key)")
        }
        var disk = Driver(reopened)
        disk.height = 3
        var twin = Driver(memory)
        twin.height = 3
        #expect(try await disk.block(["k5=after"]).appHash == twin.block(["k5=after"]).appHash)
    }

    /// Replaced nodes are listed in `kv_stale` and deleted at the next prune height, not by the
    /// block that replaced them; a restart in between resumes with the same app hash and prunes
    /// what the earlier run listed. After a prune the file holds exactly the live tree's nodes:
    /// the same keys as an in-memory store, which deletes at once.
    @Test func staleNodesArePrunedInBatchesAcrossARestart() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        let memory = InMemoryKVStateStore()
        var twin = Driver(KVStoreApplication(store: memory))
        let blocks = (0..<8).map { round in (0..<40).map { "k\(($0 * 7 + round * 13) % 100)=v\(round)" } }
        do {
            var disk = Driver(try await KVStoreApplication.restore(from: SQLiteKVStateStore(path: path, pruneInterval: 4)))
            for block in blocks.prefix(6) {
                #expect(try await disk.block(block).appHash == twin.block(block).appHash)
            }
        }
        // Height 6: pruned at 4, two blocks' stale nodes listed and still stored.
        #expect(try Self.count("kv_stale", path) > 0)
        #expect(try Self.nodeKeys(path).isSuperset(of: memory.contents.nodes.keys))
        #expect(try Self.nodeKeys(path).count == memory.contents.nodes.count + Self.listedStale(path))
        let reopened = try await KVStoreApplication.restore(from: SQLiteKVStateStore(path: path, pruneInterval: 4))
        #expect(await reopened.head == twin.app.head)
        var disk = Driver(reopened)
        disk.height = 6
        for block in blocks.suffix(2) {
            #expect(try await disk.block(block).appHash == twin.block(block).appHash)
        }
        #expect(try Self.count("kv_stale", path) == 0)
        #expect(try Self.nodeKeys(path) == Set(memory.contents.nodes.keys))
        let appHash = await disk.app.appHash
        for key in ["k0", "k99", "absent"] {
            let answer = try await KVStoreProofTests.query(disk.app, key)
            #expect(KVStoreProof.verify(appHash: appHash, key: Array(key.utf8),
                                        value: answer.log == "exists" ? answer.value : nil, proofOps: answer.proofOps))
        }
    }

    /// InitChain committed again at height 0 (a crash before the first block) with another set,
    /// then the first again: a node written at height 0, replaced, and written again under the
    /// same key must not be pruned later as stale.
    @Test func repeatedInitChainKeepsItsNodesThroughAPrune() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        let memory = InMemoryKVStateStore()
        let twin = KVStoreApplication(store: memory)
        let disk = try await KVStoreApplication.restore(from: SQLiteKVStateStore(path: path, pruneInterval: 2))
        for set in [[v1], [v2], [v1]] {
            let request = InitChainRequest(time: Timestamp(seconds: 1), chainID: "c",
                                           validators: set.map { ValidatorUpdate(publicKey: $0, power: 10) })
            #expect(try await disk.initChain(request).appHash == twin.initChain(request).appHash)
        }
        var d = Driver(disk)
        var t = Driver(twin)
        for block in [["a=1"], ["b=2"], ["c=3"]] {
            #expect(try await d.block(block).appHash == t.block(block).appHash)
        }
        #expect(try Self.nodeKeys(path).isSuperset(of: memory.contents.nodes.keys))
    }

    static func count(_ table: String, _ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// How many node keys the `kv_stale` rows list (40 bytes each).
    static func listedStale(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT coalesce(sum(length(keys)), 0) / 40 FROM kv_stale") ?? 0 }
    }

    static func nodeKeys(_ path: String) throws -> Set<SMTNodeKey> {
        try DatabaseQueue(path: path).read { db in
            Set(try Row.fetchAll(db, sql: "SELECT version, hash FROM kv_nodes").map { row in
                SMTNodeKey(version: row[0], hash: Bytes(row[1] as Data))
            })
        }
    }

    /// A file from before the tree (schema kvstore-v1: rows only) gets its tree built when it is
    /// opened, with the root a fresh app reaches from the same contents.
    @Test func fileWithoutTreeIsUpgraded() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        do {
            let queue = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("kvstore-v1") { db in
                try db.execute(sql: """
                    CREATE TABLE kv_meta (id INTEGER PRIMARY KEY CHECK (id = 1), height INTEGER NOT NULL, size INTEGER NOT NULL);
                    CREATE TABLE kv_pairs (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
                    CREATE TABLE kv_validators (pub_key BLOB PRIMARY KEY NOT NULL, power INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO kv_meta (id, height, size) VALUES (1, 1, 2);
                    INSERT INTO kv_pairs (key, value) VALUES (x'61', x'31'), (x'62', x'32');
                    """)
                try db.execute(sql: "INSERT INTO kv_validators (pub_key, power) VALUES (?, 10)", arguments: [Data(v1.bytes)])
            }
            try migrator.migrate(queue)
        }
        let upgraded = try await KVStoreApplication.open(databasePath: path)
        let fresh = KVStoreApplication()
        _ = try await fresh.initChain(InitChainRequest(time: Timestamp(seconds: 1), chainID: "c",
                                                       validators: [ValidatorUpdate(publicKey: v1, power: 10)]))
        var d = Driver(fresh)
        try await d.block(["a=1", "b=2"])
        #expect(await upgraded.head == fresh.head)
        #expect(try await KVStoreProofTests.query(upgraded, "a").proofOps == KVStoreProofTests.query(fresh, "a").proofOps)
    }

    /// A tree node whose row no longer matches its hash is reported, not built on.
    @Test func corruptNodeIsAnError() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        do {
            var d = Driver(try await KVStoreApplication.open(databasePath: path))
            try await d.block(["a=1", "b=2", "c=3"])
        }
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "UPDATE kv_nodes SET body = zeroblob(65)") }
        var d = Driver(try await KVStoreApplication.open(databasePath: path))
        d.height = 1
        await #expect(throws: SMTError.self) { try await d.block(["d=4"]) }
        await #expect(throws: SMTError.self) { try await KVStoreProofTests.query(d.app, "a") }
    }

    @Test func corruptFileNamesTheFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: AppDatabaseError.self) { try SQLiteKVStateStore(path: path) }
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
        #expect(error?.reason.contains("not a database") == true)
    }

    @Test func missingDirectoryNamesTheFile() {
        let path = "/nonexistent-palisade-dir/kv.db"
        let error = #expect(throws: AppDatabaseError.self) { try SQLiteKVStateStore(path: path) }
        #expect(error?.path == path)
    }
}

extension Bytes {
    var string: String { String(decoding: self, as: UTF8.self) }
}
