/// A TCP address to listen on or dial, written `tcp://host:port` as in CometBFT's `laddr` and
/// `proxy_app` (a bare `host:port` reads as TCP too, as CometBFT does). IPv6 hosts are written in
/// brackets (`tcp://[::1]:26657`) and kept here without them. Port 0 asks the system for a free
/// port, which tests use.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why an address was refused; the config loader adds the file, key and line.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "\"\(text)\": \(reason)" }
    }

    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        var rest = Substring(text)
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound]
            guard scheme == "tcp" else { throw fail("only tcp:// addresses are supported, got \(scheme)://") }
            rest = rest[schemeEnd.upperBound...]
        }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("unclosed '[' in an IPv6 host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { throw fail("expected host:port") }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw fail("expected host:port") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            guard !host.contains(":") else { throw fail("write an IPv6 host in brackets, [host]:port") }
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else {
            throw fail("the host is empty or malformed")
        }
        guard portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), (0...65_535).contains(port) else {
            throw fail("the port \"\(portText)\" is not a number from 0 to 65535")
        }
        self.init(host: String(host), port: port)
    }

    /// `tcp://host:port`, the form the config file holds.
    public var description: String { "tcp://" + hostPort }

    /// `host:port`, with brackets around an IPv6 host.
    public var hostPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
