"""Drives tgmcp's resources, prompts, completions and progress with the official MCP
Python SDK, and (under 2026-07-28) a `subscriptions/listen` stream (tests/it/sdk.rs
runs it).

Usage: py_features.py MODE LISTEN_URI --stdio COMMAND [ARG ...]

MODE is the SDK's connect mode: "legacy" (initialize, 2025-11-25) or "2026-07-28".
LISTEN_URI ("" for none) is a tg://chat/{chat}/messages resource to listen to under
2026-07-28: once the stream is acknowledged the script prints {"listening": true} and
collects the events that arrive until 3 s pass without one. Any warning the SDK logs or
raises fails the run. The last line on stdout is the report, one JSON object.
"""

import asyncio
import json
import logging
import os
import sys
import warnings


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}")


def text_of(contents):
    return [json.loads(c.text) for c in contents]


async def main():
    mode, listen_uri, transport_kind, rest = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    assert transport_kind == "--stdio", transport_kind
    collected = Collect()
    logging.getLogger().addHandler(collected)
    warnings.simplefilter("error")

    import anyio
    from mcp import Client, StdioServerParameters
    from mcp_types import PromptReference, ResourceTemplateReference

    server = StdioServerParameters(command=rest[0], args=rest[1:], env=dict(os.environ))
    report = {}
    async with Client(server, mode=mode) as client:
        report["protocol_version"] = client.protocol_version
        resources = await client.list_resources()
        report["resources"] = [r.uri for r in resources.resources]
        templates = await client.list_resource_templates()
        report["templates"] = [t.uri_template for t in templates.resource_templates]
        reads = {}
        for uri in report["resources"] + ["tg://chat/@bob_builder", "tg://chat/@rust_berlin/messages"]:
            result = await client.read_resource(uri)
            reads[uri] = text_of(result.contents)[0]
        report["reads"] = reads

        prompts = await client.list_prompts()
        report["prompts"] = [p.name for p in prompts.prompts]
        got = {}
        for name, arguments in [
            ("catch_up", None),
            ("summarize_chat", {"chat": "@rust_berlin", "since": "7d"}),
            ("draft_reply", {"chat": "@bob_builder", "message": "1"}),
        ]:
            prompt = await client.get_prompt(name, arguments)
            got[name] = " ".join(m.content.text for m in prompt.messages)
        report["prompt_texts"] = got

        completed = await client.complete(PromptReference(name="summarize_chat"), {"name": "chat", "value": "bo"})
        report["complete_prompt"] = completed.completion.values
        completed = await client.complete(
            ResourceTemplateReference(uri="tg://chat/{chat}/messages"), {"name": "chat", "value": "rust"}
        )
        report["complete_template"] = completed.completion.values

        progress = []

        async def on_progress(done, total, message):
            progress.append({"progress": done, "total": total, "message": message})

        result = await client.call_tool(
            "search_messages_globally", {"query": "rust, invoice, meeting"}, progress_callback=on_progress
        )
        report["search_is_error"] = bool(result.is_error)
        report["progress"] = progress

        if listen_uri:
            events = []
            async with client.listen(resource_subscriptions=[listen_uri]) as subscription:
                report["honored"] = list(subscription.honored.resource_subscriptions or [])
                print(json.dumps({"listening": True}), flush=True)
                events_iter = subscription.__aiter__()
                while True:
                    with anyio.move_on_after(3 if events else 60) as scope:
                        event = await events_iter.__anext__()
                        events.append(getattr(event, "uri", repr(event)))
                    if scope.cancelled_caught:
                        break
            report["events"] = events
    report["warnings"] = collected.records
    print(json.dumps(report), flush=True)


asyncio.run(main())
