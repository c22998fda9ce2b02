// Drives tgmcp's resources, prompts, completions and progress with the official MCP
// TypeScript SDK (tests/it/sdk.rs runs it).
//
// Usage: node ts_features.mjs --upload FILE --stdio COMMAND [ARG ...]
//
// Progress is read from an upload of FILE whose parts the sandbox answers slowly: the SDK
// drops a progress notification it reads in the same chunk as the result
// (modelcontextprotocol/typescript-sdk#2580), so the notifications worth checking here
// must arrive well before it. tests/it/progress.rs checks the order on the wire.
//
// Any warning the SDK prints fails the run. One JSON object on stdout.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";

const warnings = [];
for (const level of ["warn", "error"]) {
  console[level] = (...args) => warnings.push(`${level}: ${args.map(String).join(" ")}`);
}
process.on("warning", (w) => warnings.push(`process: ${w.name}: ${w.message}`));

const [uploadFlag, upload, kind, ...rest] = process.argv.slice(2);
if (uploadFlag !== "--upload") throw new Error("usage: --upload FILE --stdio COMMAND [ARG ...]");
if (kind !== "--stdio") throw new Error(`unknown transport ${kind}`);
const transport = new StdioClientTransport({ command: rest[0], args: rest.slice(1), env: process.env, stderr: "ignore" });
const client = new Client({ name: "tgmcp-sdk-features", version: "1" });
await client.connect(transport);
const report = { protocol_version: transport.protocolVersion ?? null };

report.resources = (await client.listResources()).resources.map((r) => r.uri);
report.templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
report.reads = {};
for (const uri of [...report.resources, "tg://chat/@bob_builder", "tg://chat/@rust_berlin/messages"]) {
  const read = await client.readResource({ uri });
  report.reads[uri] = JSON.parse(read.contents[0].text);
}
report.prompts = (await client.listPrompts()).prompts.map((p) => p.name);
report.prompt_texts = {};
for (const [name, args] of [
  ["catch_up", {}],
  ["summarize_chat", { chat: "@rust_berlin", since: "7d" }],
  ["draft_reply", { chat: "@bob_builder", message: "1" }],
]) {
  const prompt = await client.getPrompt({ name, arguments: args });
  report.prompt_texts[name] = prompt.messages.map((m) => m.content.text).join(" ");
}
report.complete_prompt = (
  await client.complete({ ref: { type: "ref/prompt", name: "summarize_chat" }, argument: { name: "chat", value: "bo" } })
).completion.values;
report.complete_template = (
  await client.complete({
    ref: { type: "ref/resource", uri: "tg://chat/{chat}/messages" },
    argument: { name: "chat", value: "rust" },
  })
).completion.values;

const search = await client.callTool(
  { name: "search_messages_globally", arguments: { query: "rust, invoice, meeting" } },
  CallToolResultSchema,
  { onprogress: () => {} },
);
report.search_is_error = Boolean(search.isError);

report.progress = [];
const sent = await client.callTool(
  { name: "send_message", arguments: { chat_id: "me", message: "with progress", files: upload } },
  CallToolResultSchema,
  {
    onprogress: (p) =>
      report.progress.push({ progress: p.progress, total: p.total ?? null, message: p.message ?? null }),
  },
);
report.upload_is_error = Boolean(sent.isError);
report.upload_result = sent.isError ? sent.content : null;
await client.close();
report.warnings = warnings;
process.stdout.write(JSON.stringify(report) + "\n");
