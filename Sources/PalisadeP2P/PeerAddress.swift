/// A peer to dial, in CometBFT's `id@host:port` form (`persistent_peers`, `seeds`). The ID pins the
/// node key expected at the address, so a dial to the wrong node fails the handshake (WIRE-FORMAT §1.3).
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// Lower-case hex of the node key's 20-byte address (40 characters).
    public let id: String
    /// A host name or IP address, IPv6 without brackets.
    public let host: String
    public let port: Int

    public init(id: String, host: String, port: Int) {
        self.id = id.lowercased()
        self.host = host
        self.port = port
    }

    /// Parses `id@host:port`; `[v6]:port` brackets and a leading `tcp://` are accepted, as CometBFT does.
    public init(parsing text: String) throws(PeerAddressError) {
        let trimmed = text.trimmingWhitespace()
        var rest = Substring(trimmed)
        if rest.hasPrefix("tcp://") { rest = rest.dropFirst("tcp://".count) }
        guard let at = rest.firstIndex(of: "@") else { throw .missingID(trimmed) }
        let id = rest[..<at]
        guard id.count == 40 else { throw .badIDLength(trimmed, length: id.count) }
        guard id.unicodeScalars.allSatisfy(\.isASCIIHexDigit) else { throw .badIDCharacters(trimmed) }
        let hostPort = rest[rest.index(after: at)...]
        let host: Substring
        let portText: Substring
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .badHost(trimmed) }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let afterClose = hostPort[hostPort.index(after: close)...]
            guard afterClose.hasPrefix(":") else { throw .missingPort(trimmed) }
            portText = afterClose.dropFirst()
        } else {
            guard let colon = hostPort.lastIndex(of: ":") else { throw .missingPort(trimmed) }
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
            guard !host.contains(":") else { throw .badHost(trimmed) }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "@" || $0 == "/" || $0.isWhitespace }) else {
            throw .badHost(trimmed)
        }
        guard portText.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
              let port = Int(portText), (1...65_535).contains(port) else { throw .badPort(trimmed, port: String(portText)) }
        self.init(id: String(id), host: String(host), port: port)
    }

    /// Parses CometBFT's comma-separated list (`persistent_peers = "id@a:26656,id@b:26656"`).
    /// Blank entries and spaces around entries are ignored; the first bad entry fails the list.
    public static func parseList(_ text: String) throws(PeerAddressError) -> [PeerAddress] {
        var peers: [PeerAddress] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = String(entry).trimmingWhitespace()
            if trimmed.isEmpty { continue }
            peers.append(try PeerAddress(parsing: trimmed))
        }
        return peers
    }

    public var description: String {
        host.contains(":") ? "\(id)@[\(host)]:\(port)" : "\(id)@\(host):\(port)"
    }
}

/// Why a peer address did not parse; each case quotes the entry at fault.
public enum PeerAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingID(String)
    case badIDLength(String, length: Int)
    case badIDCharacters(String)
    case badHost(String)
    case missingPort(String)
    case badPort(String, port: String)

    public var description: String {
        switch self {
        case .missingID(let text): "peer address \"\(text)\": expected id@host:port, the node ID and '@' are missing"
        case .badIDLength(let text, let length):
            "peer address \"\(text)\": node ID has \(length) characters, expected 40 hex characters"
        case .badIDCharacters(let text): "peer address \"\(text)\": node ID is not hexadecimal"
        case .badHost(let text): "peer address \"\(text)\": host is empty or malformed (write IPv6 as [addr]:port)"
        case .missingPort(let text): "peer address \"\(text)\": port is missing, expected id@host:port"
        case .badPort(let text, let port): "peer address \"\(text)\": port \"\(port)\" is not a number from 1 to 65535"
        }
    }
}

extension Unicode.Scalar {
    var isASCIIHexDigit: Bool { ("0"..."9").contains(self) || ("a"..."f").contains(self) || ("A"..."F").contains(self) }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
