import CSodium

/// libsodium must be initialised once per process before use; `sodium_init` is idempotent and
/// thread-safe, so every entry point that reaches libsodium calls `Sodium.ready()` first.
enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    static func ready() {
        // A failed init means the library cannot run at all; no input can cause it.
        precondition(initialised, "libsodium failed to initialise")
    }
}
