import PalisadeCrypto

/// The switch's control messages on `ChannelIDs.control` (WIRE-FORMAT.md §4). Every peer gets a
/// ping each `pingInterval` and answers with a pong, so a peer from which nothing arrived for
/// `idleTimeout` (several missed pongs) is dead or wedged and is dropped.
enum Keepalive {
    static let ping: Bytes = [0x01]
    static let pong: Bytes = [0x02]
}
