#!/usr/bin/env python3
"""The layering check (meson test `layering`, suite `lint`): fails when a file under emulator/ includes
a header its layer must not, directly or through the project headers it includes.

The layers are DESIGN.md's: http -> api -> domain -> crypto; store, chain and webhooks use domain; app/
and main.cpp wire everything; tools/ holds the binary's subcommands (outside the library). Third-party headers have owners: only store/ reaches sqlite3.h, only
crypto/ and the webhook TLS client reach OpenSSL, only http/ and the webhook client reach Beast, and
Asio stays in the layers that own threads and timers. A violation that exists today and is being
removed is listed in ALLOWANCES with the reason; the check also fails when an allowance is no longer
needed, so the list only shrinks.

Usage: check_layers.py [ROOT]   (ROOT defaults to the repository holding this script)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

# Which project layers each layer may include (itself always). Keys are directories of emulator/;
# "main" is emulator/main.cpp.
LAYERS: dict[str, set[str]] = {
    "crypto": set(),
    "domain": {"crypto"},
    "store": {"domain", "crypto"},
    "chain": {"store", "domain", "crypto"},
    "webhooks": {"store", "domain", "crypto"},
    "api": {"chain", "webhooks", "store", "domain", "crypto"},
    "http": {"api", "domain"},
    "app": {"http", "api", "chain", "webhooks", "store", "domain", "crypto"},
    "ui": set(),
    "tools": {"app", "http", "api", "chain", "webhooks", "store", "domain", "crypto"},
    "main": {"tools", "app", "http", "api", "chain", "webhooks", "store", "domain", "crypto"},
}

# Third-party headers with owners: name -> (pattern on the include path, who may reach it).
# Owners are layers or single files (paths relative to the root).
OWNED: dict[str, tuple[re.Pattern[str], set[str]]] = {
    "SQLite": (re.compile(r"^sqlite3\.h$"), {"store"}),
    "OpenSSL": (re.compile(r"^openssl/|^boost/(asio|beast)/ssl"),
                {"crypto", "emulator/webhooks/http_client.cpp", "emulator/webhooks/http_client.hpp"}),
    "Beast": (re.compile(r"^boost/beast"),
              {"http", "tools", "emulator/webhooks/http_client.cpp", "emulator/webhooks/http_client.hpp"}),
    "Asio": (re.compile(r"^boost/asio"), {"http", "chain", "webhooks", "app", "tools", "main"}),
}

# Known violations being removed (issue 13), as (header that leaks, third-party name) -> why. A file
# that reaches the third-party header only through an allowed leak passes. Remove a line when the
# leak is fixed; the check then holds the new line.
ALLOWANCES: dict[tuple[str, str], str] = {}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def layer_of(rel: str) -> str | None:
    parts = rel.split("/")
    if parts[0] != "emulator":
        return None
    if len(parts) == 2:
        return "main" if parts[1] == "main.cpp" else None
    return parts[1]


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    files = sorted(p for p in (root / "emulator").rglob("*") if p.suffix in (".cpp", ".hpp", ".h"))
    includes: dict[str, list[tuple[bool, str]]] = {}
    for p in files:
        rel = p.relative_to(root).as_posix()
        includes[rel] = [(q == '"' and name.startswith("emulator/"), name)
                         for q, name in INCLUDE.findall(p.read_text(errors="replace"))]

    problems: list[str] = []
    used_allowances: set[tuple[str, str]] = set()

    # reach(file, cut) = {third-party name: the chain of headers that leads to it}, through project
    # headers; with cut, the leaks ALLOWANCES tolerates do not propagate past their header.
    memo: dict[tuple[str, bool], dict[str, list[str]]] = {}

    def reach(rel: str, cut: bool, stack: tuple[str, ...] = ()) -> dict[str, list[str]]:
        if (rel, cut) in memo:
            return memo[(rel, cut)]
        if rel in stack:
            return {}
        out: dict[str, list[str]] = {}
        for project, name in includes.get(rel, []):
            if project:
                for owned, chain in reach(name, cut, stack + (rel,)).items():
                    if not (cut and (name, owned) in ALLOWANCES):
                        out.setdefault(owned, [name] + chain)
            else:
                for owned, (pattern, _) in OWNED.items():
                    if pattern.search(name):
                        out.setdefault(owned, [f"<{name}>"])
        memo[(rel, cut)] = out
        return out

    def closure(rel: str, seen: set[str]) -> set[str]:
        for project, name in includes.get(rel, []):
            if project and name not in seen:
                seen.add(name)
                closure(name, seen)
        return seen

    for rel in includes:
        layer = layer_of(rel)
        if layer is None or layer not in LAYERS:
            problems.append(f"{rel}: not in a known layer (add its directory to LAYERS in tests/check_layers.py)")
            continue
        for project, name in includes[rel]:
            if not project:
                continue
            if name not in includes:
                problems.append(f"{rel}: includes {name}, which does not exist")
                continue
            target = layer_of(name)
            if target != layer and target not in LAYERS[layer]:
                problems.append(f"{rel}: layer {layer} must not include {name} (layer {target})")
        strict, loose = reach(rel, True), reach(rel, False)
        for owned, chain in loose.items():
            owners = OWNED[owned][1]
            if layer in owners or rel in owners:
                continue
            if owned in strict:
                problems.append(f"{rel}: layer {layer} must not reach {owned}: " + " -> ".join([rel] + strict[owned]))
                continue
            headers = closure(rel, set())
            # Only allowances whose header itself leads to `owned` are in use.
            used_allowances.update(k for k in ALLOWANCES
                                   if k[1] == owned and k[0] in headers and owned in reach(k[0], False))

    for key, why in ALLOWANCES.items():
        if key not in used_allowances:
            problems.append(f"allowance no longer needed, remove it from tests/check_layers.py: {key} ({why})")

    for key in sorted(used_allowances):
        print(f"allowed for now: {key[0]} leaks {key[1]} ({ALLOWANCES[key]})")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(includes)} files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
