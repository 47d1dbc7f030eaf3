"""The call log the test servers keep: every tools/call (and prompts/get) they receive, one JSON
line each, in the file named by $RUG_PULL_CALL_LOG (nothing is written when it is unset).

A test reads it to prove that a call the gateway refused never reached the server. Each line
is written and flushed before the server answers, so a test that has the answer sees the line.
"""

import json
import os
from typing import Any


def record(method: str, name: str, arguments: dict[str, Any] | None) -> None:
    path = os.environ.get("RUG_PULL_CALL_LOG")
    if not path:
        return
    line = json.dumps({"method": method, "name": name, "arguments": arguments or {}}, sort_keys=True)
    with open(path, "a", encoding="utf-8") as log:
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())
