"""Schemathesis hooks for fuzzing Palisade's JSON-RPC with CometBFT's OpenAPI description.

Loaded through SCHEMATHESIS_HOOKS=schemathesis_hooks (this folder on PYTHONPATH); the checks and
per-operation exclusions are in schemathesis.toml beside it.

1. `cometbft_server_error` replaces schemathesis' `not_a_server_error`. CometBFT answers every
   failed URI call with HTTP 500 and a JSON-RPC error body (bad parameters included), and the
   spec documents exactly that (`"500": ErrorResponse` on every operation), so a 500 by itself
   is not a server failure. A server failure is: any 5xx other than 500; a 500 whose body is not
   a JSON-RPC 2.0 error envelope with id -1; an error code outside CometBFT's set; or an
   "Internal error" (-32603) whose `data` is not one of the input-caused messages CometBFT
   itself sends (EXPECTED_INTERNAL below). An unexpected -32603 text means a handler threw
   something nobody planned for: that is the bug this check exists to find. Crashes show up as
   connection errors, which schemathesis always reports.

2. `before_load_schema` corrects the one definition that is wrong for every operation: the
   spec's `ErrorResponse` types `error` as a string, while CometBFT 0.38 (and Palisade) send the
   JSON-RPC error object {code, message, data}. Without this, every documented error response
   would "violate the schema". Operation-specific spec errors are not patched here: their
   response checks are switched off per operation in schemathesis.toml, each with its reason.
"""

import json
import re

import schemathesis

# Input-caused -32603 texts, as CometBFT 0.38 words them (Palisade sends the same).
EXPECTED_INTERNAL = [
    r"^height -?\d+ must be less than or equal to the current blockchain height \d+$",
    r"^height -?\d+ is not available, lowest height is \d+$",
    r"^height must be greater than 0, but got -?\d+$",
    r"^heights must be non-negative$",
    r"^min height \d+ can't be greater than max height \d+$",
    r"^page should be within \[1, (\d+|N)\] range, given -?\d+$",
    r"^maximum query length exceeded$",
    r"^failed to parse query: ",
    r"^offset \d+: ",  # the query language's syntax errors (tx_search, block_search)
    r"^expected order_by to be either `asc` or `desc` or empty$",
    r"^tx \([0-9A-F]*\) not found$",
    r"^there are \d+ chunks, -?\d+ is invalid$",
    r"^timed out waiting for tx to be included in a block$",
    r"^tx already exists in cache$",
    r"^tx too large\. Max size is \d+, but got \d+$",
    r"^mempool is full: ",
    r"^CheckTx failed: ",
    r"^failed to add evidence: ",  # broadcast_evidence: evidence that does not verify
]
# Codes CometBFT's server uses (types.go): parse, invalid request, method, params, internal, server.
CLIENT_CODES = {-32700, -32600, -32601, -32602}
INTERNAL = -32603


@schemathesis.hook
def before_load_schema(context, raw_schema):
    error_response = raw_schema["components"]["schemas"]["ErrorResponse"]
    error_response["allOf"][1]["properties"]["error"] = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}, "data": {"type": "string"}},
    }


@schemathesis.check
def cometbft_server_error(ctx, response, case):
    """A 5xx that is not CometBFT's documented JSON-RPC error answer to bad input."""
    status = response.status_code
    if status < 500:
        return None
    if status != 500:
        raise AssertionError(f"HTTP {status}: CometBFT only ever answers 200 or 500 on an RPC route")
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"HTTP 500 without a JSON body: {response.content[:200]!r}")
    error = body.get("error") if isinstance(body, dict) else None
    if body.get("jsonrpc") != "2.0" or body.get("id") != -1 or not isinstance(error, dict):
        raise AssertionError(f"HTTP 500 without a JSON-RPC 2.0 error envelope (id -1): {body}")
    code, data = error.get("code"), str(error.get("data", ""))
    if code in CLIENT_CODES:
        return None
    if code == INTERNAL and any(re.match(pattern, data) for pattern in EXPECTED_INTERNAL):
        return None
    raise AssertionError(f"server failure: error {code} {error.get('message')!r} with data {data!r}")
