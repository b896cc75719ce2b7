import Foundation

/// Peers refused for misbehaviour, each until a wall-clock instant, kept in a small file so a
/// restart does not hand a banned peer a fresh start (CometBFT keeps its bans in the address
/// book). Bounded: at most `capacity` entries, the one whose ban ends first making room; expired
/// entries are dropped whenever the list is read or written. The file is one line per ban,
/// "<node ID> <Unix seconds the ban ends>", replaced whole (write then rename) on each change.
struct BanList {
    /// A hostile peer can mint node IDs freely, so the list must not grow with them: past this
    /// many, a new ban pushes out the one closest to its end.
    static let capacity = 1_000

    private(set) var entries: [String: Date] = [:]
    let path: String?

    /// Loads `path` when given; a missing file is an empty list, and a line that does not read
    /// as an entry is skipped and reported through `problems`.
    init(path: String?, now: Date = Date(), problems: (String) -> Void = { _ in }) {
        self.path = path
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let seconds = Double(fields[1]), seconds.isFinite,
                  fields[0].count == 40, fields[0].allSatisfy(\.isHexDigit) else {
                problems("\(path) line \(number + 1): not \"<node ID> <Unix seconds>\"; skipped")
                continue
            }
            let until = Date(timeIntervalSince1970: seconds)
            if until > now { entries[String(fields[0]).lowercased()] = until }
        }
        trim()
    }

    func isBanned(_ id: String, now: Date = Date()) -> Bool {
        entries[id].map { $0 > now } ?? false
    }

    /// Records a ban and rewrites the file; a write error is returned for the caller to log (the
    /// ban holds in memory either way).
    mutating func ban(_ id: String, until: Date, now: Date = Date()) -> (any Error)? {
        entries = entries.filter { $0.value > now }
        entries[id] = until
        trim()
        return save()
    }

    private mutating func trim() {
        guard entries.count > Self.capacity else { return }
        for (id, _) in entries.sorted(by: { $0.value < $1.value }).prefix(entries.count - Self.capacity) {
            entries[id] = nil
        }
    }

    private func save() -> (any Error)? {
        guard let path else { return nil }
        let text = entries.sorted { $0.key < $1.key }
            .map { "\($0.key) \(Int64($0.value.timeIntervalSince1970.rounded(.up)))\n" }.joined()
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return nil
        } catch {
            return error
        }
    }
}
