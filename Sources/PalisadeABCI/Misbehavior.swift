import PalisadeCrypto
import PalisadeProto
import PalisadeTypes

/// What kind of fault the node proved against a validator.
public enum MisbehaviorType: Int, Sendable, Hashable, CaseIterable {
    /// Two conflicting votes at one height and round (equivocation).
    case duplicateVote = 1
    /// A fork presented to a light client.
    case lightClientAttack = 2
}

/// Proof, already verified by the node, that a validator misbehaved. Slashing is the app's
/// decision (ARCHITECTURE §1); `totalVotingPower` is the set's power at `height`, so an app that keeps
/// no history can still scale a penalty.
public struct Misbehavior: Sendable, Hashable {
    public var type: MisbehaviorType
    public var address: Address
    public var power: Int64
    public var height: Int64
    public var time: Timestamp
    public var totalVotingPower: Int64

    public init(type: MisbehaviorType, address: Address, power: Int64, height: Int64, time: Timestamp,
                totalVotingPower: Int64) {
        self.type = type
        self.address = address
        self.power = power
        self.height = height
        self.time = time
        self.totalVotingPower = totalVotingPower
    }

    public var proto: Tendermint_Abci_Misbehavior {
        var p = Tendermint_Abci_Misbehavior()
        p.type = Tendermint_Abci_MisbehaviorType(rawValue: type.rawValue) ?? .unknown
        p.validator = abciValidator(address, power)
        p.height = height
        p.time = time.abciProto
        p.totalVotingPower = totalVotingPower
        return p
    }

    init(proto p: Tendermint_Abci_Misbehavior, at path: MessagePath) throws(DecodingError) {
        guard let type = MisbehaviorType(rawValue: p.type.rawValue) else { throw path.child("type").unknownEnum(p.type.rawValue) }
        let (address, power) = try decodeValidator(p.validator, at: path.child("validator"))
        self.init(type: type, address: address, power: power, height: p.height,
                  time: try path.child("time").timestamp(p.time), totalVotingPower: p.totalVotingPower)
    }

    static func decodeList(_ list: [Tendermint_Abci_Misbehavior], at path: MessagePath) throws(DecodingError) -> [Misbehavior] {
        var out: [Misbehavior] = []
        for (i, m) in list.enumerated() { out.append(try Misbehavior(proto: m, at: path.index(i))) }
        return out
    }
}
