#!/usr/bin/env python3
"""Re-points code at ServerState's parts: `server.clients` becomes `server.sessions.clients`.

ServerState was split into parts with one owner each (runtime/keyspace.h, sessions.h,
indexes.h, security_state.h, persistence_state.h). Run on files or directories of C++ code
written against the old flat members:  scripts/repoint_server_state.py src/ fuzz/
It rewrites member accesses through the names ServerState goes by in the code base
(server, s, state, state_, server_, srv, state()), then the compiler finds anything else.
"""
import pathlib
import re
import sys

PARTS = {
    "keyspace": ["expired_hook", "evict_policy", "evict_pool", "lazy_free", "eviction_running",
                 "next_evict_db", "evict_key_scratch", "startup_allocated"],
    "sessions": ["clients", "monitors", "next_client_id", "pending_writes", "close_requests",
                 "pause_end_ms", "pause_write_only", "CloseAsap", "MarkPendingWrite"],
    "indexes": ["watched", "key_hook", "flush_hook", "blocking_keys", "ready_keys",
                "unblocked_clients", "blocked_count", "pubsub_channels", "pubsub_patterns"],
    "security": ["acl", "auth_throttle", "allow_from", "audit", "allow_from_rejected",
                 "last_security_warning_ms", "Audit"],
    "persistence": ["dirty", "last_save_time", "rdb", "aof", "aof_write_error", "write_feed",
                    "aof_feed", "replication_feed", "UpdateWriteFeed", "propagate_as",
                    "function_library_codes", "load_function_library"],
}
OWNER = {m: p for p, ms in PARTS.items() for m in ms}
PATTERN = re.compile(r"(?<!Redis's )\b(server|s|state|state_|server_|srv|state\(\))(\.|->)("
                     + "|".join(OWNER) + r")\b")


def repoint(text: str) -> str:
    return PATTERN.sub(lambda m: f"{m[1]}{m[2]}{OWNER[m[3]]}.{m[3]}", text)


def main() -> None:
    for arg in sys.argv[1:]:
        root = pathlib.Path(arg)
        files = [root] if root.is_file() else [*root.rglob("*.cc"), *root.rglob("*.h")]
        for f in files:
            old = f.read_text()
            new = repoint(old)
            if new != old:
                f.write_text(new)
                print(f)


if __name__ == "__main__":
    main()
