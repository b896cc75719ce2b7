import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

@Suite struct SQLiteKVStateStoreTests {
    let v1 = Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 32))!.publicKey
    let v2 = Ed25519PrivateKey(seed: Bytes(repeating: 2, count: 32))!.publicKey

    @Test func freshFileLoadsNothing() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteKVStateStore(path: dir.path("kv.db"))
        #expect(try await store.load() == nil)
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
        let state = await reopened.committed
        #expect(state.pairs == [Array("a".utf8): Array("3".utf8), Array("b".utf8): Array("2".utf8)])
        #expect(state.validators == [v2: 5])
        #expect(state.size == 5)
        // The next block continues from the restored state.
        var d = Driver(reopened)
        d.height = 2
        try await d.block(["c=4"])
        #expect(try await d.get("a").value == Array("3".utf8))
        #expect(try await KVStoreApplication.open(databasePath: path).info(InfoRequest()).lastBlockHeight == 3)
    }

    /// A store that never loaded rewrites the file: keys deleted before it opened do not come back.
    @Test func saveWithoutLoadReplacesEverything() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("kv.db")
        try await SQLiteKVStateStore(path: path).save(KVState(height: 1, size: 2, pairs: [[1]: [1], [2]: [2]], validators: [v1: 3]))
        try await SQLiteKVStateStore(path: path).save(KVState(height: 2, size: 3, pairs: [[2]: [9]]))
        #expect(try await SQLiteKVStateStore(path: path).load() == KVState(height: 2, size: 3, pairs: [[2]: [9]]))
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
