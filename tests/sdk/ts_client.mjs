// Drives a tgmcp server with the official MCP TypeScript SDK (tests/it/sdk.rs runs it).
//
// Usage: node ts_client.mjs CASES_JSON (--stdio COMMAND [ARG ...] | --http URL TOKEN)
//
// CASES_JSON is a list of [tool, arguments]. Every tool is called; the SDK validates each
// result's structuredContent against the tool's output schema with AJV (it throws on a
// mismatch), and AJV's warnings (unknown formats, strict-mode notes) go to console.warn,
// which is collected: any warning fails the run. One JSON object on stdout.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const warnings = [];
for (const level of ["warn", "error"]) {
  console[level] = (...args) => warnings.push(`${level}: ${args.map(String).join(" ")}`);
}
process.on("warning", (w) => warnings.push(`process: ${w.name}: ${w.message}`));

const [casesJson, kind, ...rest] = process.argv.slice(2);
const cases = JSON.parse(casesJson);
const transport =
  kind === "--stdio"
    ? new StdioClientTransport({ command: rest[0], args: rest.slice(1), env: process.env, stderr: "ignore" })
    : new StreamableHTTPClientTransport(new URL(rest[0]), {
        requestInit: { headers: { Authorization: `Bearer ${rest[1]}` } },
      });

const client = new Client({ name: "tgmcp-sdk-test", version: "1" });
await client.connect(transport);
const report = { protocol_version: transport.protocolVersion ?? null, calls: [] };
const { tools } = await client.listTools();
report.tools = tools.map((t) => t.name).sort();
let sent = null;
for (const [name, given] of cases) {
  // "$sent": the id of the message the last send_message sent.
  const args = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === "$sent" ? sent : v]));
  const started = performance.now();
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError && result.structuredContent?.message_ids) sent = result.structuredContent.message_ids[0];
  report.calls.push({
    tool: name,
    is_error: Boolean(result.isError),
    structured: result.structuredContent !== undefined,
    text: result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n"),
    ms: performance.now() - started,
  });
}
await client.close();
report.warnings = warnings;
process.stdout.write(JSON.stringify(report) + "\n");
