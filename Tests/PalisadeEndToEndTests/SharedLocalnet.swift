import Foundation
import Glibc
import Testing

/// One four-validator localnet for every test of a suite: started before the first test, killed
/// after the last one whether the tests passed, failed or threw. Tests read it from
/// `SharedLocalnet.current`. One network instead of one per test keeps the end-to-end suite
/// inside its time budget on two cores.
struct SharedLocalnet: SuiteTrait, TestScoping {
    @TaskLocal static var current: Localnet?

    /// The suite's localnet; fails the test when it runs outside a suite with this trait.
    static func require() throws -> Localnet {
        guard let net = current else { throw LocalnetError("no shared localnet: add .sharedLocalnet to the suite") }
        return net
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        // Descriptors for the 10,000-connection check; children inherit the raised limit.
        Self.raiseDescriptorLimit(to: 12_000)
        let net = try Localnet()
        defer { net.shutdown() }
        try net.startAll()
        try await Self.$current.withValue(net) { try await function() }
    }

    /// Raises the soft RLIMIT_NOFILE toward `wanted`, never above the hard limit.
    @discardableResult
    static func raiseDescriptorLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < rlim_t(wanted) {
            limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}

extension Trait where Self == SharedLocalnet {
    static var sharedLocalnet: Self { SharedLocalnet() }
}
