extension ScenarioPlan {
    /// Picks Byzantine validators whose combined power stays strictly below 1/3 of the total
    /// (`byz * 3 < total`), each with a behaviour. May pick none when every validator alone
    /// already holds a third.
    static func drawByzantineBelowThird(powers: [Int64], total: Int64, gst: SimTime,
                                        rng: inout SimulationRandom) -> [Int: ByzantineBehaviour] {
        var order = Array(powers.indices)
        rng.shuffle(&order)
        let wanted = Int(rng.int(in: 1...Int64(max(1, powers.count / 3))))
        var chosen: [Int: ByzantineBehaviour] = [:]
        var power: Int64 = 0
        for v in order where chosen.count < wanted && (power + powers[v]) * 3 < total {
            power += powers[v]
            switch rng.index(below: 5) {
            case 0: chosen[v] = .equivocatingProposer(invalidSecond: false)
            case 1: chosen[v] = .equivocatingProposer(invalidSecond: true)
            case 2: chosen[v] = .invalidProposer
            case 3: chosen[v] = .twins
            default: chosen[v] = .amnesia(at: rng.int(in: 0...max(1_000, gst)), downFor: rng.int(in: 100...3_000))
            }
        }
        return chosen
    }

    /// Picks Byzantine validators holding more than 1/3 of the power and splits the honest ones
    /// into two sides that each reach +2/3 together with the Byzantine power, which is what a
    /// fork by twins needs (`(side + byz) * 3 > total * 2` for both sides).
    static func drawByzantineAboveThird(powers: [Int64], total: Int64,
                                        rng: inout SimulationRandom) -> (Set<Int>, Set<Int>, Set<Int>) {
        var order = Array(powers.indices)
        rng.shuffle(&order)
        var byz: [Int] = []
        var power: Int64 = 0
        var best: (Set<Int>, Set<Int>, Set<Int>)?
        for v in order {
            byz.append(v)
            power += powers[v]
            guard power * 3 > total else { continue }
            let honest = order.filter { !byz.contains($0) }.sorted { powers[$0] > powers[$1] || (powers[$0] == powers[$1] && $0 < $1) }
            var a: Set<Int> = []
            var b: Set<Int> = []
            var pa: Int64 = 0
            var pb: Int64 = 0
            for h in honest {
                if pa <= pb { a.insert(h); pa += powers[h] } else { b.insert(h); pb += powers[h] }
            }
            best = (Set(byz), a, b)
            if !a.isEmpty, !b.isEmpty, (pa + power) * 3 > total * 2, (pb + power) * 3 > total * 2 { return (Set(byz), a, b) }
        }
        return best ?? (Set(order), [], [])
    }
}
