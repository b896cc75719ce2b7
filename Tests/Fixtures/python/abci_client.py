"""A CometBFT-style ABCI client built from pyABCI's (PyPI) protobuf message classes, to check that
Palisade's ABCISocketServer speaks CometBFT v0.38's wire format to a third-party implementation.

Usage: python abci_client.py HOST PORT KEY1 KEY2 ADDR1 ADDR2   (keys and addresses in hex)

Opens the four connections CometBFT opens, sends every ABCI 2.0 request on its connection, each
followed by a Flush, and prints one JSON line per request: the request name, the response name
pyABCI decoded, and the response's raw bytes (hex) for the Swift test to compare field by field.
Exits 1 with a message on anything unexpected.
"""
import json
import socket
import sys
from io import BytesIO

from pure_protobuf.io.varint import read_unsigned_varint, write_unsigned_varint

from abci.proto.google.protobuf import Duration
from abci.types import (
    ABCIParams, BlockIDFlag, BlockParams, CheckTxType, CommitInfo, ConsensusParams, EvidenceParams,
    ExtendedCommitInfo, ExtendedVoteInfo, Misbehavior, MisbehaviorType, PublicKey, Request, RequestApplySnapshotChunk,
    RequestCheckTx, RequestCommit, RequestEcho, RequestExtendVote, RequestFinalizeBlock, RequestFlush, RequestInfo,
    RequestInitChain, RequestListSnapshots, RequestLoadSnapshotChunk, RequestOfferSnapshot, RequestPrepareProposal,
    RequestProcessProposal, RequestQuery, RequestVerifyVoteExtension, Response, Snapshot, Timestamp, Validator,
    ValidatorParams, ValidatorUpdate, VersionParams, VoteInfo,
)


def fail(message):
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


