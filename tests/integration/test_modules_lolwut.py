"""MODULE: LIST is empty and LOAD/LOADEX/UNLOAD are refused (Redoubt loads no native code);
LOLWUT answers the version line."""

import pytest

from conftest import assert_error


@pytest.mark.redoubt_only
def test_module_list_empty_and_load_refused(raw, tmp_path):
    lib = tmp_path / "evil.so"
    lib.write_bytes(b"\x7fELF")
    assert raw.cmd("MODULE", "LIST") == []
    for cmd in (("MODULE", "LOAD", str(lib)), ("MODULE", "LOADEX", str(lib), "ARGS", "x"),
                ("MODULE", "UNLOAD", "evil")):
        assert_error(raw.cmd(*cmd), "ERR Redoubt loads no modules*")
    assert raw.cmd("MODULE", "LIST") == []
    assert raw.cmd("PING") == "PONG"


def test_module_help_and_errors(raw):
    lines = raw.cmd("MODULE", "HELP")
    assert lines[0] == "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "LIST" in lines
    assert_error(raw.cmd("MODULE", "FOO"), "ERR unknown subcommand 'FOO'. Try MODULE HELP.")
    assert_error(raw.cmd("MODULE", "LOAD"),
                 "ERR wrong number of arguments for 'module|load' command")


def test_lolwut_version_line(raw):
    assert raw.cmd("LOLWUT").endswith(b"Redis ver. 7.0.15\n")
    assert raw.cmd("LOLWUT", "VERSION", "1").endswith(b"Redis ver. 7.0.15\n")
    assert_error(raw.cmd("LOLWUT", "VERSION", "x"), "ERR value is not an integer or out of range")
