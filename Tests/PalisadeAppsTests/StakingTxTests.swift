import PalisadeABCI
import PalisadeApps
import Testing

@Suite struct StakingTxTests {
    typealias C = StakingChain
    static let actions: [StakingTx.Action] = [
        .transfer(to: C.bob.publicKey.address, amount: 1),
        .bond(validator: C.validator3.publicKey, amount: Int64.max),
        .unbond(amount: 42),
        .unjail,
    ]

    @Test(arguments: actions)
    func roundTripsAndVerifies(action: StakingTx.Action) throws {
        let tx = StakingTx.signed(action, nonce: 7, by: C.alice, chainID: C.chainID)
        let decoded = try StakingTx.decode(tx.encoded)
        #expect(decoded == tx)
        #expect(decoded.verifySignature(chainID: C.chainID))
        #expect(!decoded.verifySignature(chainID: C.chainID + "x"))
        #expect(decoded.signerAddress == C.alice.publicKey.address)
    }

    /// The documented layout, byte for byte.
    @Test func transferLayout() {
        let tx = StakingTx.signed(.transfer(to: Address(bytes: Bytes(repeating: 0xAB, count: 20)), amount: 0x0102),
                                  nonce: 3, by: C.alice, chainID: "c")
        let bytes = tx.encoded
        #expect(bytes.count == 2 + 32 + 8 + 20 + 8 + 64)
        #expect(Array(bytes[0..<2]) == [1, 1])
        #expect(Array(bytes[2..<34]) == C.alice.publicKey.bytes)
        #expect(Array(bytes[34..<42]) == [0, 0, 0, 0, 0, 0, 0, 3])
        #expect(Array(bytes[42..<62]) == Bytes(repeating: 0xAB, count: 20))
        #expect(Array(bytes[62..<70]) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(tx.signBytes(chainID: "c") == [1, UInt8(ascii: "c")] + bytes.dropLast(64))
        #expect(C.alice.publicKey.verify(signature: Array(bytes.suffix(64)), message: [1, UInt8(ascii: "c")] + bytes.dropLast(64)))
    }

    @Test func malformedIsRefusedWithAReason() {
        let good = StakingTx.signed(.unbond(amount: 5), nonce: 0, by: C.alice, chainID: C.chainID).encoded
        var zeroAmount = good
        for i in 42..<50 { zeroAmount[i] = 0 }
        var hugeAmount = good
        hugeAmount[42] = 0x80
        var badTag = good
        badTag[1] = 9
        var badVersion = good
        badVersion[0] = 2
        let cases: [(Bytes, String)] = [
            ([], "version"), (badVersion, "version"), (badTag, "tag 9"), (Array(good.dropLast()), "signature"),
            (good + [0], "unexpected"), (zeroAmount, "amount"), (hugeAmount, "amount"), (Array(good.prefix(20)), "signer"),
        ]
        for (bytes, fragment) in cases {
            let error = #expect(throws: StakingError.self) { try StakingTx.decode(bytes) }
            #expect(error?.code == 1)
            #expect(error?.description.contains(fragment) == true, "\(error.map { "\($0)" } ?? "")")
        }
    }
}

@Suite struct StakingGenesisTests {
    typealias C = StakingChain

    func state(_ json: String, validators: [ValidatorUpdate] = []) throws(StakingGenesisError) -> StakingState {
        try StakingGenesis.state(chainID: "c", appState: Array(json.utf8), validators: validators)
    }

    @Test func emptyAppStateUsesDefaults() throws {
        let s = try state("", validators: [ValidatorUpdate(publicKey: C.validator1.publicKey, power: 10)])
        #expect(s.params == StakingParams())
        #expect(s.accounts == [C.validator1.publicKey.address: StakingAccount()])
        #expect(s.validators[C.validator1.publicKey.address]?.bonded == 10)
        #expect(try state("{}").accounts.isEmpty)
    }

    @Test func errorsNameTheField() {
        let cases: [(String, String)] = [
            (#"{"accounts": [{"address": "zz", "balance": 1}]}"#, "app_state.accounts[0].address"),
            (#"{"accounts": [{"address": "\#(C.alice.publicKey.address)", "balance": "-1"}]}"#, "app_state.accounts[0].balance"),
            (#"{"accounts": [{"address": "\#(C.alice.publicKey.address)", "balance": 1.5}]}"#, "app_state.accounts[0].balance"),
            (#"{"accounts": [{"address": "\#(C.alice.publicKey.address)"}]}"#, "app_state.accounts[0].balance"),
            (#"{"accounts": [{"address": "\#(C.alice.publicKey.address)", "balance": 1}, {"address": "\#(C.alice.publicKey.address)", "balance": 1}]}"#,
             "app_state.accounts[1].address"),
            (#"{"accounts": [{"address": "\#(C.alice.publicKey.address)", "balance": "\#(StakingState.maxTotalSupply)"}, {"address": "\#(C.bob.publicKey.address)", "balance": 1}]}"#,
             "app_state.accounts[1].balance"),
            (#"{"params": {"slash_fraction_bps": 10001}}"#, "app_state.params.slash_fraction_bps"),
            (#"{"params": {"jail_period_blocks": "-3"}}"#, "app_state.params.jail_period_blocks"),
            (#"{"validator_owners": {"\#(C.validator2.publicKey.address)": "\#(C.alice.publicKey.address)"}}"#, "app_state.validator_owners"),
            ("[1, 2]", "app_state"),
            ("{", "app_state"),
        ]
        for (json, field) in cases {
            let error = #expect(throws: StakingGenesisError.self) { try state(json) }
            #expect(error?.field.hasPrefix(field) == true, "\(json) -> \(error.map { "\($0)" } ?? "no error")")
        }
    }

    @Test func oneOwnerCannotHoldTwoValidators() {
        let owner = C.alice.publicKey.address
        let json = """
            {"validator_owners": {"\(C.validator1.publicKey.address)": "\(owner)", "\(C.validator2.publicKey.address)": "\(owner)"}}
            """
        let error = #expect(throws: StakingGenesisError.self) {
            try state(json, validators: [ValidatorUpdate(publicKey: C.validator1.publicKey, power: 1),
                                         ValidatorUpdate(publicKey: C.validator2.publicKey, power: 1)])
        }
        #expect(error?.reason.contains("would own both") == true)
    }
}
