import PalisadeTypes

/// A signed consensus message on the simulated wire. `id` names one signing act: relays and
/// duplicates of it keep the id (so receivers and the relay model can recognise them), while an
/// equivocator's two proposals or a twin's vote get different ids.
struct Envelope {
    var id: Int
    /// The endpoint that first sent it.
    var origin: Int
    /// The validator whose key signed it.
    var signer: Int
    var message: Message

    enum Message {
        case proposal(Proposal)
        case vote(Vote)
    }

    var height: Int64 {
        switch message {
        case .proposal(let p): p.height
        case .vote(let v): v.height
        }
    }

    var summary: String {
        switch message {
        case .proposal(let p): "#\(id) Proposal(h=\(p.height) r=\(p.round) pol=\(p.polRound) \(p.blockID.traceName)) by v\(signer)"
        case .vote(let v): "#\(id) \(v.type)(h=\(v.height) r=\(v.round) \(v.blockID.traceName)) by v\(signer)"
        }
    }
}
