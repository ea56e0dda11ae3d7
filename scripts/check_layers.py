#!/usr/bin/env python3
"""Fails when a source file includes a module above its own layer.

The layers are those of CMakeLists.txt: util <- protocol, store, config, security, net <-
persistence <- runtime <- replication, scripting <- commands <- server. Every library adds src/
to the include path, so the compiler alone would accept an upward include; this check is what
keeps runtime/ free of replication/, scripting/, commands/ and server/, and everything below
runtime/ free of them. Unit tests (*_test.cc)
link the whole server and may include any layer.
"""
import pathlib
import re
import sys

ALLOWED = {
    "util": {"util"},
    "protocol": {"util", "protocol"},
    "store": {"util", "store"},
    "config": {"util", "config"},
    "security": {"util", "config", "security"},  # reads ServerConfig values (audit, hardening)
    "net": {"util", "net"},
    "persistence": {"util", "store", "persistence"},
    "runtime": {"util", "protocol", "store", "config", "security", "net", "persistence",
                "runtime"},
    "replication": {"util", "protocol", "store", "config", "security", "net", "persistence",
                    "runtime", "replication"},
    # The Lua embedding sits on the engine: its adapter runs commands through runtime/.
    "scripting": {"util", "protocol", "store", "config", "security", "net", "persistence",
                  "runtime", "scripting"},
    "commands": {"util", "protocol", "store", "config", "security", "net", "persistence",
                 "runtime", "replication", "scripting", "commands"},
    "server": {"util", "protocol", "store", "config", "security", "net", "persistence",
               "runtime", "replication", "scripting", "commands", "server"},
    "tools": {"util", "store", "persistence"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    errors = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cc") or path.name.endswith("_test.cc"):
            continue
        layer = path.relative_to(src).parts[0]
        allowed = ALLOWED.get(layer)
        if allowed is None:
            errors.append(f"{path}: module '{layer}' has no layer in scripts/check_layers.py")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in INCLUDE.finditer(text):
            if m.group(1) not in allowed:
                line = text.count("\n", 0, m.start()) + 1
                errors.append(f"{path}:{line}: {layer}/ may not include {m.group(1)}/")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
