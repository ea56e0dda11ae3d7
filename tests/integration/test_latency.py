"""LATENCY LATEST|HISTORY|RESET|GRAPH|DOCTOR|HISTOGRAM|HELP with latency-monitor-threshold,
Redis 7.0's event names (command, eviction-del, eviction-cycle, expire-cycle), the 160-sample
history, latency-tracking histograms and INFO latencystats, with Redis 7.0's reply shapes and
texts (the same tests pass against /usr/bin/redis-server)."""

import re
import time

import pytest

from conftest import Verbatim, assert_error, wait_until

# Upper bounds (microseconds) of the buckets LATENCY HISTOGRAM replies: Redis's HDR histogram
# iterated in powers of two from 1024 ns.
BUCKETS = [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633,
           135266, 270532, 541065, 1073741]

HELP = [
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the "
    "specified command names.",
    "    If no commands are specified then all histograms are replied.",
    "HELP",
    "    Prints this help.",
]

DISABLED_REPORT = (
    "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
    "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable "
    "it. If we weren't in a deep space mission I'd suggest to take a look at "
    "https://redis.io/topics/latency-monitor.\n")


@pytest.fixture
def dbg(server_factory):
    return server_factory(enable_debug_command="yes")


@pytest.fixture
def d(dbg):
    return dbg.client()


def spike(d, ms):
    d.execute_command("DEBUG", "SLEEP", ms / 1000)


def test_help_text(r):
    assert r.execute_command("LATENCY", "HELP") == HELP


def test_unknown_subcommand_and_arity_errors(raw):
    assert_error(raw.cmd("LATENCY", "FOO"), "ERR unknown subcommand 'FOO'. Try LATENCY HELP.")
    assert_error(raw.cmd("LATENCY", "HISTORY"),
                 "ERR wrong number of arguments for 'latency|history' command")
    assert_error(raw.cmd("LATENCY", "LATEST", "x"),
                 "ERR wrong number of arguments for 'latency|latest' command")


def test_monitor_off_records_nothing(d):
    spike(d, 30)
    assert d.execute_command("LATENCY", "LATEST") == []
    assert d.execute_command("LATENCY", "HISTORY", "command") == []
    assert d.execute_command("LATENCY", "DOCTOR") == DISABLED_REPORT


def test_command_spike_latest_and_history(d):
    d.config_set("latency-monitor-threshold", 10)
    before = int(time.time())
    spike(d, 40)
    latest = d.execute_command("LATENCY", "LATEST")
    assert len(latest) == 1
    event, when, last, worst = latest[0]
    assert event == "command"
    assert before <= when <= int(time.time())
    assert 40 <= last < 1000 and worst == last
    history = d.execute_command("LATENCY", "HISTORY", "command")
    assert history == [[when, last]]


def test_below_threshold_is_not_recorded(d):
    d.config_set("latency-monitor-threshold", 500)
    spike(d, 20)
    assert d.execute_command("LATENCY", "LATEST") == []


def test_one_sample_per_second_keeps_the_worst(d):
    d.config_set("latency-monitor-threshold", 5)
    # Two spikes inside one second: one sample, the worse latency.
    while time.time() % 1 > 0.5:
        time.sleep(0.05)
    spike(d, 10)
    spike(d, 60)
    history = d.execute_command("LATENCY", "HISTORY", "command")
    assert len(history) == 1 and history[0][1] >= 60
    time.sleep(1.1)
    spike(d, 10)
    history = d.execute_command("LATENCY", "HISTORY", "command")
    assert len(history) == 2
    assert history[0][0] < history[1][0]  # oldest first
    assert history[1][1] < history[0][1]
    event, _, last, worst = d.execute_command("LATENCY", "LATEST")[0]
    assert last == history[1][1] and worst == history[0][1]


def test_reset_counts_events_case_insensitively(d):
    d.config_set("latency-monitor-threshold", 5)
    spike(d, 10)
    assert d.execute_command("LATENCY", "RESET", "nosuchevent") == 0
    assert d.execute_command("LATENCY", "RESET", "COMMAND", "command") == 1
    assert d.execute_command("LATENCY", "LATEST") == []
    spike(d, 10)
    assert d.execute_command("LATENCY", "RESET") == 1
    assert d.execute_command("LATENCY", "RESET") == 0


