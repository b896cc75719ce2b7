import Foundation

/// The arguments of a URI call (`/abci_query?path="/x"`), read as CometBFT's `getParam` reads
/// them: the query string's value first; when that is empty or absent, the value in an
/// `application/x-www-form-urlencoded` body (Go's `Request.FormValue`). Only POST, PUT and PATCH
/// bodies are forms, and only with that content type; any other body is not read for arguments.
/// Xian's SDK, for one, sends `POST /broadcast_tx_sync` with the body `tx="<hex>"`.
enum URIParameters {
    /// HTTP methods whose body Go parses as a form (`parsePostForm`).
    static func readsForm(method: String) -> Bool {
        ["POST", "PUT", "PATCH"].contains(method)
    }

    /// Whether a `Content-Type` header names a URL-encoded form: Go parses it as a media type,
    /// so case and parameters (`; charset=utf-8`) do not matter.
    static func isForm(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }

    /// Go's `url.ParseQuery`, keeping each key's first value: `&`-separated pairs, `+` is a
    /// space, `%XX` decoded. A pair with a `;` or a malformed escape is dropped, as Go drops it
    /// (`URL.Query` and `FormValue` ignore the error and keep the other pairs).
    static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.contains(";") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = unescape(parts[0]) else { continue }
            guard let value = parts.count > 1 ? unescape(parts[1]) : "" else { continue }
            if out[key] == nil { out[key] = value }
        }
        return out
    }

    /// The value of each argument: the query's when non-empty, else the form's.
    static func merge(query: [String: String], form: [String: String]) -> [String: String] {
        var out = form
        for (key, value) in query where !value.isEmpty || out[key] == nil { out[key] = value }
        return out
    }

    /// Go's `QueryUnescape`; nil where Go fails (a `%` not followed by two hex digits). Bytes that
    /// are not UTF-8 are kept as replacement characters, which no argument accepts anyway.
    private static func unescape(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
