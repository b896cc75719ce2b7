"""A key-value store ABCI 2.0 app written on pyABCI (PyPI), a third-party Python implementation of
CometBFT v0.38's ABCI socket protocol. Palisade's interop tests drive it with ABCISocketClient.

Usage: python kvstore_app.py PORT   (0 picks a free port; the chosen port is printed as the
first line of standard output). Transactions are `key=value`; anything else fails CheckTx with
code 1. The app hash is SHA-256 over the sorted committed pairs.
"""
import asyncio
import hashlib
import logging
import sys

from abci.abc import Application, ConsensusHandler, InfoHandler, MempoolHandler, StateSyncHandler
from abci.server import Server
from abci.types import (
    ExecTxResult, ProposalStatus, ResponseApplySnapshotChunk, ResponseCheckTx, ResponseCommit,
    ResponseExtendVote, ResponseFinalizeBlock, ResponseInfo, ResponseInitChain, ResponseListSnapshots,
    ResponseLoadSnapshotChunk, ResponseOfferSnapshot, ResponsePrepareProposal, ResponseProcessProposal,
    ResponseQuery, ResponseVerifyVoteExtension, VerifyStatus,
)


def state_hash(pairs):
    digest = hashlib.sha256()
    for key in sorted(pairs):
        digest.update(len(key).to_bytes(4, "big") + key + len(pairs[key]).to_bytes(4, "big") + pairs[key])
    return digest.digest()


class KVStore(Application, ConsensusHandler, InfoHandler, MempoolHandler, StateSyncHandler):
    def __init__(self):
        self.committed = {}
        self.pending = {}
        self.height = 0
        self.pending_height = 0
        self.app_hash = b""

    @property
    def logger(self):
        return logging.getLogger("kvstore")

    @property
    def handlers(self):
        return self

    async def info(self, req):
        return ResponseInfo(data="pyabci-kvstore", version="1.0.0", app_version=1,
                            last_block_height=self.height, last_block_app_hash=self.app_hash)

    async def query(self, req):
        value = self.committed.get(req.data)
        if value is None:
            return ResponseQuery(code=0, log="does not exist", key=req.data, value=b"", height=self.height)
        return ResponseQuery(code=0, log="exists", key=req.data, value=value, height=self.height)

    async def check_tx(self, req):
        if b"=" not in req.tx or req.tx.startswith(b"="):
            return ResponseCheckTx(code=1, log="want key=value")
        return ResponseCheckTx(code=0, gas_wanted=1)

    async def init_chain(self, req):
        return ResponseInitChain(app_hash=state_hash(self.committed), validators=[])

    async def prepare_proposal(self, req):
        return ResponsePrepareProposal(txs=[tx for tx in req.txs if b"=" in tx])

    async def process_proposal(self, req):
        ok = all(b"=" in tx for tx in req.txs)
        return ResponseProcessProposal(status=ProposalStatus.ACCEPT if ok else ProposalStatus.REJECT)

    async def extend_vote(self, req):
        return ResponseExtendVote()

    async def verify_vote_extension(self, req):
        return ResponseVerifyVoteExtension(status=VerifyStatus.ACCEPT)

    async def finalize_block(self, req):
        self.pending = dict(self.committed)
        results = []
        for tx in req.txs:
            key, sep, value = tx.partition(b"=")
            if not sep or not key:
                results.append(ExecTxResult(code=1, log="want key=value"))
                continue
            self.pending[key] = value
            results.append(ExecTxResult(code=0))
        self.pending_height = req.height
        return ResponseFinalizeBlock(tx_results=results, app_hash=state_hash(self.pending))

    async def commit(self, req):
        self.committed = self.pending
        self.height = self.pending_height
        self.app_hash = state_hash(self.committed)
        return ResponseCommit()

    async def list_snapshots(self, req):
        return ResponseListSnapshots()

    async def offer_snapshot(self, req):
        return ResponseOfferSnapshot()

    async def load_snapshot_chunk(self, req):
        return ResponseLoadSnapshotChunk()

    async def apply_snapshot_chunk(self, req):
        return ResponseApplySnapshotChunk()


async def main(port):
    server = Server(KVStore())
    await server.start("127.0.0.1", port)
    # pyABCI logs the port it was given; with 0 the real one is on the listening socket.
    print(server._server.sockets[0].getsockname()[1], flush=True)
    await server


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main(int(sys.argv[1])))