class Connection:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=20)
        self.buffer = b""

    def send(self, request):
        body = request.dumps()
        out = BytesIO()
        write_unsigned_varint(len(body), out)
        self.sock.sendall(out.getvalue() + body)

    def receive(self):
        while True:
            if self.buffer:
                stream = BytesIO(self.buffer)
                try:
                    size = read_unsigned_varint(stream)
                except Exception:
                    size = None
                if size is not None and len(self.buffer) >= stream.tell() + size:
                    start = stream.tell()
                    body = self.buffer[start:start + size]
                    self.buffer = self.buffer[start + size:]
                    return body
            chunk = self.sock.recv(65536)
            if not chunk:
                fail("server closed the connection")
            self.buffer += chunk


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    key1, key2, addr1, addr2 = (bytes.fromhex(a) for a in sys.argv[3:7])
    block_hash, vals_hash = b"\xab" * 32, b"\xcd" * 32
    time = Timestamp(seconds=1_700_000_000, nanos=123_456_789)
    params = ConsensusParams(
        block=BlockParams(max_bytes=1000, max_gas=50_000),
        evidence=EvidenceParams(max_age_num_blocks=100_000, max_age_duration=Duration(seconds=172_800, nanos=0),
                                max_bytes=1_048_576),
        validator=ValidatorParams(pub_key_types=["ed25519"]),
        version=VersionParams(app=0),
        abci=ABCIParams(vote_extensions_enable_height=0))
    updates = [ValidatorUpdate(pub_key=PublicKey(ed25519=key1), power=3),
               ValidatorUpdate(pub_key=PublicKey(ed25519=key2), power=0)]
    commit_info = CommitInfo(round=2, votes=[
        VoteInfo(validator=Validator(address=addr1, power=10), block_id_flag=BlockIDFlag.BLOCK_ID_FLAG_COMMIT),
        VoteInfo(validator=Validator(address=addr2, power=5), block_id_flag=BlockIDFlag.BLOCK_ID_FLAG_NIL)])
    extended_commit_info = ExtendedCommitInfo(round=1, votes=[
        ExtendedVoteInfo(validator=Validator(address=addr1, power=10), vote_extension=b"\x01\x02",
                         extension_signature=b"\x03\x04", block_id_flag=BlockIDFlag.BLOCK_ID_FLAG_COMMIT),
        ExtendedVoteInfo(validator=Validator(address=addr2, power=5), block_id_flag=BlockIDFlag.BLOCK_ID_FLAG_ABSENT)])
    misbehavior = [
        Misbehavior(type=MisbehaviorType.DUPLICATE_VOTE, validator=Validator(address=addr1, power=10), height=7,
                    time=time, total_voting_power=15),
        Misbehavior(type=MisbehaviorType.LIGHT_CLIENT_ATTACK, validator=Validator(address=addr2, power=5), height=6,
                    time=time, total_voting_power=15)]

    calls = [
        ("query", Request(echo=RequestEcho(message="hello"))),
        ("query", Request(info=RequestInfo(version="0.38.0", block_version=11, p2p_version=8, abci_version="2.0.0"))),
        ("consensus", Request(init_chain=RequestInitChain(time=time, chain_id="test-chain", consensus_params=params,
                                                          validators=updates, app_state_bytes=b"{}", initial_height=5))),
        ("query", Request(query=RequestQuery(data=b"\x01", path="/key", height=4, prove=True))),
        ("mempool", Request(check_tx=RequestCheckTx(tx=b"a", type=CheckTxType.RECHECK))),
        ("consensus", Request(commit=RequestCommit())),
        ("snapshot", Request(list_snapshots=RequestListSnapshots())),
        ("snapshot", Request(offer_snapshot=RequestOfferSnapshot(
            snapshot=Snapshot(height=40, format=2, chunks=3, hash=b"\x09\x09", metadata=b"\x07"), app_hash=block_hash))),
        ("snapshot", Request(load_snapshot_chunk=RequestLoadSnapshotChunk(height=40, format=2, chunks=1))),
        ("snapshot", Request(apply_snapshot_chunk=RequestApplySnapshotChunk(index=1, chunk=b"\x05\x06", sender="peer"))),
        ("consensus", Request(prepare_proposal=RequestPrepareProposal(
            max_tx_bytes=100, txs=[b"\x01", b"\x02\x03"], local_last_commit=extended_commit_info,
            misbehavior=misbehavior, height=8, time=time, next_validators_hash=vals_hash, proposer_address=addr1))),
        ("consensus", Request(process_proposal=RequestProcessProposal(
            txs=[b"\x01"], proposed_last_commit=commit_info, misbehavior=misbehavior, hash=block_hash, height=8,
            time=time, next_validators_hash=vals_hash, proposer_address=addr2))),
        ("consensus", Request(extend_vote=RequestExtendVote(
            hash=block_hash, height=8, time=time, txs=[b"\x04"], proposed_last_commit=commit_info,
            misbehavior=misbehavior, next_validators_hash=vals_hash, proposer_address=addr1))),
        ("consensus", Request(verify_vote_extension=RequestVerifyVoteExtension(
            hash=block_hash, validator_address=addr2, height=8, vote_extension=b"\x08"))),
        ("consensus", Request(finalize_block=RequestFinalizeBlock(
            txs=[b"\x01", b"\x02"], decided_last_commit=commit_info, misbehavior=misbehavior, hash=block_hash,
            height=8, time=time, next_validators_hash=vals_hash, proposer_address=addr1))),
    ]

    connections = {name: Connection(host, port) for name in ("consensus", "mempool", "query", "snapshot")}
    for name, request in calls:
        connection = connections[name]
        connection.send(request)
        connection.send(Request(flush=RequestFlush()))
        raw = connection.receive()
        try:
            response = Response.loads(raw)
        except Exception as error:
            fail(f"pyABCI cannot decode the {request.which_one()} response: {error!r} (bytes {raw.hex()})")
        flush = Response.loads(connection.receive())
        if flush.which_one() != "flush":
            fail(f"want a flush response after {request.which_one()}, got {flush.which_one()}")
        print(json.dumps({"request": request.which_one(), "response": response.which_one(), "raw": raw.hex()}),
              flush=True)


if __name__ == "__main__":
    main()
