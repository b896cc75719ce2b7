import Foundation

/// `priv_validator_state.json` as CometBFT writes it:
///
///     {
///       "height": "12",
///       "round": 0,
///       "step": 3,
///       "signature": "<base64, 64 bytes>",
///       "signbytes": "<upper hex>"
///     }
///
/// `height` is a string (CometBFT's JSON for int64); `signature` and `signbytes` are left out
/// until something is signed.
extension LastSignState {
    /// Reads the file's bytes; `fileName` (a name or path) is what errors call the file.
    public init(jsonData data: Data, fileName: String = LastSignState.fileName) throws(KeyFileError) {
        let root = try KeyFileField.root(of: data, file: fileName)
        let heightField = try root.child("height")
        let height = try heightField.int64String()
        guard height >= 0 else { throw heightField.error("must not be negative, got \(height)") }
        let roundField = try root.child("round")
        let round = try roundField.integer(Int32.self)
        guard round >= 0 else { throw roundField.error("must not be negative, got \(round)") }
        let stepField = try root.child("step")
        let rawStep = try stepField.integer(Int8.self)
        guard let step = SignStep(rawValue: rawStep) else {
            throw stepField.error("expected 0 (none), 1 (propose), 2 (prevote) or 3 (precommit), got \(rawStep)")
        }

        let signatureField = try root.child("signature")
        var signature: Bytes?
        if !signatureField.isAbsent {
            let bytes = try signatureField.base64()
            if !bytes.isEmpty {
                guard bytes.count == Ed25519PrivateKey.signatureSize else {
                    throw signatureField.error("expected \(Ed25519PrivateKey.signatureSize) bytes, got \(bytes.count)")
                }
                signature = bytes
            }
        }
        let signBytesField = try root.child("signbytes")
        var signBytes: Bytes?
        if !signBytesField.isAbsent {
            let bytes = try signBytesField.hex()
            if !bytes.isEmpty { signBytes = bytes }
        }
        self.init(height: height, round: round, step: step, signature: signature, signBytes: signBytes)
    }

    /// The file's bytes, laid out as CometBFT writes them (2-space indent, no trailing newline).
    public func jsonData() -> Data {
        var members: [(String, KeyFileWriter.Value)] = [
            ("height", .string(String(height))),
            ("round", .number(String(round))),
            ("step", .number(String(step.rawValue))),
        ]
        if let signature, !signature.isEmpty { members.append(("signature", .string(Data(signature).base64EncodedString()))) }
        if let signBytes, !signBytes.isEmpty { members.append(("signbytes", .string(signBytes.upperHex))) }
        return KeyFileWriter.indented(members)
    }
}
