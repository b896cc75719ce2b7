import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

@Suite struct StakingApplicationTests {
    typealias C = StakingChain

    @Test func genesisBondsValidatorsToTheirOwners() async throws {
        let app = StakingApplication()
        let response = try await app.initChain(C.initChain)
        let state = await app.committed
        #expect(response.validators.isEmpty)
        #expect(response.appHash == state.appHash)
        #expect(state.totalSupply == C.genesisSupply)
        #expect(state.params == StakingParams(slashFractionBasisPoints: 1000, jailPeriodBlocks: 3))
        #expect(state.accounts[C.alice.publicKey.address] == StakingAccount(balance: 1000))
        #expect(state.accounts[C.carol.publicKey.address] == StakingAccount(balance: 0))
        #expect(state.validators[C.validator1.publicKey.address]?.owner == C.validator1.publicKey.address)
        #expect(state.validators[C.validator2.publicKey.address]?.owner == C.carol.publicKey.address)
        #expect(state.validators[C.validator2.publicKey.address]?.power == 50)
        #expect(try await app.info(InfoRequest()).lastBlockHeight == 0)
    }

    @Test func transferMovesTokensAndEmitsEvents() async throws {
        var c = try await C.started()
        let response = try await c.block([await c.tx(.transfer(to: C.bob.publicKey.address, amount: 300), by: C.alice)])
        #expect(response.txResults.map(\.code) == [0])
        #expect(response.validatorUpdates.isEmpty)
        #expect(await c.balance(C.alice) == 700)
        #expect(await c.balance(C.bob) == 800)
        #expect(await c.app.committed.accounts[C.alice.publicKey.address]?.nonce == 1)
        let event = try #require(response.txResults[0].events.first)
        #expect(event.type == "transfer")
        #expect(event.attribute("sender") == C.alice.publicKey.address.description)
        #expect(event.attribute("recipient") == C.bob.publicKey.address.description)
        #expect(event.attribute("amount") == "300")
        #expect(event.attributes.allSatisfy { $0.index })
        // A transfer to a new address creates its account.
        let dave = C.key(14).publicKey.address
        try await c.block([await c.tx(.transfer(to: dave, amount: 5), by: C.bob)])
        #expect(await c.app.committed.accounts[dave] == StakingAccount(balance: 5))
    }

