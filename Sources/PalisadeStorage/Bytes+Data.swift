import Foundation
import PalisadeCrypto

extension Array where Element == UInt8 {
    /// Foundation `Data` for the JSON codecs and protobuf, which take it at their boundary.
    var data: Data { Data(self) }
}

extension Data {
    var bytes: Bytes { Bytes(self) }
}
