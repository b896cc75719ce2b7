import Foundation

/// The transactions the load generator sends: `key=value`, `size` bytes, the key naming who
/// sent it and when. A committed transaction's key alone finds its submit time (an index into
/// its connection's log), so the watcher needs no table keyed by hash.
///
/// Key: `ld` + run tag (4 hex digits) + connection (4) + sequence number (8), 18 bytes. The
/// run tag keeps keys unique across the runs on one chain (idle, loaded, soak), so every
/// transaction adds a key, the state's worst case; the value is filler.
enum LoadTx {
    static let keyLength = 18
    private static let prefix: [UInt8] = Array("ld".utf8)

    static func make(run: UInt16, connection: Int, sequence: Int, size: Int) -> [UInt8] {
        var tx = prefix
        tx.reserveCapacity(size)
        appendHex(UInt64(run), digits: 4, to: &tx)
        appendHex(UInt64(connection), digits: 4, to: &tx)
        appendHex(UInt64(sequence), digits: 8, to: &tx)
        tx.append(UInt8(ascii: "="))
        while tx.count < size { tx.append(UInt8(ascii: "a") + UInt8(tx.count % 26)) }
        return tx
    }

    /// The connection and sequence number of a transaction this run sent, `nil` for any other.
    static func parse(_ tx: some Collection<UInt8>, run: UInt16) -> (connection: Int, sequence: Int)? {
        guard tx.count > keyLength, tx.starts(with: prefix) else { return nil }
        let digits = tx.dropFirst(prefix.count).prefix(16)
        guard let tag = hex(digits.prefix(4)), tag == UInt64(run),
              let connection = hex(digits.dropFirst(4).prefix(4)),
              let sequence = hex(digits.dropFirst(8)) else { return nil }
        return (Int(connection), Int(sequence))
    }

    private static func appendHex(_ value: UInt64, digits: Int, to bytes: inout [UInt8]) {
        let alphabet = Array("0123456789abcdef".utf8)
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            bytes.append(alphabet[Int((value >> UInt64(shift)) & 0xF)])
        }
    }

    private static func hex(_ digits: some Collection<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for d in digits {
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(d - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return value
    }
}