def test_graph_of_one_sample(dbg, d):
    d.config_set("latency-monitor-threshold", 5)
    spike(d, 20)
    ms = d.execute_command("LATENCY", "LATEST")[0][2]
    raw = dbg.raw()
    graph = raw.cmd("LATENCY", "GRAPH", "command").decode()
    head = f"command - high {ms} ms, low {ms} ms (all time high {ms} ms)\n" + "-" * 80 + "\n"
    assert graph.startswith(head)
    # One column: the sample at the bottom row (it is the minimum), a blank line, its age.
    assert re.fullmatch(r" \n \n \n_\n \n\d\ns\n", graph[len(head):]), graph
    raw.cmd("HELLO", "3")
    verbatim = raw.cmd("LATENCY", "GRAPH", "command")
    assert isinstance(verbatim, Verbatim) and verbatim.fmt == "txt"


def test_graph_scales_between_low_and_high(d):
    d.config_set("latency-monitor-threshold", 5)
    spike(d, 10)
    time.sleep(1.05)
    spike(d, 200)
    graph = d.execute_command("LATENCY", "GRAPH", "command")
    lines = graph.split("\n")
    # The high sample fills the four rows ('#' on top), the low one sits on the bottom row.
    assert [row[:2] for row in lines[2:6]] == [" #", " |", " |", "_|"]


def test_graph_of_unknown_event(raw):
    assert_error(raw.cmd("LATENCY", "GRAPH", "nosuch"),
                 "ERR No samples available for event 'nosuch'")


def test_doctor_reports_command_spikes(d):
    d.config_set("latency-monitor-threshold", 5)
    d.config_set("slowlog-log-slower-than", 10000)
    spike(d, 20)
    report = d.execute_command("LATENCY", "DOCTOR")
    assert report.startswith("Dave, I have observed latency spikes in this Redis instance. "
                             "You don't mind talking about it, do you Dave?\n\n1. command: 1 "
                             "latency spikes (average ")
    assert re.search(r"\(average \d+ms, mean deviation 0ms, period 1\.00 sec\)\. Worst all "
                     r"time event \d+ms\.\n", report)
    assert "\nI have a few advices for you:\n\n" in report
    assert ("- Your current Slow Log configuration only logs events that are slower than your "
            "configured latency monitor threshold. Please use 'CONFIG SET "
            "slowlog-log-slower-than 5000'.\n") in report
    assert "- Check your Slow Log to understand what are the commands" in report


def test_doctor_with_nothing_observed(r):
    r.config_set("latency-monitor-threshold", 100)
    report = r.execute_command("LATENCY", "DOCTOR")
    # Unless the kernel gives the process transparent huge pages, there is nothing to say.
    assert report.startswith("Dave, no latency spike was observed") or \
        "anonymous huge pages" in report


def histogram(conn, *names):
    reply = conn.execute_command("LATENCY", "HISTOGRAM", *names)
    out = {}
    for name, body in zip(reply[::2], reply[1::2]):
        fields = dict(zip(body[::2], body[1::2]))
        buckets = fields["histogram_usec"]
        out[name] = (fields["calls"], list(zip(buckets[::2], buckets[1::2])))
    return out


def test_histogram_of_a_command(r):
    for i in range(50):
        r.set(f"k{i}", i)
    calls, buckets = histogram(r, "set")["set"]
    assert calls == 50
    bounds = [b for b, _ in buckets]
    assert bounds and all(b in BUCKETS for b in bounds) and bounds == sorted(bounds)
    counts = [c for _, c in buckets]
    assert counts == sorted(counts) and counts[-1] == 50  # cumulative
    assert len(set(counts)) == len(counts)  # only buckets that gained calls


def test_histogram_bucket_of_a_10ms_command(d):
    spike(d, 10)  # 10 ms and a little: the bucket ending at 16908 us
    calls, buckets = histogram(d, "debug")["debug"]
    assert calls == 1 and buckets == [(16908, 1)]


def test_histogram_of_subcommands_and_unknown_names(r):
    r.config_get("maxmemory")
    r.config_get("port")
    hist = histogram(r, "config", "nosuchcommand")
    assert set(hist) == {"config|get"} and hist["config|get"][0] == 2
    assert set(histogram(r, "config|get")) == {"config|get"}
    assert histogram(r, "nosuchcommand", "lpush") == {}


