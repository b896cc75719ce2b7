import PalisadeCrypto
import PalisadeNode

/// The connections between endpoints: up or down, an epoch that changes with every break (what
/// was in flight on an older epoch is gone), and per-direction FIFO delivery.
struct Links: Sendable {
    var model: NetworkModel
    var rng: SimulationRandom
    private var up: [[Bool]]
    private var epoch: [[Int]]
    private var lastArrival: [[SimTime]]

    init(model: NetworkModel, rng: SimulationRandom) {
        self.model = model
        self.rng = rng
        let count = model.linked.count
        up = Array(repeating: Array(repeating: false, count: count), count: count)
        epoch = Array(repeating: Array(repeating: 0, count: count), count: count)
        lastArrival = Array(repeating: Array(repeating: 0, count: count), count: count)
    }

    var endpoints: Int { up.count }
    func isUp(_ a: Int, _ b: Int) -> Bool { up[a][b] }
    func epoch(_ a: Int, _ b: Int) -> Int { epoch[a][b] }
    func peers(of endpoint: Int) -> [Int] { up[endpoint].indices.filter { up[endpoint][$0] } }

    mutating func setUp(_ a: Int, _ b: Int) {
        up[a][b] = true
        up[b][a] = true
    }

    /// Marks the link down and starts a new epoch.
    mutating func cut(_ a: Int, _ b: Int) {
        up[a][b] = false
        up[b][a] = false
        epoch[a][b] += 1
        epoch[b][a] += 1
        lastArrival[a][b] = 0
        lastArrival[b][a] = 0
    }

    /// The arrival time of a message sent now, never before the previous one on that direction.
    mutating func arrival(from: Int, to: Int, at time: SimTime) -> SimTime {
        let at = max(time + model.delay(from: from, to: to, at: time, rng: &rng), lastArrival[from][to])
        lastArrival[from][to] = at
        return at
    }
}

extension WorldState {
    /// A send from `from`'s driver: delivered in order, or, where the network fails before GST,
    /// the connection breaks and the message is lost with it.
    mutating func send(from: Int, to: Int, channel: UInt8, bytes: Bytes) {
        guard to >= 0, to < links.endpoints, links.isUp(from, to) else { return }
        if now < links.model.gst,
           links.rng.chance(links.model.dropProbability) || links.model.separated(from, to, at: now) {
            breakLink(from, to, reason: "lost message")
            return
        }
        let at = links.arrival(from: from, to: to, at: now)
        schedule(at: at, .deliver(from: from, to: to, epoch: links.epoch(from, to), channel: channel, bytes: bytes))
    }

    /// Both ends are told, and a reconnect is tried later.
    mutating func breakLink(_ a: Int, _ b: Int, reason: String) {
        guard links.isUp(a, b) else { return }
        links.cut(a, b)
        trace.record(now, "link n\(min(a, b))-n\(max(a, b)) DOWN (\(reason))")
        scheduleForDriver(a, at: now, .peerDisconnected(peerName(b)))
        scheduleForDriver(b, at: now, .peerDisconnected(peerName(a)))
        let retry = now + links.model.reconnectDelay(at: now, rng: &links.rng)
        schedule(at: retry, .linkUp(a: min(a, b), b: max(a, b), epoch: links.epoch(a, b)))
    }

    /// Every connection of a crashed endpoint drops; its peers notice. It reconnects when it
    /// restarts.
    mutating func dropLinks(of endpoint: Int) {
        for peer in links.peers(of: endpoint) {
            links.cut(endpoint, peer)
            scheduleForDriver(peer, at: now, .peerDisconnected(peerName(endpoint)))
        }
    }

    /// Schedules connection attempts from a (re)started endpoint to every peer it may reach.
    mutating func dial(from endpoint: Int) {
        for peer in 0..<links.endpoints where peer != endpoint && links.model.linked[endpoint][peer] {
            let delay = links.rng.int(in: 1...max(1, links.model.delta))
            schedule(at: now + delay, .linkUp(a: min(endpoint, peer), b: max(endpoint, peer),
                                              epoch: links.epoch(endpoint, peer)))
        }
    }

    /// A connection attempt: true when the link came up (the loop then tells both drivers).
    /// A partition defers it to the partition's end; an endpoint that is down stays unlinked
    /// until it restarts and dials.
    mutating func tryLink(_ a: Int, _ b: Int, epoch: Int) -> Bool {
        guard links.epoch(a, b) == epoch, !links.isUp(a, b), alive[a], alive[b],
              links.model.linked[a][b] else { return false }
        if now < links.model.gst, links.model.separated(a, b, at: now) {
            let end = links.model.separationEnd(a, b, at: now)
            schedule(at: max(end, now + 1) + links.rng.int(in: 1...max(1, links.model.delta)),
                     .linkUp(a: a, b: b, epoch: epoch))
            return false
        }
        links.setUp(a, b)
        trace.record(now, "link n\(a)-n\(b) up")
        return true
    }
}
