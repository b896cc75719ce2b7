@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Block assembler")
struct BlockAssemblerTests {
    /// A proposer that re-proposes its valid value in a later round (with a POL round) names the
    /// same block: that proposal is its own message for the core and must be held, and its parts
    /// can finish the block the first round's parts began. (The seed campaign found validators
    /// dropping such re-proposals as duplicates and timing out round after round.)
    @Test("a re-proposal of the same block in a later round is held, and its parts complete the block")
    func reProposal() throws {
        let data = Array(repeating: UInt8(0x5A), count: 150_000)
        let parts = PartSet(data: data)
        let header = parts.header
        let blockID = BlockID(hash: Array(repeating: 1, count: 32), partSetHeader: header)
        let first = Proposal(height: 2, round: 1, polRound: -1, blockID: blockID, timestamp: Timestamp(seconds: 1))
        let again = Proposal(height: 2, round: 21, polRound: 1, blockID: blockID, timestamp: Timestamp(seconds: 2))
        var assembler = BlockAssembler()
        let heldFirst = assembler.hold(first)
        #expect(heldFirst)
        guard let part0 = parts.part(at: 0), let part1 = parts.part(at: 1), let part2 = parts.part(at: 2) else {
            Issue.record("no parts")
            return
        }
        guard case .added = assembler.add(part0, round: 1) else { Issue.record("round 1 part refused"); return }
        // Round 21's parts are unexpected until its proposal is held.
        guard case .unexpected = assembler.add(part1, round: 21) else { Issue.record("part before proposal"); return }
        let heldAgain = assembler.hold(again)
        let heldTwice = assembler.hold(again)
        #expect(heldAgain && !heldTwice)
        #expect(assembler.heldProposals.map(\.round) == [1, 21])
        guard case .added = assembler.add(part1, round: 21) else { Issue.record("round 21 part refused"); return }
        guard case .duplicate = assembler.add(part0, round: 21) else { Issue.record("duplicate not seen"); return }
        switch assembler.add(part2, round: 21) {
        case .completed(let completed, _), .undecodable(let completed, _):
            #expect(completed == header)
            #expect(assembler.proposal(naming: header, round: 21)?.round == 21)
        default:
            Issue.record("the third part did not complete the set")
        }
    }
}
