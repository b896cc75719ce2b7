/// `log_format`: how each log line is written, as CometBFT offers it.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// `I[2026-01-02|15:04:05.000] committed block module=consensus height=5`: for people.
    case plain
    /// One JSON object a line, `{"time", "level", "module", "message", "metadata"}`: for machines.
    case json
}
