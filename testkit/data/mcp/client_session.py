"""A real MCP client for the tests: the official MCP Python SDK (`mcp` from PyPI) over stdio.

    client_session.py PLAN -- COMMAND [ARGS...]

PLAN is a JSON file, or the JSON text itself: a list of steps run in order, e.g.

    [{"op": "initialize"}, {"op": "list_tools"},
     {"op": "call_tool", "name": "echo", "arguments": {"message": "hi"}},
     {"op": "list_prompts"}, {"op": "get_prompt", "name": "p", "arguments": {"x": "1"}},
     {"op": "list_resources"}, {"op": "read_resource", "uri": "demo://resource/1"},
     {"op": "wait_tools_changed", "timeout": 20},
     {"op": "exec", "argv": ["mcp-sign", "pins", "approve", "s", "t"]}]

COMMAND runs as the MCP server (`mcp.client.stdio`), with this process's whole environment (the
SDK would pass only HOME, PATH and a few others; a test sets what the server, or a gateway in
front of it, must see on this process instead).

Prints ONE JSON document on stdout:

    {"steps": [{"op": ..., "result": {...}} | {"op": ..., "error": {"code": N, "message": ...}}],
     "notifications": ["notifications/tools/list_changed", ...]}

Results are the SDK's models dumped as they came on the wire (`model_dump(mode="json",
by_alias=True, exclude_unset=True, exclude_none=True)`: no SDK defaults filled in). An error the server (or a gateway) answers is recorded with its JSON-RPC
code and message and the plan goes on. `wait_tools_changed` waits, up to `timeout` seconds
(default 20), for a `notifications/tools/list_changed` not yet consumed by an earlier wait, then
lists the tools; its result is that listing.

Exit codes: 0 plan run (step errors are in the transcript); 2 bad usage or plan; 3 the server
cannot be started, or closed the connection before `initialize` answered (the transcript is
still printed when there is one); 4 a `wait_tools_changed` timed out (transcript printed).
"""

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import anyio
import mcp_types as types
from mcp import ClientSession, MCPError, StdioServerParameters, stdio_client

# Bounds every request, so a server (or gateway) that never answers fails the step instead of
# hanging the test.
REQUEST_TIMEOUT_SECONDS = 30.0


def fail(code: int, message: str) -> NoReturn:
    print(f"client_session: {message}", file=sys.stderr)
    sys.exit(code)


def parse_args(argv: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    if "--" not in argv or argv.index("--") != 1 or len(argv) < 3:
        fail(2, "usage: client_session.py PLAN -- COMMAND [ARGS...] (PLAN: a JSON file or JSON text)")
    text = argv[0]
    if not text.lstrip().startswith(("[", "{")):
        try:
            text = Path(text).read_text(encoding="utf-8")
        except OSError as err:
            fail(2, f"cannot read the plan file {argv[0]}: {err}")
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as err:
        fail(2, f"the plan is not JSON: {err}")
    if isinstance(plan, dict):
        plan = plan.get("steps")
    if not isinstance(plan, list) or not all(isinstance(s, dict) and "op" in s for s in plan):
        fail(2, 'the plan must be a list of steps like {"op": "list_tools"} (or {"steps": [...]})')
    return plan, argv[2:]


def dump(model: Any) -> Any:
    if isinstance(model, dict):
        return model
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)


class Notifications:
    """Every server notification's method, in order; tools/list_changed ones counted so each
    `wait_tools_changed` consumes one (a notification that came before the wait still counts)."""

    def __init__(self) -> None:
        self.methods: list[str] = []
        self.tools_changed = 0
        self.consumed = 0
        self.changed = anyio.Event()

    async def handle(self, message: Any) -> None:
        if isinstance(message, Exception):
            print(f"client_session: transport error: {message!r}", file=sys.stderr)
            return
        method = getattr(message, "method", None)
        if method is None:
            return
        self.methods.append(method)
        if method == "notifications/tools/list_changed":
            self.tools_changed += 1
            self.changed.set()

    async def wait_tools_changed(self, timeout: float) -> bool:
        with anyio.move_on_after(timeout):
            while self.tools_changed <= self.consumed:
                self.changed = anyio.Event()
                await self.changed.wait()
            self.consumed += 1
            return True
        return False


async def run_step(session: ClientSession, notes: Notifications, step: dict[str, Any]) -> Any:
    op = step["op"]
    if op == "initialize":
        return await session.initialize()
    if op == "list_tools":
        return await session.list_tools()
    if op == "call_tool":
        return await session.call_tool(step["name"], step.get("arguments") or {})
    if op == "list_prompts":
        return await session.list_prompts()
    if op == "get_prompt":
        return await session.get_prompt(step["name"], step.get("arguments") or {})
    if op == "list_resources":
        return await session.list_resources()
    if op == "read_resource":
        return await session.read_resource(step["uri"])
    if op == "wait_tools_changed":
        timeout = float(step.get("timeout", 20))
        if not await notes.wait_tools_changed(timeout):
            raise TimeoutError(f"no notifications/tools/list_changed within {timeout} s")
        return await session.list_tools()
    if op == "exec":
        # A command run mid-session (the user approving a tool while the client is connected);
        # its result is its exit code and output.
        proc = await anyio.run_process(step["argv"], check=False)
        return {
            "code": proc.returncode,
            "stdout": proc.stdout.decode(errors="replace"),
            "stderr": proc.stderr.decode(errors="replace"),
        }
    raise ValueError(f"unknown step op {op!r}")


async def main(plan: list[dict[str, Any]], command: list[str]) -> int:
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    notes = Notifications()
    steps: list[dict[str, Any]] = []
    status = 0

    def transcript() -> None:
        print(json.dumps({"steps": steps, "notifications": notes.methods}, indent=2))

    try:
        async with stdio_client(params) as (read, write):
            async with ClientSession(
                read, write, read_timeout_seconds=REQUEST_TIMEOUT_SECONDS, message_handler=notes.handle
            ) as session:
                for step in plan:
                    entry: dict[str, Any] = {"op": step["op"]}
                    try:
                        entry["result"] = dump(await run_step(session, notes, step))
                    except MCPError as err:
                        entry["error"] = {"code": err.code, "message": err.message}
                        if step["op"] == "initialize" and err.code == types.CONNECTION_CLOSED:
                            print(
                                f"client_session: the server `{' '.join(command)}` closed the "
                                f"connection before initialize answered: {err.message}",
                                file=sys.stderr,
                            )
                            status = 3
                    except TimeoutError as err:
                        entry["error"] = {"code": None, "message": str(err)}
                        print(f"client_session: {err}", file=sys.stderr)
                        status = 4
                    steps.append(entry)
                    if status:
                        break
    except OSError as err:
        fail(3, f"cannot start the server `{' '.join(command)}`: {err}")
    transcript()
    return status


if __name__ == "__main__":
    plan, command = parse_args(sys.argv[1:])
    sys.exit(anyio.run(main, plan, command))