    @Test func bondAndUnbondChangeVotingPower() async throws {
        var c = try await C.started()
        let key3 = C.validator3.publicKey
        var response = try await c.block([await c.tx(.bond(validator: key3, amount: 200), by: C.alice)])
        #expect(response.txResults.map(\.code) == [0])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: key3, power: 200)])
        #expect(response.txResults[0].events.first?.attribute("validator") == key3.address.description)
        #expect(await c.validator(C.validator3)?.owner == C.alice.publicKey.address)
        #expect(await c.balance(C.alice) == 800)

        // Two bonds in one block: one update with the final power.
        response = try await c.block([await c.tx(.bond(validator: key3, amount: 50), by: C.alice),
                                      await c.tx(.bond(validator: key3, amount: 50), by: C.alice, ahead: 1)])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: key3, power: 300)])

        response = try await c.block([await c.tx(.unbond(amount: 100), by: C.alice)])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: key3, power: 200)])
        response = try await c.block([await c.tx(.unbond(amount: 200), by: C.alice)])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: key3, power: 0)])
        #expect(await c.validator(C.validator3) == nil)
        #expect(await c.balance(C.alice) == 1000)

        // A bond and a full unbond within one block never reach the node.
        response = try await c.block([await c.tx(.bond(validator: key3, amount: 10), by: C.bob),
                                      await c.tx(.unbond(amount: 10), by: C.bob, ahead: 1)])
        #expect(response.txResults.map(\.code) == [0, 0])
        #expect(response.validatorUpdates.isEmpty)
    }

    @Test func bondingRulesAreEnforced() async throws {
        var c = try await C.started()
        // validator2 belongs to carol; alice may not bond to it.
        let foreign = await c.tx(.bond(validator: C.validator2.publicKey, amount: 1), by: C.alice)
        #expect(try await c.check(foreign).code == StakingError.notAllowed("").code)
        // One validator per owner.
        try await c.block([await c.tx(.bond(validator: C.validator3.publicKey, amount: 1), by: C.alice)])
        let second = await c.tx(.bond(validator: C.key(4).publicKey, amount: 1), by: C.alice)
        let response = try await c.check(second)
        #expect(response.code == StakingError.notAllowed("").code)
        #expect(response.log.contains("already operates"))
        // bob operates nothing.
        #expect(try await c.check(await c.tx(.unbond(amount: 1), by: C.bob)).code == StakingError.notAllowed("").code)
        #expect(try await c.check(await c.tx(.unjail, by: C.bob)).code == StakingError.notAllowed("").code)
        // carol may unbond more than she has bonded? No.
        #expect(try await c.check(await c.tx(.unbond(amount: 51), by: C.carol)).code == StakingError.insufficientFunds(needed: 0, available: 0).code)
        #expect(try await c.check(await c.tx(.unbond(amount: 50), by: C.carol)).code == 0)
    }

    @Test func checkTxRejectsBadSignatureNonceBalanceAndAccount() async throws {
        let c = try await C.started()
        let good = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 10), by: C.alice)
        var forged = good
        forged.signature[0] ^= 1
        let otherChain = StakingTx.signed(good.action, nonce: 0, by: C.alice, chainID: "other-chain")
        let badNonce = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 10), by: C.alice, ahead: 5)
        let tooMuch = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 1001), by: C.alice)
        let stranger = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 1), by: C.key(99))
        for (tx, code) in [(forged, 2), (otherChain, 2), (badNonce, 3), (tooMuch, 5), (stranger, 4)] as [(StakingTx, UInt32)] {
            let response = try await c.check(tx)
            #expect(response.code == code)
            #expect(!response.log.isEmpty)
        }
        let malformed = try await c.app.checkTx(CheckTxRequest(tx: [1, 2, 3]))
        #expect(malformed.code == 1)
        #expect(try await c.check(good).code == 0)
    }

    /// The mempool's view moves with each admitted transaction and starts over at commit.
    @Test func checkTxQueuesNoncesAndSpending() async throws {
        var c = try await C.started()
        let first = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 600), by: C.alice)
        let second = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 300), by: C.alice, ahead: 1)
        let overspend = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 200), by: C.alice, ahead: 2)
        #expect(try await c.check(first).code == 0)
        #expect(try await c.check(second).code == 0)
        #expect(try await c.check(first).code == 3)
        #expect(try await c.check(overspend).code == 5)
        // Only `first` made it into the block; after commit, `second` rechecks fine.
        try await c.block([first])
        #expect(try await c.app.checkTx(CheckTxRequest(tx: second.encoded, type: .recheck)).code == 0)
    }

    @Test func finalizeBlockRefusesTheSameTransactions() async throws {
        var c = try await C.started()
        let before = await c.app.committed
        var forged = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 10), by: C.alice)
        forged.signature[5] ^= 0x40
        let badNonce = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 10), by: C.alice, ahead: 1)
        let stranger = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 1), by: C.key(99))
        var response = try await c.block(bytes: [forged.encoded, badNonce.encoded, stranger.encoded, [0xff]])
        #expect(response.txResults.map(\.code) == [2, 3, 4, 1])
        #expect(response.appHash == before.appHash)
        #expect(await c.app.committed.accounts == before.accounts)

        // An authenticated transaction that cannot be carried out uses its nonce and nothing else.
        let tooMuch = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 5000), by: C.alice)
        response = try await c.block([tooMuch])
        #expect(response.txResults.map(\.code) == [5])
        #expect(await c.app.committed.accounts[C.alice.publicKey.address] == StakingAccount(balance: 1000, nonce: 1))
        // Replaying it is now a bad nonce.
        #expect(try await c.block([tooMuch]).txResults.map(\.code) == [3])
    }

    @Test func duplicateVoteSlashesJailsAndUnjailRestores() async throws {
        var c = try await C.started()
        try await c.block([])
        // Height 2: validator1 (100 bonded) double-signed; 10% burned, jailed until height 5.
        var response = try await c.block([], misbehavior: [C.doubleSign(C.validator1, height: 1)])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: C.validator1.publicKey, power: 0)])
        #expect(response.events.map(\.type) == ["slash", "jail"])
        #expect(response.events[0].attribute("amount") == "10")
        #expect(response.events[1].attribute("until") == "5")
        var validator = try #require(await c.validator(C.validator1))
        #expect(validator.bonded == 90)
        #expect(validator.jailedUntil == 5)
        #expect(await c.app.committed.burned == 10)
        #expect(await c.app.committed.totalSupply == C.genesisSupply)

        // More evidence while jailed, and light-client attacks, change nothing.
        response = try await c.block([], misbehavior: [C.doubleSign(C.validator1, height: 2),
                                                      C.doubleSign(C.validator2, type: .lightClientAttack, height: 2)])
        #expect(response.validatorUpdates.isEmpty)
        #expect(response.events.isEmpty)
        #expect(await c.validator(C.validator1)?.bonded == 90)
        #expect(await c.validator(C.validator2)?.bonded == 50)

        // Height 4: too early, in CheckTx (checked as of height 4) and in the block.
        let early = await c.tx(.unjail, by: C.validator1)
        #expect(try await c.check(early).code == 6)
        response = try await c.block([early])
        #expect(response.txResults.map(\.code) == [6])
        #expect(response.txResults[0].log.contains("jailed until height 5"))
        #expect(response.validatorUpdates.isEmpty)

        // Height 5: the jail term is served.
        let unjail = await c.tx(.unjail, by: C.validator1)
        #expect(try await c.check(unjail).code == 0)
        response = try await c.block([unjail])
        #expect(response.txResults.map(\.code) == [0])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: C.validator1.publicKey, power: 90)])
        validator = try #require(await c.validator(C.validator1))
        #expect(validator.jailedUntil == nil)
        #expect(try await c.check(await c.tx(.unjail, by: C.validator1)).code == 6)
    }

    /// A jailed validator's owner can unbond, but rebonding does not skip the jail.
    @Test func jailSurvivesUnbondingEverything() async throws {
        var c = try await C.started()
        try await c.block([], misbehavior: [C.doubleSign(C.validator2, height: 1)])
        try await c.block([await c.tx(.unbond(amount: 45), by: C.carol)])
        #expect(await c.validator(C.validator2)?.bonded == 0)
        #expect(await c.validator(C.validator2)?.isJailed == true)
        let response = try await c.block([await c.tx(.bond(validator: C.validator2.publicKey, amount: 20), by: C.carol)])
        #expect(response.validatorUpdates.isEmpty)
        #expect(await c.validator(C.validator2)?.power == 0)
    }

    @Test func appHashIsDeterministic() async throws {
        var a = try await C.started()
        var b = try await C.started()
        #expect(await a.app.committed.appHash == b.app.committed.appHash)
        let blocks: [[StakingTx]] = [
            [StakingTx.signed(.transfer(to: C.bob.publicKey.address, amount: 7), nonce: 0, by: C.alice, chainID: C.chainID),
             StakingTx.signed(.bond(validator: C.validator3.publicKey, amount: 100), nonce: 0, by: C.bob, chainID: C.chainID)],
            [StakingTx.signed(.unbond(amount: 10), nonce: 0, by: C.carol, chainID: C.chainID)],
            [StakingTx.signed(.transfer(to: C.carol.publicKey.address, amount: 3), nonce: 1, by: C.alice, chainID: C.chainID)],
        ]
        var hashes: Set<Bytes> = [await a.app.committed.appHash]
        for (index, txs) in blocks.enumerated() {
            let misbehavior = index == 1 ? [C.doubleSign(C.validator1, height: 1)] : []
            let ra = try await a.block(txs, misbehavior: misbehavior)
            let rb = try await b.block(txs, misbehavior: misbehavior)
            #expect(ra == rb)
            hashes.insert(ra.appHash)
        }
        #expect(hashes.count == blocks.count + 1)
        #expect(try await a.app.info(InfoRequest()) == b.app.info(InfoRequest()))
    }

    @Test func queriesAnswerJSON() async throws {
        var c = try await C.started()
        try await c.block([], misbehavior: [C.doubleSign(C.validator1, height: 1)])
        let alice = C.alice.publicKey.address
        let account = try await c.app.query(QueryRequest(path: "/account/\(alice.bytes.hex)"))
        #expect(account.code == 0)
        #expect(account.height == 1)
        #expect(account.value.string == #"{"address":"\#(alice)","balance":"1000","nonce":"0"}"#)
        let v1 = C.validator1.publicKey
        let validator = try await c.app.query(QueryRequest(path: "/validator/\(v1.address)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(validator.value)) as? [String: Any])
        #expect(json["bonded"] as? String == "90")
        #expect(json["power"] as? String == "0")
        #expect(json["jailed"] as? Bool == true)
        #expect(json["jailed_until"] as? String == "4")
        #expect(json["owner"] as? String == v1.address.description)
        #expect(json["pub_key"] as? String == Data(v1.bytes).base64EncodedString())
        let supply = try await c.app.query(QueryRequest(path: "/supply"))
        #expect(supply.value.string == #"{"bonded":"140","burned":"10","liquid":"1500","total":"1650"}"#)
        #expect(try await c.app.query(QueryRequest(path: "/account/\(C.key(99).publicKey.address)")).code == 1)
        for bad in ["/account/xyz", "/account", "/nope", "/validator/00"] {
            let response = try await c.app.query(QueryRequest(path: bad))
            #expect(response.code == 2, "\(bad)")
            #expect(!response.log.isEmpty)
        }
    }

    @Test func commitWithoutBlockThrows() async throws {
        let c = try await C.started()
        await #expect(throws: StakingApplicationError.commitWithoutBlock) { try await c.app.commit() }
    }
}
