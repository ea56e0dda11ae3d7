"""Expiry: EXPIRE family with NX/XX/GT/LT, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST, and
both lazy (on access) and active (background cycle) expiry."""

import time

import pytest

from conftest import NOT_INT, assert_error, wait_until

INVALID_EXPIRE = "ERR invalid expire time in '{}' command"


def test_ttl_pttl_of_missing_and_persistent_keys(raw):
    assert raw.cmd("TTL", "nokey") == -2
    assert raw.cmd("PTTL", "nokey") == -2
    assert raw.cmd("EXPIRETIME", "nokey") == -2
    assert raw.cmd("PEXPIRETIME", "nokey") == -2
    raw.cmd("SET", "k", "v")
    assert raw.cmd("TTL", "k") == -1
    assert raw.cmd("PTTL", "k") == -1
    assert raw.cmd("EXPIRETIME", "k") == -1
    assert raw.cmd("PEXPIRETIME", "k") == -1


def test_expire_pexpire_set_ttl(raw):
    raw.cmd("SET", "k", "v")
    assert raw.cmd("EXPIRE", "k", "100") == 1
    assert 98 <= raw.cmd("TTL", "k") <= 100
    assert raw.cmd("PEXPIRE", "k", "50000") == 1
    assert 48000 <= raw.cmd("PTTL", "k") <= 50000
    assert raw.cmd("EXPIRE", "nokey", "100") == 0
    assert raw.cmd("PEXPIRE", "nokey", "100") == 0


def test_expireat_pexpireat_and_expiretime(raw):
    raw.cmd("SET", "k", "v")
    assert raw.cmd("EXPIREAT", "k", "4000000000") == 1
    assert raw.cmd("EXPIRETIME", "k") == 4000000000
    assert raw.cmd("PEXPIRETIME", "k") == 4000000000000
    assert raw.cmd("PEXPIREAT", "k", "4000000000123") == 1
    assert raw.cmd("PEXPIRETIME", "k") == 4000000000123
    assert raw.cmd("EXPIRETIME", "k") == 4000000000  # rounded down to seconds
    assert raw.cmd("EXPIREAT", "nokey", "4000000000") == 0


def test_expire_in_the_past_deletes(raw):
    for args in (("EXPIRE", "0"), ("EXPIRE", "-5"), ("PEXPIRE", "-1"), ("EXPIREAT", "1"),
                 ("PEXPIREAT", "1000")):
        raw.cmd("SET", "k", "v")
        assert raw.cmd(args[0], "k", args[1]) == 1
        assert raw.cmd("EXISTS", "k") == 0


def test_expire_nx_xx(raw):
    raw.cmd("SET", "k", "v")
    assert raw.cmd("EXPIRE", "k", "100", "XX") == 0
    assert raw.cmd("TTL", "k") == -1
    assert raw.cmd("EXPIRE", "k", "100", "NX") == 1
    assert raw.cmd("EXPIRE", "k", "50", "NX") == 0
    assert raw.cmd("EXPIRE", "k", "200", "XX") == 1
    assert 198 <= raw.cmd("TTL", "k") <= 200


def test_expire_gt_lt(raw):
    raw.cmd("SET", "k", "v")
    # No TTL counts as infinite: GT never applies, LT always does.
    assert raw.cmd("EXPIRE", "k", "100", "GT") == 0
    assert raw.cmd("TTL", "k") == -1
    assert raw.cmd("EXPIRE", "k", "100", "LT") == 1
    assert raw.cmd("EXPIRE", "k", "200", "GT") == 1
    assert raw.cmd("EXPIRE", "k", "100", "GT") == 0
    assert raw.cmd("EXPIRE", "k", "50", "LT") == 1
    assert raw.cmd("EXPIRE", "k", "60", "LT") == 0
    assert 48 <= raw.cmd("TTL", "k") <= 50
    assert raw.cmd("PEXPIRE", "k", "100000", "GT") == 1
    assert raw.cmd("PEXPIREAT", "k", "1", "GT") == 0
    assert raw.cmd("EXPIREAT", "k", "4000000000", "LT") == 0


def test_expire_option_errors(raw):
    raw.cmd("SET", "k", "v")
    nx_err = "ERR NX and XX, GT or LT options at the same time are not compatible"
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        assert_error(raw.cmd(cmd, "k", "100", "NX", "XX"), nx_err)
        assert_error(raw.cmd(cmd, "k", "100", "NX", "GT"), nx_err)
        assert_error(raw.cmd(cmd, "k", "100", "GT", "LT"),
                     "ERR GT and LT options at the same time are not compatible")
        assert_error(raw.cmd(cmd, "k", "100", "FOO"), "ERR Unsupported option FOO")
        assert_error(raw.cmd(cmd, "k", "abc"), NOT_INT)
    assert raw.cmd("TTL", "k") == -1


