import PalisadeABCI

/// The staking app's state-sync snapshot, format 1. A snapshot of height H holds the state after
/// block H: every account, every validator (jailed ones included) and the totals.
///
/// - **Chunks** are `SnapshotChunks` records (`uvarint(len key) ‖ key ‖ uvarint(len value) ‖
///   value`) in ascending key order, cut at 1 MiB. The records are the app hash's leaves split
///   after the address, so a reader who knows `StakingState.appHash` knows them:
///   - an account: key `0x01 ‖ address (20)`, value `balance (8) ‖ nonce (8)`;
///   - a validator: key `0x02 ‖ address (20)`, value `pub key (32) ‖ owner (20) ‖ bonded (8) ‖
///     jailed (1: 0 or 1) ‖ jailed until (8, 0 when not jailed)`.
///   Accounts therefore come first, then validators, each by address.
/// - **Metadata**: `burned (8) ‖ slash basis points (8) ‖ jail period (8) ‖ chain id length (2)
///   ‖ chain id (UTF-8) ‖ chunk count (4) ‖ SHA-256 of each chunk (32)*`. Integers big-endian.
/// - **Hash**: SHA-256 of the metadata, so every chunk is checked against it as it arrives.
///
/// What makes a restored state trustworthy is that its `appHash` equals the app hash of the
/// light-client-verified header at H, which covers every record and the totals. The chain id is
/// not in the app hash (the header carries it) and comes from the metadata as sent: a snapshot
/// with another chain id would make this node refuse every signed transaction, and its first
/// block with a transaction would give another app hash than the chain's and halt it, not fork it.
public enum StakingSnapshotFormat {
    public static let format: UInt32 = 1
    static let accountTag: UInt8 = 0x01
    static let validatorTag: UInt8 = 0x02
    static let keySize = 1 + Address.size
    static let accountValueSize = 8 + 8
    static let validatorValueSize = 32 + Address.size + 8 + 1 + 8

    /// What the metadata says besides the chunk hashes: the state's parts outside the records.
    struct Metadata: Sendable, Hashable {
        var chainID: String
        var params: StakingParams
        var burned: Int64
        var chunkHashes: [Bytes]
    }

    /// The metadata and chunks of `state`'s snapshot.
    static func snapshot(of state: StakingState) -> (metadata: Bytes, chunks: [Bytes]) {
        var writer = SnapshotChunks.Writer()
        for (address, account) in state.accounts.sorted(by: { $0.key < $1.key }) {
            var value = Bytes()
            value.appendBigEndian(UInt64(bitPattern: account.balance))
            value.appendBigEndian(account.nonce)
            writer.append(key: [accountTag] + address.bytes, value: value)
        }
        for (address, validator) in state.validators.sorted(by: { $0.key < $1.key }) {
            var value = validator.publicKey.bytes + validator.owner.bytes
            value.appendBigEndian(UInt64(bitPattern: validator.bonded))
            value.append(validator.isJailed ? 1 : 0)
            value.appendBigEndian(UInt64(bitPattern: validator.jailedUntil ?? 0))
            writer.append(key: [validatorTag] + address.bytes, value: value)
        }
        let chunks = writer.finish()
        var metadata = Bytes()
        metadata.appendBigEndian(UInt64(bitPattern: state.burned))
        metadata.appendBigEndian(UInt64(bitPattern: state.params.slashFractionBasisPoints))
        metadata.appendBigEndian(UInt64(bitPattern: state.params.jailPeriodBlocks))
        // Genesis holds a chain id to CometBFT's 50 bytes; the clamp only keeps this total.
        let chainID = Bytes(state.chainID.utf8).prefix(Int(UInt16.max))
        SnapshotChunks.appendBigEndian(UInt64(chainID.count), width: 2, to: &metadata)
        metadata += chainID
        SnapshotChunks.appendChunkList(hashing: chunks, to: &metadata)
        return (metadata, chunks)
    }

    static func decode(_ bytes: Bytes) -> Metadata? {
        var offset = 0
        guard let burned = SnapshotChunks.readBigEndian(bytes, &offset, width: 8),
              let slash = SnapshotChunks.readBigEndian(bytes, &offset, width: 8),
              let jail = SnapshotChunks.readBigEndian(bytes, &offset, width: 8),
              let length = SnapshotChunks.readBigEndian(bytes, &offset, width: 2), offset + Int(length) <= bytes.count,
              let chainID = String(validating: bytes[offset..<(offset + Int(length))], as: UTF8.self),
              let hashes = SnapshotChunks.chunkList(bytes, from: offset + Int(length)) else { return nil }
        return Metadata(chainID: chainID,
                        params: StakingParams(slashFractionBasisPoints: Int64(bitPattern: slash),
                                              jailPeriodBlocks: Int64(bitPattern: jail)),
                        burned: Int64(bitPattern: burned), chunkHashes: hashes)
    }

    /// Adds one record to `state`; false for a record of no known shape (a wrong tag or size, a
    /// key that is not a validator's address, a jailed flag other than 0 or 1).
    static func apply(key: Bytes, value: Bytes, to state: inout StakingState) -> Bool {
        guard key.count == keySize else { return false }
        let address = Address(bytes: Array(key[1...]))
        var reader = ByteReader(value)
        switch key[0] {
        case accountTag:
            guard value.count == accountValueSize, let balance = reader.uint64(), let nonce = reader.uint64() else { return false }
            state.accounts[address] = StakingAccount(balance: Int64(bitPattern: balance), nonce: nonce)
        case validatorTag:
            guard value.count == validatorValueSize, let raw = reader.take(32), let key = Ed25519PublicKey(bytes: raw),
                  key.address == address, let owner = reader.take(Address.size), let bonded = reader.uint64(),
                  let jailed = reader.byte(), jailed <= 1, let until = reader.uint64() else { return false }
            state.validators[address] = StakingValidator(
                publicKey: key, owner: Address(bytes: owner), bonded: Int64(bitPattern: bonded),
                jailedUntil: jailed == 1 ? Int64(bitPattern: until) : nil)
        default:
            return false
        }
        return true
    }
}
