#!/usr/bin/env python3
"""Build step: the OpenAPI document of one API version = the base document (schema/openapi.yaml,
API version 2026-04) with an overlay applied (e.g. schema/openapi-2026-09.overlay.yaml), so every
addition to the base flows into each version and a version file holds only its differences.

  openapi_overlay.py BASE.yaml OVERLAY.yaml OUT.yaml

The overlay is a subset of the OpenAPI Overlay 1.0 format: `overlay: 1.0.0`, `info`, and `actions`,
applied in order. Each action has a `target`, a plain path `$.a.b['c/d']` (no wildcards or
filters), and one of
  update: VALUE   mappings are merged key by key (recursively); any other value replaces the target
  append: [..]    the target is a list: the items are added to its end (those it lacks)
  remove: true    the target is deleted
A target that does not exist is an error (an action must never silently stop applying), except
that `update` creates the last key.
"""
import re
import sys

import yaml


class Loader(yaml.SafeLoader):
    """YAML 1.2 core-schema reading, as the JavaScript tools see the document: no timestamps and no
    yes/no/on/off booleans (PyYAML's YAML 1.1 would turn those into dates and bools)."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                             list("tTfF"))

SEGMENT = re.compile(r"\.([A-Za-z0-9_-]+)|\['([^']*)'\]")


def parse_target(target: str) -> list:
    if not target.startswith("$"):
        raise SystemExit(f"overlay target must start with $: {target}")
    keys, pos = [], 1
    while pos < len(target):
        m = SEGMENT.match(target, pos)
        if not m:
            raise SystemExit(f"unsupported overlay target (plain .name and ['name'] segments only): {target}")
        keys.append(m.group(1) if m.group(1) is not None else m.group(2))
        pos = m.end()
    if not keys:
        raise SystemExit("an overlay target must name a node below $")
    return keys


def merge(into: dict, value: dict):
    for k, v in value.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            merge(into[k], v)
        else:
            into[k] = v


def apply(doc: dict, action: dict):
    target = action.get("target", "")
    keys = parse_target(target)
    parent = doc
    for k in keys[:-1]:
        if not isinstance(parent, dict) or k not in parent:
            raise SystemExit(f"overlay target not found: {target} (at {k!r})")
        parent = parent[k]
    last = keys[-1]
    exists = isinstance(parent, dict) and last in parent
    if action.get("remove") is True:
        if not exists:
            raise SystemExit(f"overlay remove: {target} does not exist")
        del parent[last]
    elif "append" in action:
        if not exists or not isinstance(parent[last], list):
            raise SystemExit(f"overlay append: {target} is not a list")
        parent[last].extend(x for x in action["append"] if x not in parent[last])
    elif "update" in action:
        value = action["update"]
        if exists and isinstance(parent[last], dict) and isinstance(value, dict):
            merge(parent[last], value)
        else:
            parent[last] = value
    else:
        raise SystemExit(f"overlay action on {target} has no update, append or remove")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    with open(argv[1], encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Loader)
    with open(argv[2], encoding="utf-8") as f:
        overlay = yaml.load(f, Loader=Loader)
    if str(overlay.get("overlay", "")).split(".")[0] != "1":
        raise SystemExit(f"{argv[2]}: not an overlay (overlay: 1.0.0)")
    for action in overlay.get("actions") or []:
        apply(doc, action)
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    with open(argv[3], "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
