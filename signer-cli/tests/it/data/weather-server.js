#!/usr/bin/env node
// A minimal MCP stdio server with no dependencies, for mcp-sign's tests.
const readline = require("readline");
const tools = [
  { name: "forecast", description: "Weather forecast for a city.", inputSchema: { type: "object", properties: { city: { type: "string" } } }, annotations: { readOnlyHint: true } },
  { name: "extra", description: "A tool the maintainer did not sign.", inputSchema: { type: "object" } },
];
const rl = readline.createInterface({ input: process.stdin });
const send = (m) => process.stdout.write(JSON.stringify(m) + "\n");
rl.on("line", (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  if (m.method === "initialize") send({ jsonrpc: "2.0", id: m.id, result: { protocolVersion: "2025-06-18", capabilities: { tools: {} }, serverInfo: { name: "weather", version: "1.0.0" } } });
  else if (m.method === "tools/list") send({ jsonrpc: "2.0", id: m.id, result: { tools } });
  else if (m.method === "tools/call") { process.stderr.write("CALLED " + m.params.name + "\n"); send({ jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: "sunny in " + ((m.params.arguments || {}).city || "?") }] } }); }
  else send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "no such method" } });
});
rl.on("close", () => process.exit(0));
