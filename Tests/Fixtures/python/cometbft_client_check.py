"""Reads a running Palisade node through a third-party CometBFT RPC client from PyPI.

The client is typed-dydx's `chain.comet` (pinned in rpc-tools-requirements.txt): an async
CometBFT 0.38 JSON-RPC-over-HTTP client that validates every result against its own typed
schemas (pydantic), so a missing field, a wrong type or an unexpected null fails here the way it
would fail for its users. It has status, block, block_results, tx, tx_search and abci_query;
block_search goes through the same client transport and is validated against the client's own
`BlockResponse` schema (it has no block_search method of its own).

Usage: python cometbft_client_check.py http://127.0.0.1:PORT [TX_COUNT]
Broadcasts TX_COUNT kvstore transactions (JSON-RPC POST, plain urllib: sending is not the
client's job), waits until the client finds each one by hash, then reads everything back.
Prints one JSON summary line on success; exits 1 with the reason on the first failure.
"""

import asyncio
import base64
import hashlib
import json
import sys
import urllib.request
import uuid

from typing_extensions import TypedDict
from typed_core.http import HttpClient
from typed_dydx.chain.comet import Comet
from typed_dydx.chain.comet.core import CometClient
from typed_dydx.chain.comet.schemas import BlockResponse


class BlockSearchResponse(TypedDict):
    blocks: list[BlockResponse]
    total_count: int


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def broadcast(url, tx):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync",
                       "params": {"tx": base64.b64encode(tx).decode()}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        reply = json.load(response)
    expect("result" in reply, f"broadcast_tx_sync failed: {reply}")
    expect(reply["result"]["code"] == 0, f"broadcast_tx_sync rejected the tx: {reply['result']}")
    return reply["result"]["hash"]


async def wait_for_tx(comet, tx_hash, attempts=1200):
    """The tx by hash once it is committed and indexed (bounded: 1200 tries, 0.1 s apart)."""
    last_error = None
    for _ in range(attempts):
        try:
            return await comet.tx("0x" + tx_hash)
        except Exception as error:  # not yet committed: CometBFT answers with an RPC error
            last_error = error
            await asyncio.sleep(0.1)
    raise CheckFailed(f"tx {tx_hash} never became readable by hash: {last_error!r}")


async def run(url, count):
    run_id = uuid.uuid4().hex[:8]
    txs = [f"tpc-{run_id}-{i}=value-{i}".encode() for i in range(count)]
    hashes = [broadcast(url, tx) for tx in txs]
    for tx, tx_hash in zip(txs, hashes):
        expect(tx_hash == hashlib.sha256(tx).hexdigest().upper(), f"broadcast hash {tx_hash} is not SHA-256(tx)")

    async with Comet(client=CometClient(base_url=url, http=HttpClient(timeout=30.0))) as comet:
        found = [await wait_for_tx(comet, tx_hash) for tx_hash in hashes]
        heights = set()
        for tx, tx_hash, result in zip(txs, hashes, found):
            expect(result["hash"] == tx_hash, f"tx {tx_hash}: hash {result['hash']}")
            expect(base64.b64decode(result["tx"]) == tx, f"tx {tx_hash}: bytes differ")
            expect(result["tx_result"].get("code", 0) == 0, f"tx {tx_hash}: code {result['tx_result']}")
            heights.add(int(result["height"]))
        proven = await comet.tx("0x" + hashes[0], prove=True)
        expect("proof" in proven and proven["proof"].get("root_hash"), f"tx prove=true has no proof: {proven}")

        status = await comet.status()
        latest = int(status["sync_info"]["latest_block_height"])
        expect(latest >= max(heights), f"status height {latest} below a committed tx height {max(heights)}")
        expect(status["node_info"]["network"], "status has no network")

        for height in sorted(heights) + [1, latest]:
            block = await comet.block(height)
            expect(int(block["block"]["header"]["height"]) == height, f"block {height}: header height")
            results = await comet.block_results(height)
            expect(int(results["height"]) == height, f"block_results {height}: height {results.get('height')}")
        for height in sorted(heights):
            block = await comet.block(height)
            in_block = {base64.b64decode(tx) for tx in block["block"]["data"]["txs"]}
            expect(any(tx in in_block for tx in txs), f"block {height} holds none of the broadcast txs")
        latest_block = await comet.block()
        expect(int(latest_block["block"]["header"]["height"]) >= latest, "latest block below status height")

        by_key = await comet.tx_search(f"app.key = 'tpc-{run_id}-0'")
        expect(int(by_key["total_count"]) == 1, f"tx_search by key: {by_key['total_count']}")
        per_height = 0
        for height in sorted(heights):
            search = await comet.tx_search(f"tx.height = {height}", per_page=100, order_by="asc")
            per_height += sum(1 for item in search["txs"] if item["hash"] in hashes)
        expect(per_height == count, f"tx_search by height found {per_height} of {count}")
        paged = await comet.tx_search_paged("tx.height >= 1", per_page=2)
        expect(len(paged) >= count, f"paged tx_search found {len(paged)} txs")

        blocks = await comet.request({"query": f"block.height <= {latest}", "per_page": 5, "order_by": "desc"},
                                     path="/block_search", meta={"json_string_params": ["query", "order_by"]},
                                     request_type=dict, response_type=BlockSearchResponse)
        expect(int(blocks["total_count"]) >= latest - 1 and len(blocks["blocks"]) == 5,
               f"block_search: total {blocks['total_count']}, {len(blocks['blocks'])} on the page")

        query = await comet.abci_query(path="", data="0x" + f"tpc-{run_id}-0".encode().hex())
        expect(base64.b64decode(query["response"]["value"]) == b"value-0", f"abci_query: {query}")

    print(json.dumps({"txs": count, "heights": sorted(heights), "latest": latest,
                      "block_search_total": int(blocks["total_count"])}))


def main():
    url = sys.argv[1].rstrip("/")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    try:
        asyncio.run(run(url, count))
    except CheckFailed as failure:
        print(f"check failed: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
