import CSodium

/// libsodium must be initialised once per process before use; `sodium_init` is idempotent and
/// thread-safe, so every entry point that reaches libsodium calls `Sodium.ready()` first.
enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    static func ready() {
        // A failed init means the library cannot run at all; no input can cause it.
        precondition(initialised, "libsodium failed to initialise")
    }

    /// libsodium wants a valid pointer even for zero bytes; an empty array may have none.
    static func withPointer<R>(_ bytes: Bytes, _ body: (UnsafePointer<UInt8>, UInt64) -> R) -> R {
        if bytes.isEmpty {
            let placeholder: Bytes = [0]
            return placeholder.withUnsafeBufferPointer { body($0.baseAddress!, 0) }
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, UInt64($0.count)) }
    }
}
