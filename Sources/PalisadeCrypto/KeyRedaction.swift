/// Private keys never print their bytes. A key interpolated into a log line, a test failure or
/// `dump` shows which key it is (its address or node ID) and nothing that would let a reader sign.
extension Ed25519PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Ed25519PrivateKey(address: \(publicKey.address), <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey], displayStyle: .struct) }
}

extension PrivValidatorKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PrivValidatorKey(address: \(address), <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["address": address], displayStyle: .struct) }
}

extension NodeKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "NodeKey(id: \(id), <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["id": id], displayStyle: .struct) }
}
