import Synchronization

/// How many inbound connections may be in their handshake at once, in all and per remote IP.
/// Until a peer has authenticated it is nobody, and each hello costs us an X25519 exchange, a
/// signature and a descriptor; without a bound a flood of bare TCP connects holds as many
/// descriptors as the attacker opens. A connection over either bound is closed as it is
/// accepted, before any work, and a slot is freed when the handshake ends either way (the
/// handshake deadline bounds how long a silent one holds it). Authenticated peers are bounded
/// by the switch's `maxInboundPeers`.
public final class HandshakeAdmission: Sendable {
    public let maxPending: Int
    public let maxPendingPerIP: Int
    private let pending = Mutex((total: 0, byIP: [String: Int]()))

    public init(maxPending: Int = 64, maxPendingPerIP: Int = 8) {
        self.maxPending = max(1, maxPending)
        self.maxPendingPerIP = max(1, maxPendingPerIP)
    }

    /// Takes a slot for a connection from `ip`; false when either bound is reached.
    public func admit(ip: String) -> Bool {
        let (maxPending, maxPendingPerIP) = (maxPending, maxPendingPerIP)
        return pending.withLock { pending in
            guard pending.total < maxPending, pending.byIP[ip, default: 0] < maxPendingPerIP else { return false }
            pending.total += 1
            pending.byIP[ip, default: 0] += 1
            return true
        }
    }

    /// Gives back the slot `admit(ip:)` took.
    public func finished(ip: String) {
        pending.withLock { pending in
            pending.total = max(0, pending.total - 1)
            let left = pending.byIP[ip, default: 1] - 1
            pending.byIP[ip] = left > 0 ? left : nil
        }
    }

    public var pendingCount: Int { pending.withLock { $0.total } }
}
