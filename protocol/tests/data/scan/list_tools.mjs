// Lists the tools of an MCP stdio server with the TypeScript SDK (used by real_tools.py):
//   node list_tools.mjs <sdk package dir> <out.json> -- <command> <args>...
import { pathToFileURL } from "node:url";
const [sdk, out, , cmd, ...args] = process.argv.slice(2);
const { Client } = await import(pathToFileURL(sdk + "/dist/esm/client/index.js"));
const { StdioClientTransport } = await import(pathToFileURL(sdk + "/dist/esm/client/stdio.js"));
const client = new Client({ name: "list", version: "0" });
await client.connect(new StdioClientTransport({ command: cmd, args, stderr: "ignore" }));
const { tools } = await client.listTools();
(await import("node:fs")).writeFileSync(out, JSON.stringify({ tools }, null, 1));
await client.close();
console.log(out, tools.length);
