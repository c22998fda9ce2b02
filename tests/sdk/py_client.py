"""Drives a tgmcp server with the official MCP Python SDK (tests/it/sdk.rs runs it).

Usage: py_client.py MODE CASES_JSON (--stdio COMMAND [ARG ...] | --http URL TOKEN)

MODE is the SDK's connect mode: "legacy" (initialize, 2025-11-25) or "2026-07-28"
(server/discover, no initialize). CASES_JSON is a list of [tool, arguments]. Every tool
is called; the SDK validates each result against the tool's output schema (it raises on
a mismatch). Any warning the SDK logs or raises fails the run. One JSON object on stdout:
the protocol version, the tools listed, and per call its outcome and validation time.
"""

import asyncio
import json
import logging
import sys
import time
import warnings


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}")


async def main():
    mode, cases = sys.argv[1], json.loads(sys.argv[2])
    transport_kind, rest = sys.argv[3], sys.argv[4:]
    collected = Collect()
    logging.getLogger().addHandler(collected)
    warnings.simplefilter("error")

    from mcp import Client, StdioServerParameters
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    if transport_kind == "--stdio":
        import os

        server = StdioServerParameters(command=rest[0], args=rest[1:], env=dict(os.environ))
    else:
        url, token = rest
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        server = streamable_http_client(url, http_client=http)

    report = {"calls": [], "warnings": []}
    async with Client(server, mode=mode) as client:
        report["protocol_version"] = client.protocol_version
        tools = await client.list_tools()
        report["tools"] = sorted(tool.name for tool in tools.tools)
        session = client.session
        sent = None
        for name, arguments in cases:
            # "$sent": the id of the message the last send_message sent.
            arguments = {k: (sent if v == "$sent" else v) for k, v in arguments.items()}
            started = time.perf_counter()
            result = await client.call_tool(name, arguments)
            elapsed = time.perf_counter() - started
            # The same validation the SDK ran inside call_tool, timed on its own (the
            # compiled validator is cached after the first call).
            validation = None
            if not result.is_error:
                runs = 20
                t0 = time.perf_counter()
                for _ in range(runs):
                    await session.validate_tool_result(name, result)
                validation = (time.perf_counter() - t0) / runs
            if not result.is_error and result.structured_content and "message_ids" in result.structured_content:
                sent = result.structured_content["message_ids"][0]
            report["calls"].append(
                {
                    "tool": name,
                    "is_error": bool(result.is_error),
                    "structured": result.structured_content is not None,
                    "text": "\n".join(c.text for c in result.content if getattr(c, "text", None)),
                    "ms": elapsed * 1000,
                    "validation_ms": None if validation is None else validation * 1000,
                }
            )
    report["warnings"] = collected.records
    print(json.dumps(report))


asyncio.run(main())
