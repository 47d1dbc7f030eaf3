#!/usr/bin/env python3
"""Regenerates real-benign.jsonl: the real tool lists of the official reference servers and of
GitHub's MCP server, as benign corpus entries (same split rule as generate.py: FNV-1a of the id).

  python3 real_tools.py NODE_MODULES GITHUB_MCP_SERVER_CHECKOUT [COMMIT]

NODE_MODULES holds @modelcontextprotocol/sdk and the server-* packages (scripts/node-packages
installs filesystem and everything; `npm install @modelcontextprotocol/server-memory
@modelcontextprotocol/server-sequential-thinking` the others). Each server is started over stdio
and asked for tools/list (list_tools.mjs). GitHub's tools come from the tool snapshots the
project commits (pkg/github/__toolsnaps__/*.snap, one tool definition per file).
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import split_of  # noqa: E402

SERVERS = ["server-filesystem", "server-everything", "server-memory", "server-sequential-thinking"]

def entry(i, tool, provenance, licence):
    return {"id": i, "label": "benign", "style": "classic", "lang": "en", "split": split_of(i),
            "provenance": provenance, "licence": licence, "tool": tool}

def reference(node_modules):
    out = []
    sdk = os.path.join(node_modules, "@modelcontextprotocol", "sdk")
    for pkg in SERVERS:
        d = os.path.join(node_modules, "@modelcontextprotocol", pkg)
        meta = json.load(open(os.path.join(d, "package.json")))
        main = os.path.join(d, list(meta["bin"].values())[0] if isinstance(meta["bin"], dict) else meta["bin"])
        with tempfile.TemporaryDirectory() as root, tempfile.NamedTemporaryFile(suffix=".json") as f:
            args = [root] if pkg == "server-filesystem" else []
            subprocess.run(["node", os.path.join(HERE, "list_tools.mjs"), sdk, f.name, "--", "node", main, *args],
                           check=True, timeout=120)
            tools = json.load(open(f.name))["tools"]
        for t in tools:
            out.append(entry(f"real/{pkg}/{t['name']}", t,
                             f"tools/list of npm @modelcontextprotocol/{pkg}@{meta['version']} (https://github.com/modelcontextprotocol/servers), listed with @modelcontextprotocol/sdk over stdio",
                             "MIT (per the package README; https://github.com/modelcontextprotocol/servers)"))
    return out

def github(repo, commit):
    names = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", commit, "pkg/github/__toolsnaps__/"],
                           capture_output=True, text=True, check=True).stdout.split()
    out = []
    for n in sorted(x for x in names if x.endswith(".snap")):
        t = json.loads(subprocess.run(["git", "-C", repo, "show", f"{commit}:{n}"], capture_output=True, text=True, check=True).stdout)
        out.append(entry(f"real/github-mcp-server/{t['name']}", t,
                         f"https://github.com/github/github-mcp-server/blob/{commit}/{n}",
                         "MIT (https://github.com/github/github-mcp-server/blob/main/LICENSE)"))
    return out

if __name__ == "__main__":
    node_modules, repo = sys.argv[1], sys.argv[2]
    commit = sys.argv[3] if len(sys.argv) > 3 else "64a49f34d076b6f5917dae1424521d43c7bcae84"
    entries = reference(node_modules) + github(repo, commit)
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with open(os.path.join(HERE, "real-benign.jsonl"), "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
    print(len(entries), "entries")
