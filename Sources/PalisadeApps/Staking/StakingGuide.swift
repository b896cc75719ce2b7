/// The staking app's guide: genesis, transactions, rules, app hash, persistence and queries.
///
/// SwiftPM warns about a Markdown file in a target's folder, so the guide lives here, where
/// DocC and Xcode's Quick Help find it.
///
/// A small proof-of-stake application for Palisade: accounts hold tokens, an account bonds tokens to
/// a validator key, the validator's voting power is its bonded stake, and a validator caught signing
/// twice loses part of its stake and sits in jail for a while. It is meant to be read and copied: the
/// rules are in `StakingState+Execution.swift`, the wiring to ABCI in `StakingApplication.swift`.
///
/// A node runs it for `proxy_app = "staking"`; to construct it yourself:
///
/// ```swift
/// let app = try await StakingApplication.open(databasePath: "\(home)/data/staking.db")  // SQLite, resumed
/// let scratch = StakingApplication()                                                   // in memory
/// ```
///
/// ## Genesis: `app_state`
///
/// InitChain reads `app_state` from genesis.json:
///
/// ```json
/// {
///   "params": { "slash_fraction_bps": "500", "jail_period_blocks": "100" },
///   "accounts": [ { "address": "<40 hex digits>", "balance": "1000000" } ],
///   "validator_owners": { "<validator address, 40 hex>": "<owner address, 40 hex>" }
/// }
/// ```
///
/// - Every field is optional; an empty `app_state` means no accounts and the default params (5%, 100
///   blocks). Integers may be JSON numbers or decimal strings.
/// - `slash_fraction_bps`: the part of a double-signer's bonded stake that is burned, in basis
///   points (0 to 10000). `jail_period_blocks`: how long it stays jailed (0 to 2^40).
/// - **Genesis validators become bonded stake.** Each validator of genesis.json keeps its power,
///   which becomes stake bonded by its owner: the account `validator_owners` names for it, or else
///   the validator key's own address, so the operator signs staking transactions with the key in
///   `priv_validator_key.json`. Each owner gets an account (balance 0 unless listed). Bonded genesis
///   stake is supply on top of the listed balances.
/// - The total supply (balances plus genesis stake) must not exceed `Int64.max / 8`, CometBFT's cap
///   on total voting power; after genesis it only shrinks (slashing burns), so no sum can overflow.
/// - A bad `app_state` fails InitChain with the field at fault (`genesis app_state.accounts[2].address:
///   ...`), which halts the node before block 1.
///
/// ## Transactions
///
/// A transaction is a tagged binary with fixed-size fields (integers big-endian), so each has exactly
/// one encoding and signing needs no canonical JSON:
///
/// | bytes | field |
/// |---|---|
/// | 1 | version, `1` |
/// | 1 | action: `1` transfer, `2` bond, `3` unbond, `4` unjail |
/// | 32 | signer's Ed25519 public key (the account is its address) |
/// | 8 | nonce |
/// | ... | payload: transfer = recipient address (20) + amount (8); bond = validator public key (32) + amount (8); unbond = amount (8); unjail = nothing |
/// | 64 | Ed25519 signature |
///
/// The signature covers `uvarint(len(chain_id)) ‖ chain_id ‖ every byte before the signature`.
/// Amounts are 1 to `Int64.max`. `StakingTx.signed(_:nonce:by:chainID:)` builds one; `.encoded` is
/// what `broadcast_tx_*` takes.
///
/// - **transfer(to, amount)** moves tokens; the recipient's account is created if needed.
/// - **bond(validator key, amount)** moves tokens from the balance to the validator's stake. The
///   first bond to a key makes the signer its owner; only the owner may bond to it later; an account
///   owns at most one validator. There is no delegation.
/// - **unbond(amount)** moves stake of the signer's validator back to the balance, at once. (A
///   production chain keeps unbonded stake locked for an unbonding period, so evidence that arrives
///   later can still slash it; this app does not, to stay small.) A validator with no stake and no
///   jail term left is forgotten.
/// - **unjail** lifts the signer's validator out of jail once the jail term is served.
///
/// Replay protection: each account has a nonce, the count of its executed transactions; a
/// transaction must carry exactly its signer's current nonce. Only accounts that exist (listed at
/// genesis or having received tokens) may send.
///
/// ### CheckTx and FinalizeBlock
///
/// Result codes: `0` ok, `1` malformed, `2` bad signature (or another chain's), `3` wrong nonce, `4`
/// unknown account, `5` insufficient balance or stake, `6` not allowed (another owner's validator, a
/// second validator, unjail too early or when not jailed). The log says what is wrong.
///
/// - CheckTx admits a transaction only if it would succeed, checked against the committed state plus
///   the transactions the mempool already admitted (so one account can queue nonces n, n+1, ...);
///   after each commit that view restarts from the new committed state and the node rechecks.
/// - FinalizeBlock first applies the block's misbehavior, then the transactions in block order. A
///   transaction that fails to authenticate (codes 1 to 4) changes nothing. One that authenticates but
///   cannot be carried out (5, 6) still uses its nonce: a signed transaction runs at most once, and
///   cannot succeed later by surprise.
/// - Events (all attributes indexed): `transfer` (`sender`, `recipient`, `amount`), `bond` and
///   `unbond` (`validator`, `owner`, `amount`), `unjail` (`validator`, `owner`) on transactions;
///   `slash` (`validator`, `amount`, `reason`) and `jail` (`validator`, `until`) on the block.
///   Addresses are upper-case hex, as CometBFT prints them.
///
/// ## Voting power and validator updates
///
/// A validator's power is its bonded stake, or 0 while jailed. FinalizeBlock returns one update for
/// each validator whose power differs from the last committed state, sorted by address (so a bond and
/// an unbond in one block cancel out, and a key the node never had is never removed). The node applies
/// them at height H+2.
///
/// ## Misbehavior
///
/// - `DUPLICATE_VOTE`: `floor(bonded × slash_fraction_bps / 10000)` of the validator's stake is
///   burned and it is jailed until `height + jail_period_blocks` (power 0). More evidence against a
///   validator already in jail is ignored: it is already being punished, and cannot sign meanwhile.
/// - `LIGHT_CLIENT_ATTACK` is ignored: the evidence names the validators of a conflicting header,
///   which this app cannot tell apart from honest ones without keeping header history.
/// - Nothing stops slashing from jailing the last validator; a one-validator chain that double-signs
///   halts, as it should.
///
/// ## State, app hash, persistence and queries
///
/// The app hash is the RFC 6962 merkle root of the sorted state (`StakingState.appHash` documents the
/// leaves): accounts by address, then validators by address, then one leaf with the burned total and
/// the params. The state is saved to SQLite (WAL, `synchronous = FULL`) at `commit`, one transaction
/// per block; on restart `info` reports the last committed height and app hash and the node replays
/// the blocks after it. InitChain alone saves nothing: a node stopped before block 1 redoes InitChain.
///
/// `abci_query` paths (data ignored), answered as JSON with int64 as strings:
/// `/account/<hex address>` → `{"address","balance","nonce"}`;
/// `/validator/<hex address>` → `{"address","bonded","jailed","jailed_until","owner","power","pub_key"}`;
/// `/supply` → `{"bonded","burned","liquid","total"}`. Code 1: not found; code 2: bad path.
public enum StakingGuide {}
