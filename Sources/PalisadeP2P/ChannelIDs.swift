/// The reactors' channel numbers, CometBFT's so that traces and tooling read the same
/// (the messages on them are Palisade's own; see WIRE-FORMAT.md §4).
public enum ChannelIDs {
    /// Round steps, new-valid-block and has-vote announcements.
    public static let consensusState: ChannelID = 0x20
    /// Proposals and block parts.
    public static let consensusData: ChannelID = 0x21
    /// Prevotes and precommits.
    public static let consensusVote: ChannelID = 0x22
    public static let mempool: ChannelID = 0x30
    public static let evidence: ChannelID = 0x38
    /// Block sync: decided blocks requested by height, sent in chunks.
    public static let blockSync: ChannelID = 0x40
    /// State sync: snapshot requests and advertisements.
    public static let snapshot: ChannelID = 0x60
    /// State sync: snapshot chunks requested by index.
    public static let chunk: ChannelID = 0x61
    /// Reserved for the switch's own keepalive (ping/pong); `Switch.send` refuses it.
    public static let control: ChannelID = 0xFF
}
