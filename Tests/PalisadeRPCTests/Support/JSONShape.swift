import PalisadeRPC

/// Compares two JSON documents by shape: same kinds of value, same object keys, recursively;
/// arrays compare each element of ours with the recorded first element, and a non-empty
/// recorded array needs a non-empty one from us (so the element shape is really checked).
enum JSONShape {
    /// Differences as `path: what`, empty when the shapes agree.
    static func differences(ours: JSONValue, recorded: JSONValue, path: String = "$") -> [String] {
        switch (ours, recorded) {
        case (.object(let a), .object(let b)):
            let ak = Set(a.map(\.key)), bk = Set(b.map(\.key))
            var out: [String] = []
            for k in bk.subtracting(ak).sorted() { out.append("\(path).\(k): missing") }
            for k in ak.subtracting(bk).sorted() { out.append("\(path).\(k): not in the recording") }
            for m in b where ak.contains(m.key) {
                if let mine = ours[m.key] { out += differences(ours: mine, recorded: m.value, path: path + "." + m.key) }
            }
            return out
        case (.array(let a), .array(let b)):
            guard let first = b.first else { return a.isEmpty ? [] : ["\(path): recorded [] but we sent elements"] }
            guard !a.isEmpty else { return ["\(path): empty, recorded has elements"] }
            return a.enumerated().flatMap { differences(ours: $0.element, recorded: first, path: "\(path)[\($0.offset)]") }
        default:
            return ours.kindName == recorded.kindName ? [] : ["\(path): \(ours.kindName), recorded \(recorded.kindName)"]
        }
    }
}
