import Logging
import PalisadeTypes

/// The driver's log, read by the run. Two of its lines are observations the checker needs and
/// no port sees: `equivocation` (the core reported a duplicate vote, which the runtime hands to
/// the evidence pool) and `signer refused` (the runtime asked for a signature the guard
/// refused outside replay, so the validator stays silent). Other warnings go into the trace; a
/// run keeps warnings and above only, so debug lines are never even formatted.
struct RuntimeLogTap: LogHandler {
    let world: SimWorld
    let endpoint: Int
    let validator: Int
    let addresses: [String: Int]
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = event.message.description
        if text == "equivocation", let meta = event.metadata {
            guard let signer = meta["validator"].flatMap({ addresses["\($0)"] }),
                  let height = meta["height"].flatMap({ Int64("\($0)") }),
                  let round = meta["round"].flatMap({ Int32("\($0)") }),
                  let type = meta["type"].flatMap({ value in
                      [VoteType.prevote, .precommit].first { "\($0)" == "\(value)" }
                  }) else { return }
            let receiver = validator
            world.state.withLock { state in
                state.observations.recordEvidence(
                    receiver: receiver,
                    slot: .init(validator: signer, height: height, round: round, type: type))
            }
        } else {
            let receiver = validator, endpoint = endpoint
            let details = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            world.state.withLock { state in
                state.trace.record(state.now, "n\(endpoint) LOG \(event.level): \(text) \(details.joined(separator: " "))")
                if text.hasPrefix("signer refused") {
                    state.observations.recordSignerRefusal(validator: receiver, detail: text)
                }
            }
        }
    }
}