def test_expire_overflow_is_invalid_expire_time(raw):
    raw.cmd("SET", "k", "v")
    for cmd, val in (("EXPIRE", "9223372036854775807"), ("PEXPIRE", "9223372036854775807"),
                     ("EXPIRE", "9223372036854775"), ("EXPIREAT", "9223372036854775807"),
                     ("EXPIRE", "-9223372036854775808")):
        assert_error(raw.cmd(cmd, "k", val), INVALID_EXPIRE.format(cmd.lower()))
    assert raw.cmd("TTL", "k") == -1


def test_persist(raw):
    raw.cmd("SET", "k", "v", "EX", "100")
    assert raw.cmd("PERSIST", "k") == 1
    assert raw.cmd("TTL", "k") == -1
    assert raw.cmd("PERSIST", "k") == 0
    assert raw.cmd("PERSIST", "nokey") == 0


def test_write_commands_that_replace_value_clear_ttl(raw):
    raw.cmd("SET", "k", "v", "EX", "100")
    raw.cmd("SET", "k", "v2")
    assert raw.cmd("TTL", "k") == -1
    raw.cmd("SET", "k", "v", "EX", "100")
    raw.cmd("GETSET", "k", "v3")
    assert raw.cmd("TTL", "k") == -1
    # modifying commands keep it
    raw.cmd("SET", "k", "1", "EX", "100")
    raw.cmd("APPEND", "k", "2")
    raw.cmd("INCR", "k")
    raw.cmd("SETRANGE", "k", "0", "5")
    assert 98 <= raw.cmd("TTL", "k") <= 100


def test_lazy_expiry_on_access(raw):
    raw.cmd("SET", "k", "v", "PX", "100")
    assert raw.cmd("GET", "k") == b"v"
    time.sleep(0.2)
    assert raw.cmd("GET", "k") is None
    assert raw.cmd("TTL", "k") == -2
    assert raw.cmd("EXISTS", "k") == 0
    raw.cmd("SET", "k2", "v", "PX", "50")
    time.sleep(0.1)
    assert raw.cmd("SET", "k2", "new", "NX") == "OK"  # an expired key counts as missing


def test_active_expiry_removes_untouched_keys(raw):
    """Keys with a 100 ms TTL leave DBSIZE within ~2 s without ever being accessed."""
    n = 1000
    for i in range(0, n, 100):
        pipe = b"".join(
            b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n$2\r\nPX\r\n$3\r\n100\r\n"
            % (len(k), k) for k in (b"tmp:%d" % j for j in range(i, i + 100)))
        raw.send(pipe)
        for _ in range(100):
            assert raw.read_reply() == "OK"
    raw.cmd("SET", "persistent", "v")
    assert raw.cmd("DBSIZE") == n + 1
    assert wait_until(lambda: raw.cmd("DBSIZE") == 1, timeout=3.0), raw.cmd("DBSIZE")
    info = raw.cmd("INFO", "stats").decode()
    expired = int(info.split("expired_keys:")[1].split()[0])
    assert expired >= n


def test_expired_keys_counted_in_info_keyspace(raw):
    raw.cmd("SET", "a", "1", "EX", "100")
    raw.cmd("SET", "b", "1")
    info = raw.cmd("INFO", "keyspace").decode()
    assert "db0:keys=2,expires=1,avg_ttl=" in info


def test_expiry_through_redis_py(r):
    r.set("k", "v")
    assert r.expire("k", 100, nx=True) is True
    assert r.expire("k", 50, gt=True) is False
    assert 98 <= r.ttl("k") <= 100
    assert r.persist("k") is True
    assert r.pttl("k") == -1


@pytest.mark.redoubt_only
def test_active_expire_can_be_disabled(server_factory):
    """Redoubt's `active-expire-enabled no`: only lazy expiry remains."""
    srv = server_factory(active_expire_enabled="no")
    raw = srv.raw()
    raw.cmd("SET", "k", "v", "PX", "50")
    time.sleep(0.5)
    assert raw.cmd("DBSIZE") == 1
    assert raw.cmd("GET", "k") is None
    assert raw.cmd("DBSIZE") == 0
