import Foundation
import PalisadeABCI
@testable import PalisadeIndexer

/// A fresh index file in its own temporary directory.
struct IndexFixture {
    let directory: URL
    let index: EventIndex

    init(queryBudget: Duration = .seconds(30)) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-indexer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        index = try EventIndex(path: directory.appendingPathComponent("tx_index.db").path, queryBudget: queryBudget)
    }

    var path: String { directory.appendingPathComponent("tx_index.db").path }

    func reopen() throws -> EventIndex { try EventIndex(path: path) }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

func transfer(_ sender: String, amount: String, memo: String = "", indexMemo: Bool = false) -> Event {
    Event(type: "transfer", attributes: [
        EventAttribute(key: "sender", value: sender),
        EventAttribute(key: "amount", value: amount),
        EventAttribute(key: "memo", value: memo, index: indexMemo),
    ])
}

func tx(_ text: String, index: UInt32 = 0, code: UInt32 = 0, events: [Event] = []) -> IndexedTx {
    IndexedTx(tx: Array(text.utf8), index: index, result: TxResult(code: code, log: "log of \(text)", events: events))
}

func hashOf(_ text: String) -> Bytes { SHA256Hash.digest(Array(text.utf8)) }

/// A block store stand-in for catch-up.
struct DictionarySource: IndexBlockSource {
    let blocks: [Int64: IndexBlock]
    func indexBlock(at height: Int64) async throws -> IndexBlock? { blocks[height] }
}

/// Block `height` with `count` transactions `h<height>-<i>`, each sending `i` from `sender<i % 3>`.
func numberedBlock(_ height: Int64, txs count: Int = 1) -> IndexBlock {
    IndexBlock(height: height,
               txs: (0..<count).map { i in
                   tx("h\(height)-\(i)", index: UInt32(i), events: [transfer("sender\(i % 3)", amount: "\(i)")])
               },
               blockEvents: [Event(type: "block", attributes: [EventAttribute(key: "height_copy", value: "\(height)")])])
}
