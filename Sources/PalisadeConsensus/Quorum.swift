/// The paper's "2f+1" and "f+1" as strict fractions of the total voting power (checklist
/// invariant 4), in integers so that no rounding can admit a quorum one unit short.
/// `ValidatorSet` caps the total at `Int64.max / 8`, so `* 3` cannot overflow; if it ever did,
/// Swift's checked arithmetic traps instead of wrapping.
enum Quorum {
    /// More than two thirds: "2f+1" in the paper.
    static func isTwoThirds(_ power: Int64, of total: Int64) -> Bool { power * 3 > total * 2 }

    /// More than one third: "f+1" in the paper, enough to contain one correct process.
    static func isOneThird(_ power: Int64, of total: Int64) -> Bool { power * 3 > total }
}