def test_histogram_of_all_commands(r):
    r.set("a", 1)
    r.get("a")
    r.get("a")
    hist = histogram(r)
    assert hist["get"][0] == 2 and hist["set"][0] == 1
    assert "lpush" not in hist


def test_histogram_in_resp3_is_a_map(server):
    raw = server.raw()
    raw.cmd("HELLO", "3")
    raw.cmd("SET", "a", "1")
    reply = raw.cmd("LATENCY", "HISTOGRAM", "set")
    assert list(reply) == [b"set"]
    body = reply[b"set"]
    assert body[b"calls"] == 1
    [(bound, count)] = body[b"histogram_usec"].items()
    assert isinstance(bound, int) and bound in BUCKETS and count == 1


def test_latency_tracking_off(r):
    r.config_set("latency-tracking", "no")
    r.set("a", 1)
    assert histogram(r, "set") == {}
    r.config_set("latency-tracking", "yes")
    r.set("a", 1)
    assert histogram(r, "set")["set"][0] == 1


def test_config_resetstat_clears_histograms(r):
    r.set("a", 1)
    r.config_resetstat()
    assert histogram(r, "set") == {}


def latencystats(server):
    return server.raw().cmd("INFO", "latencystats").decode()


def test_info_latencystats(server, r):
    r.set("a", 1)
    text = latencystats(server)
    assert text.startswith("# Latencystats\r\n")
    assert re.search(r"\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},"
                     r"p99\.9=\d+\.\d{3}\r\n", text), text
    r.config_get("port")
    assert "latency_percentiles_usec_config|get:p50=" in latencystats(server)


def test_info_latencystats_percentiles_setting(server, r):
    r.config_set("latency-tracking-info-percentiles", "0 100 12.5")
    for _ in range(20):
        r.set("a", 1)
    line = re.search(r"latency_percentiles_usec_set:(.*)\r\n", latencystats(server)).group(1)
    values = dict(item.split("=") for item in line.split(","))
    assert list(values) == ["p0", "p100", "p12.5"]
    assert float(values["p0"]) <= float(values["p12.5"]) <= float(values["p100"])
    r.config_set("latency-tracking-info-percentiles", "")
    assert "\r\nlatency_percentiles_usec_set:\r\n" in latencystats(server)


def test_info_sections_include_latencystats_only_when_asked(server):
    raw = server.raw()
    raw.cmd("SET", "a", "1")
    assert "# Latencystats" not in raw.cmd("INFO").decode()
    everything = raw.cmd("INFO", "all").decode()
    headers = re.findall(r"^# (\w+)", everything, re.M)
    assert headers.index("Latencystats") == headers.index("Errorstats") + 1


def test_percentiles_of_known_durations(d, dbg):
    # DEBUG SLEEP 0.3 runs 300-310 ms: HDR's bucket of that duration has an upper bound of
    # 301.989 or 304.087 ms (buckets of 2.097 ms at that range).
    spike(d, 300)
    line = re.search(r"latency_percentiles_usec_debug:(.*)\r\n", latencystats(dbg)).group(1)
    p50 = float(line.split(",")[0].split("=")[1])
    assert 300000 <= p50 <= 320000


def big_hash(conn, key, fields):
    pipe = conn.pipeline(transaction=False)
    for start in range(0, fields, 10000):
        pipe.hset(key, mapping={f"f{i}": "v" for i in range(start, start + 10000)})
    pipe.execute()


def events(conn):
    return {e[0]: e for e in conn.execute_command("LATENCY", "LATEST")}


def test_eviction_events(r):
    empty = r.info("memory")["used_memory"]
    big_hash(r, "big", 400000)
    r.config_set("latency-monitor-threshold", 1)
    r.config_set("maxmemory-policy", "allkeys-random")
    r.config_set("maxmemory", empty + 4 * 1024 * 1024)  # deleting the big hash takes ms
    r.set("small", 1)
    assert r.exists("big") == 0
    seen = events(r)
    assert "eviction-del" in seen and "eviction-cycle" in seen
    assert seen["eviction-cycle"][3] >= seen["eviction-del"][3]


def test_expire_cycle_event(r):
    big_hash(r, "big", 400000)
    r.config_set("latency-monitor-threshold", 1)
    r.pexpire("big", 1)
    assert wait_until(lambda: "expire-cycle" in events(r), timeout=10)
    assert r.exists("big") == 0
