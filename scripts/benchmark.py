#!/usr/bin/env python3
"""The benchmark suite (#11): every figure of issue #11 measured in one run on this machine, each
against its target, written into docs/BENCHMARKS.md.

The built daemon runs as an operator runs it (`java -jar dx-scraper.jar run`, the journal on, the
JVM options the project ships) against `dx-scraper simulate` and a private PostgreSQL cluster of
the installed server (initdb, pg_ctl) on a free port, all on loopback. The cluster is private so
that the outage figure can stop it and so that the shared server on 5432 adds no noise; it has
initdb's settings plus track_commit_timestamp=on, which gives every row the time its transaction
committed, so that rates and latencies come from the database's own clock instead of polling.

    ./mvnw -q package -DskipTests
    python3 scripts/benchmark.py --quick      # 6-9 minutes on a busy 2-core machine
    python3 scripts/benchmark.py              # about 65 minutes
    python3 scripts/benchmark.py --jfr        # also profile the daemon, print where time goes

The machine is shared and has two cores, so no absolute figure compares across days: every
figure is a ratio to a reference measured in the same run (interleaved with it), or a
measurement taken within this run, and each is repeated where time allows, with its spread.
A verdict is on the median. Not part of `./mvnw verify`.

Needs: a JDK 21+ (JAVA_HOME; also for ./mvnw, which builds the JMH benchmarks), PostgreSQL's
server binaries (/usr/lib/postgresql/*/bin) and psql, and the Debian package hamradio-files
(cty.dat, MASTER.SCP). Run as root, the cluster runs as user postgres.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connection_drills import CALL, ROOT, free_port, java, scrape, wait_for  # noqa: E402
from storage_drills import Cluster, stop_clusters  # noqa: E402

DEFAULT_JAR = os.path.join(ROOT, "scraper", "target", "dx-scraper.jar")
DEFAULT_OUT = os.path.join(ROOT, "docs", "BENCHMARKS.md")
BEGIN = "<!-- benchmark-suite:begin -->"
END = "<!-- benchmark-suite:end -->"

# The shipped JVM options: the file the README, the image and the systemd unit pass as @jvm.options.
SHIPPED_JVM_SOURCE = os.path.join(ROOT, "jvm.options")

# What the writer inserts (RowInserts.SPOT_COLUMNS): the \copy reference loads the same columns.
SPOT_COLUMNS = ("spotted_at, received_at, node, spotter, frequency_khz, dx_call, comment, band,"
                " mode, mode_source, snr_db, speed, speed_unit, spot_type, dx_grid, spotter_grid,"
                " dx_entity, dx_continent, dx_cq_zone, spotter_entity, spotter_continent,"
                " spotter_cq_zone, backfilled")

# Sizes of each phase. Quick keeps every figure but measures less of it.
MODES = {
    "quick": dict(
        blast=20_000, warm_blast=5_000, rounds=1, nodes=(1, 4, 16),
        steady_runs=1, steady_warm=10, steady_warm_max=60, steady_windows=2, steady_window=10,
        steady_settled=1, steady_ref=20,
        idle_settle=60, idle=30,
        fast_runs=1, fast_warm=6, fast_window=12, fast_warm_max=60, fast_cpu_window=10,
        drain=50_000, prefill=500_000, big_blast=20_000, big_rounds=1, big_warm=False,
        jmh=["-f", "1", "-wi", "2", "-w", "2s", "-i", "2", "-r", "2s"]),
    "full": dict(
        # Three rounds: a 2 s \copy swung by a third from round to round (72,000-107,000 rows/s).
        blast=200_000, warm_blast=20_000, rounds=3, nodes=(1, 4, 16),
        # At 1,000 spots/s the JIT compiles code that runs a few times a second for 10-15 minutes
        # (C2 at 3-13 µs a spot in 60 s windows from the 5th to the 9th minute, 1.2-1.5 from the
        # 10th: docs/BENCHMARKS.md, "An eleventh session"); 360 s measured much of that. In 60 s
        # windows, since C2's bursts made 20 s ones swing by 10 µs a spot.
        steady_runs=2, steady_warm=30, steady_warm_max=900, steady_windows=3, steady_window=60,
        steady_settled=2, steady_ref=60,
        idle_settle=120, idle=60,
        fast_runs=2, fast_warm=20, fast_window=60, fast_warm_max=240, fast_cpu_window=20,
        drain=500_000, prefill=10_000_000, big_blast=100_000, big_rounds=2, big_warm=True,
        jmh=["-f", "2", "-wi", "5", "-w", "2s", "-i", "5", "-r", "2s"]),
}

STARTED = time.monotonic()

# The steady and fast phases' feed: a WWV, WCY or announcement line after about one spot in this
# many, about one a minute at 1,000 spots/s. A feed of that rate is a skimmer network's, which sends
# a few such lines an hour; the simulator's default (one in 50, a human cluster's mix) would put
# about four in every batch and charge the spots a transaction and round trips a real feed's
# batches do not pay (docs/BENCHMARKS.md). The blasts keep the default: they time spots, and the
# other lines are few among them either way.
RATE_FEED_EXTRA_ONE_IN = "60000"

# A blasting simulator is the load, not what is measured: it shares the two cores with the daemon
# and PostgreSQL, as a real node on another machine would not. C1 alone compiles its send path
# within the blast's first second at a fraction of C2's cost. A 200,000-spot blast cost the
# simulator 190-257 ticks of 10 ms with the JVM's defaults, 109-128 with these (docs/BENCHMARKS.md,
# "A thirteenth session").
SIM_JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

# A daemon is warm when its JIT compiler threads take at most this much CPU per stored spot.
JIT_SETTLED_US = 2.0


def status(text):
    print(f"[{time.monotonic() - STARTED:6.0f} s] {text}", flush=True)


def median(values):
    return statistics.median(values) if values else None


def spread(values, fmt):
    """'median (min-max, n)' of a list of numbers."""
    if not values:
        return "not measured"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(median(values))} ({fmt(min(values))}-{fmt(max(values))}, {len(values)} values)"


# ---------------------------------------------------------------------------------------------
# The figures and their targets

class Figure:
    """One figure of the issue's table: its values (repeats), a target, and notes."""

    def __init__(self, key, label, target, ok, fmt, how):
        self.key, self.label, self.target, self.ok, self.fmt, self.how = (
            key, label, target, ok, fmt, how)
        self.values = []
        self.notes = []
        self.why_missing = None

    def verdict(self):
        if not self.values:
            return "not measured"
        if self.ok is None:
            return ""
        return "PASS" if self.ok(median(self.values)) else "FAIL"


def _num(v):
    return f"{v:,.0f}"


FIGURES = [
    Figure("e2e_ratio", "end-to-end rows/s ÷ `psql \\copy` rows/s, same rows, same table", ">= 0.7",
           lambda v: v >= 0.7, lambda v: f"{v:.2f}",
           "blast of N distinct spots into an empty `spot`, first line received to last commit,"
           " into a daemon that has stored at least one blast of N before; then the same rows"
           " exported and loaded with `\\copy` into the emptied `spot`; pair by pair"),
    Figure("cpu_daemon", "daemon CPU per stored spot at a steady 1,000 spots/s", "<= 10 µs",
           lambda v: v <= 10, lambda v: f"{v:.1f} µs",
           "utime+stime of the java process (/proc) over each window ÷ rows committed in it,"
           " after a warm-up that lasts until the JIT compiler threads take under"
           f" {JIT_SETTLED_US:.0f} µs a spot (or this mode's longest warm-up)"),
    Figure("cpu_backend", "PostgreSQL backend CPU per stored spot, same run", "<= 15 µs",
           lambda v: v <= 15, lambda v: f"{v:.1f} µs",
           "utime+stime of the daemon's backends (pg_stat_activity, application_name dx-scraper)"),
    Figure("idle_cpu", "idle CPU, logged in, no traffic", "<= 0.2% of a core",
           lambda v: v <= 0.2, lambda v: f"{v:.2f}%",
           "the same daemon after its stream ended and 60 s (quick) or 120 s to settle (the JIT finishing what the stream made hot), logged in, over the idle window"),
    Figure("rss", "RSS at a steady 10,000 spots/s with the shipped JVM options", "<= 128 MB",
           lambda v: v <= 128, lambda v: f"{v:.0f} MB",
           "VmRSS sampled every second over a window after the warm-up the steady phase has (the"
           " JIT compiler threads under"
           f" {JIT_SETTLED_US:.0f} µs a spot, or this mode's longest warm-up); the figure is each"
           " run's largest sample"),
    Figure("metrics_p99", "`/metrics` p99 with 10,000 spots/s flowing", "<= 10 ms",
           lambda v: v <= 10, lambda v: f"{v:.1f} ms",
           "GET /metrics every 50 ms on one kept-alive connection from the daemon's 20th second"
           " (6th quick) on; the figure is over the same windows as RSS"),
    Figure("latency_p99", "line received -> row committed, p99 at 1,000 spots/s", "<= 250 ms",
           lambda v: v <= 250, lambda v: f"{v:.0f} ms",
           "per row: commit timestamp of its transaction (track_commit_timestamp) minus the time"
           " the simulator sent its line (`simulate --print-times`), so the time a line waits in"
           " the kernel for the paced read counts too"),
    Figure("drain", "backlog drain after an outage", ">= 50,000 spots/s",
           lambda v: v >= 50_000, lambda v: f"{v:,.0f} spots/s",
           "PostgreSQL stopped, a blast read into the journal, PostgreSQL started: rows after the"
           " first commit ÷ first to last commit"),
    Figure("big_ratio", "insert rate with 10 million rows stored ÷ into an empty table", ">= 0.8",
           lambda v: v >= 0.8, lambda v: f"{v:.2f}",
           "the end-to-end blast into a prefilled database and into an empty one, alternately"),
    Figure("parser", "parser, realistic mix, one core (JMH)", ">= 5,000,000 lines/s",
           lambda v: v >= 5_000_000, lambda v: f"{v:,.0f} lines/s",
           "LineParserBenchmark.parseMix, every measured iteration of every fork"),
]
INFO = [
    Figure("rate_1", "throughput, 1 node", "", None, lambda v: f"{v:,.0f} rows/s",
           "end-to-end blast, first line received to last commit"),
    Figure("rate_4", "throughput, 4 nodes (a simulator node each, distinct spots)", "", None,
           lambda v: f"{v:,.0f} rows/s", "the same N spread over the nodes"),
    Figure("rate_16", "throughput, 16 nodes", "", None, lambda v: f"{v:,.0f} rows/s", "as above"),
    Figure("copy_rate", "`psql \\copy` of the same rows into `spot` (the reference)", "", None,
           lambda v: f"{v:,.0f} rows/s", "psql's \\timing of the \\copy, into the emptied `spot`"
           " (partitioned by week, as the daemon's rows are)"),
    Figure("blast_cpu", "daemon CPU per stored spot at full speed (1 node)", "", None,
           lambda v: f"{v:.1f} µs", "over each measured 1-node blast"),
    Figure("blast_backend", "PostgreSQL CPU per stored spot at full speed (1 node)", "", None,
           lambda v: f"{v:.1f} µs", "every process of the cluster, same blasts"),
    Figure("cpu_backend_ref", "PostgreSQL backend CPU per row for `psql \\copy` of the same rows,"
           " in the daemon's batches at its pace (the backend figure's reference)", "", None,
           lambda v: f"{v:.1f} µs", "paced_copy_reference: the daemon's rows of the windows,"
           " its mean batch size and interval, each batch one COPY, into the daemon's `spot`"
           " while the stream runs (each spotter with \" ref\" appended: new keys, beside the"
           " daemon's rows in the index)"),
    Figure("cpu_cluster", "whole cluster CPU per spot at 1,000 spots/s (all postgres processes)",
           "", None, lambda v: f"{v:.1f} µs", "backends, WAL writer, checkpointer, autovacuum"),
    Figure("latency_p50", "line -> commit p50 at 1,000 spots/s", "", None,
           lambda v: f"{v:.0f} ms", ""),
    Figure("latency_max", "line -> commit max at 1,000 spots/s", "", None,
           lambda v: f"{v:.0f} ms", ""),
    Figure("latency_read_p99", "line read -> row committed, p99 at 1,000 spots/s", "", None,
           lambda v: f"{v:.0f} ms", "from received_at (stamped when the daemon framed the line):"
           " the part of the latency after the read"),
    Figure("rss_default", "RSS at 10,000 spots/s with the JVM's defaults (no options)", "", None,
           lambda v: f"{v:.0f} MB", "same as RSS, interleaved with it"),
    Figure("fast_rate", "rows stored per second while the simulator sent 10,000/s", "", None,
           lambda v: f"{v:,.0f} rows/s", "both option sets"),
    Figure("metrics_p50", "`/metrics` p50 at 10,000 spots/s", "", None,
           lambda v: f"{v:.1f} ms", ""),
    Figure("metrics_p99_early", "`/metrics` p99 at 10,000 spots/s in the daemon's first minute"
           " (the JIT compiling)", "", None, lambda v: f"{v:.1f} ms",
           "the scrapes from the daemon's 20th to its 80th second (quick: 6th to 18th), before"
           " the warm-up"),
    Figure("rss_early", "RSS at 10,000 spots/s in the same first minute", "", None,
           lambda v: f"{v:.0f} MB", "largest sample"),
    Figure("cpu_fast", "daemon CPU per stored spot at 10,000 spots/s, after the warm-up", "", None,
           lambda v: f"{v:.1f} µs", "utime+stime ÷ rows committed over a window right after the"
           " RSS one (20 s; 10 quick), with the 20 scrapes a second stopped (Prometheus scrapes"
           " once in 15 s)"),
    Figure("big_rate", "insert rate into the prefilled database", "", None,
           lambda v: f"{v:,.0f} rows/s", ""),
    Figure("empty_rate", "insert rate into the empty database (its reference)", "", None,
           lambda v: f"{v:,.0f} rows/s", ""),
    Figure("cty_lookup", "cty.dat lookup, MASTER.SCP calls as a feed has them (JMH)", "", None,
           lambda v: f"{v:,.0f} calls/s", "CtyDatBenchmark.lookup"),
    Figure("enrich", "enrichment of a parsed spot: band, mode, two lookups (JMH)", "", None,
           lambda v: f"{v:,.0f} spots/s", "EnricherBenchmark.enrich"),
    Figure("encode", "row encoding: a 1,000-row batch to COPY's text (JMH)", "",
           None, lambda v: f"{v:,.0f} rows/s", "RowInsertsBenchmark.copyText:"
           " SpotCopyEncoder, what a writer thread does before pgjdbc sends the batch"),
    Figure("encode_insert", "row encoding: the same batch to the fallback insert's 23 array"
           " literals (JMH)", "", None, lambda v: f"{v:,.0f} rows/s",
           "RowInsertsBenchmark.insertStatement: SpotArrayEncoder, for a batch that meets a stored"
           " spot"),
]
BY_KEY = {f.key: f for f in FIGURES + INFO}


# ---------------------------------------------------------------------------------------------
# Processes, /proc and the database

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads) from /proc; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def cpu_of(pids):
    """{pid: cpu seconds} of those still running."""
    found = {}
    for pid in pids:
        seconds = cpu_seconds(pid)
        if seconds is not None:
            found[pid] = seconds
    return found


def cpu_delta(before, after):
    """CPU spent between two cpu_of() snapshots: a process present only in the second was started
    in between (a pool's second connection, an autovacuum worker), so all of its CPU counts."""
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def load_average():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


class Work:
    """A work directory, the processes started in it, and their end."""

    def __init__(self, path):
        self.path = path
        self.running = []

    def start(self, name, args, stdout_name=None):
        log = open(os.path.join(self.path, name + ".log"), "ab")
        out = open(os.path.join(self.path, stdout_name), "ab") if stdout_name else log
        process = subprocess.Popen(args, stdout=out, stderr=log, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        self.running.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.running):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.running.clear()


class BenchCluster(Cluster):
    """The storage drills' private cluster, with commit timestamps on."""

    def start(self):
        self.run("pg_ctl", "-D", self.dir, "-w", "-l", os.path.join(self.dir, "server.log"), "-o",
                 f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1"
                 " -c track_commit_timestamp=on", "start")

    def url(self, db="dx"):
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{db}"

    def psql_args(self, db):
        """psql on DB as postgres, unaligned tuples only, stopping at the first error."""
        return ["psql", "-X", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db,
                "-At", "-v", "ON_ERROR_STOP=1"]

    def psql(self, db, *commands):
        args = self.psql_args(db)
        for command in commands:
            args += ["-c", command]
        out = subprocess.run(args, check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def create(self, db):
        self.psql("dx", f"create database {db}")

    def postmaster_pid(self):
        with open(os.path.join(self.dir, "postmaster.pid")) as f:
            return int(f.readline())

    def all_pids(self):
        """The postmaster and its children (backends, WAL writer, checkpointer, ...)."""
        parent = self.postmaster_pid()
        pids = [parent]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rpartition(")")[2].split()[1]) == parent:
                            pids.append(int(entry))
                except OSError:
                    pass
        return pids

    def backends(self, db):
        out = self.psql(db, f"select pid from pg_stat_activity where datname = '{db}'"
                            " and application_name = 'dx-scraper'")
        return [int(line) for line in out.splitlines() if line]

    def count(self, db, table="spot", after_id=0):
        return int(self.psql(db, f"select count(*) from {table} where id > {after_id}"))

    def max_id(self, db):
        return int(self.psql(db, "select coalesce(max(id), 0) from spot"))


class Daemon:
    """One `dx-scraper run` on a database of the cluster, with its own data directory."""

    def __init__(self, work, jar, cluster, db, node_ports, name, jvm_options, *extra, wait=True):
        self.work, self.name = work, name
        self.metrics_port = free_port()
        nodes = []
        for i, port in enumerate(node_ports):
            nodes += ["--node", f"sim{i + 1 if len(node_ports) > 1 else ''}=127.0.0.1:{port}"]
        args = [java(), *jvm_options, "-jar", jar, "run", "--callsign", CALL, *nodes,
                "--db-url", cluster.url(db), "--db-user", "postgres",
                "--data-dir", os.path.join(work.path, name + "-data"),
                "--metrics-listen", f"127.0.0.1:{self.metrics_port}", *extra]
        self.process = work.start(name, args)
        self.pid = self.process.pid
        if wait:
            self.wait_up()

    def wait_up(self):
        wait_for(f"{self.name}'s /metrics", self.up, 180)
        return self

    def up(self):
        if self.process.poll() is not None:
            raise SystemExit(f"{self.name} exited with {self.process.returncode}; see"
                             f" {os.path.join(self.work.path, self.name + '.log')}")
        try:
            self.metrics()
            return True
        except OSError:
            return False

    def metrics(self):
        return scrape(self.metrics_port, timeout=10)

    def total(self, name):
        """Sum of a metric over its labels."""
        return sum(v for k, v in self.metrics().items() if k == name or k.startswith(name + "{"))

    def cpu(self):
        return cpu_seconds(self.pid)

    def jit_cpu(self):
        """CPU seconds of the JIT compiler threads (/proc/PID/task/*: "C1/C2 CompilerThre")."""
        total = 0
        task_dir = f"/proc/{self.pid}/task"
        for tid in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{tid}/comm") as f:
                    if "CompilerThre" not in f.read():
                        continue
                with open(f"{task_dir}/{tid}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (FileNotFoundError, ProcessLookupError):
                continue
        return total

    def gc_pauses(self):
        """(seconds paused by the collector since the start, count of pauses), from the
        daemon's own jvm_gc_pause_seconds."""
        values = self.metrics()
        total = sum(v for k, v in values.items() if k.startswith("jvm_gc_pause_seconds_sum"))
        count = sum(v for k, v in values.items() if k.startswith("jvm_gc_pause_seconds_count"))
        return total, count

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def spot_key(line):
    """The identity of a printed spot line as the spot table's unique key sees it."""
    spotter, _, rest = line[6:].partition(":")
    words = rest.split()
    return spotter.strip(), words[0], words[1], words[-1]


class Simulator:
    """`dx-scraper simulate` with one node per port; what it sent in NAME.sent, its log apart."""

    def __init__(self, work, jar, name, ports, seed, *options):
        self.work, self.name, self.ports = work, name, ports
        self.sent = os.path.join(work.path, name + ".sent")
        self.log = os.path.join(work.path, name + ".log")
        # Only a blast: at 1,000 spots/s C1 alone cost the simulator more, 1,393 ticks in 5 minutes
        # against 1,123 with the JVM's defaults (docs/BENCHMARKS.md, "A thirteenth session").
        jvm_options = SIM_JVM_OPTIONS if "--blast" in options else []
        args = [java(), *jvm_options, "-jar", jar, "simulate", "--seed", str(seed), *options]
        for port in ports:
            args += ["--listen", f"127.0.0.1:{port}"]
        self.process = work.start(name, args, stdout_name=name + ".sent")
        self.pid = self.process.pid
        wait_for(f"{name} to listen", lambda: self._log().count("simulate: listening on")
                 == len(ports) or self._died(), 120)

    def _died(self):
        if self.process.poll() is not None:
            raise SystemExit(f"{self.name} exited with {self.process.returncode}: {self._log()}")
        return False

    def _log(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def finished(self):
        """Every node has sent its last spot."""
        return self._log().count("sent all") >= len(self.ports)

    def wait_printed(self, spots):
        """Waits until every node has sent its last spot and all `spots` are printed: the
        simulator prints from a queue, a moment after sending."""
        wait_for(f"{self.name} to send and print {spots} spots",
                 lambda: self.finished() and self.spots_printed() >= spots or self._died(), 900)

    def spots_printed(self):
        with open(self.sent, "rb") as f:
            return sum(1 for line in f if line.startswith(b"DX de "))

    def lines_sent(self):
        with open(self.sent, errors="replace") as f:
            return sum(1 for _ in f)

    def distinct_spots(self):
        keys = set()
        with open(self.sent, encoding="latin-1") as f:
            for line in f:
                if line.startswith("DX de "):
                    keys.add(spot_key(line))
        return len(keys)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


def wait_rows(cluster, db, expected, after_id=0, stall=90):
    """Waits until `expected` rows are stored, or until the count has not moved for `stall` s."""
    last, moved = -1, time.monotonic()
    while True:
        rows = cluster.count(db, after_id=after_id)
        if rows >= expected:
            return rows
        if rows != last:
            last, moved = rows, time.monotonic()
        elif time.monotonic() - moved > stall:
            status(f"  only {rows} of {expected} rows after {stall} s without progress")
            return rows
        time.sleep(0.5)


def blast_timing(cluster, db, after_id=0):
    """(rows, first line received, first commit, last commit, rows of the first commit) of the
    rows with id > after_id, times as Unix seconds from the database's clock."""
    out = cluster.psql(db, f"""
        with r as (select received_at, pg_xact_commit_timestamp(xmin) as c from spot
                   where id > {after_id})
        select count(*), extract(epoch from min(received_at)), extract(epoch from min(c)),
               extract(epoch from max(c)), count(*) filter (where c = (select min(c) from r))
        from r""")
    rows, received, first, last, in_first = out.split("|")
    return int(rows), float(received), float(first), float(last), int(in_first)


# ---------------------------------------------------------------------------------------------
# Phases

def shipped_jvm_options():
    """The JVM options dx-scraper ships, from the one file that holds them (one option per line,
    '#' starts a comment), so that the figures follow when they change."""
    if not os.path.exists(SHIPPED_JVM_SOURCE):
        raise SystemExit(f"{SHIPPED_JVM_SOURCE} is missing; pass --jvm-options")
    options = []
    with open(SHIPPED_JVM_SOURCE) as f:
        for line in f:
            options += shlex.split(line.partition("#")[0])
    return options


def phase_jmh(ctx):
    """Parser, enrichment and row encoding with JMH, built from this source tree."""
    status("jmh: building the benchmarks (./mvnw test-compile, dependency:build-classpath)")
    cp_file = os.path.join(ctx.work.path, "classpath.txt")
    mvn = [os.path.join(ROOT, "mvnw"), "-q", "-o", "-pl", "scraper", "-am", "test-compile",
           "dependency:build-classpath", "-Dmdep.includeScope=test",
           f"-Dmdep.outputFile={cp_file}"]
    build = subprocess.run(mvn, cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0:
        build = subprocess.run([a for a in mvn if a != "-o"], cwd=ROOT, capture_output=True,
                               text=True)
    if build.returncode != 0:
        for key in ("parser", "cty_lookup", "enrich", "encode"):
            BY_KEY[key].why_missing = "the JMH build failed: " + build.stdout[-300:]
        status("jmh: build failed; skipping")
        return
    with open(cp_file) as f:
        classpath = ":".join([os.path.join(ROOT, "scraper", "target", "test-classes"),
                              os.path.join(ROOT, "scraper", "target", "classes"), f.read().strip()])
    result = os.path.join(ctx.work.path, "jmh.json")
    regex = "LineParserBenchmark|CtyDatBenchmark|EnricherBenchmark|RowInsertsBenchmark"
    status(f"jmh: running {regex} ({' '.join(ctx.mode['jmh'])})")
    with open(os.path.join(ctx.work.path, "jmh.log"), "w") as log:
        subprocess.run([java(), "-cp", classpath, "org.openjdk.jmh.Main", regex, *ctx.mode["jmh"],
                        "-rf", "json", "-rff", result], stdout=log, stderr=subprocess.STDOUT,
                       check=True)
    names = {"LineParserBenchmark.parseMix": "parser", "CtyDatBenchmark.lookup": "cty_lookup",
             "EnricherBenchmark.enrich": "enrich", "RowInsertsBenchmark.copyText": "encode",
             "RowInsertsBenchmark.insertStatement": "encode_insert"}
    with open(result) as f:
        for bench in json.load(f):
            key = names.get(".".join(bench["benchmark"].split(".")[-2:]))
            if key:
                for fork in bench["primaryMetric"]["rawData"]:
                    BY_KEY[key].values.extend(fork)
    for key in names.values():
        f = BY_KEY[key]
        status(f"jmh: {f.label}: {spread(f.values, f.fmt)}")


def phase_throughput(ctx):
    """End-to-end ratio to \\copy, and throughput with 1, 4 and 16 nodes, interleaved: a warm-up
    blast as large as a measured one, then each round blasts N spots at every daemon in turn, the
    1-node one followed by the \\copy of its rows. With --jfr, one more 1-node blast is recorded,
    outside the figures."""
    mode, cluster, work = ctx.mode, ctx.cluster, ctx.work
    daemons, ports = {}, {}
    for k in mode["nodes"]:
        cluster.create(f"t{k}")
        ports[k] = [free_port() for _ in range(k)]
        daemons[k] = Daemon(work, ctx.jar, cluster, f"t{k}", ports[k], f"daemon-t{k}",
                            ctx.jvm_options, "--backfill", "0", wait=False)
    for daemon in daemons.values():
        daemon.wait_up()
    status(f"throughput: daemons for {', '.join(map(str, mode['nodes']))} node(s) are up")
    seeds = iter(range(100, 100_000, 100))

    def blast(k, n, label, jfr_file=None):
        db, daemon = f"t{k}", daemons[k]
        cluster.psql(db, "truncate spot", "checkpoint")
        if jfr_file:
            jcmd(daemon.pid, "JFR.start", "name=bench", "settings=profile", JFR_SAMPLING)
        b0, c0 = cpu_of(cluster.all_pids()), daemon.cpu()
        sim = Simulator(work, ctx.sim_jar, f"sim-t{k}-{label.replace(' ', '')}", ports[k],
                        next(seeds), "--blast", "--count", str(n // k))
        sim.wait_printed(n // k * k)
        expected = sim.distinct_spots()
        rows = wait_rows(cluster, db, expected)
        c1, b1 = daemon.cpu(), cpu_of(cluster.all_pids())
        if jfr_file:
            jcmd(daemon.pid, "JFR.stop", "name=bench", f"filename={jfr_file}")
        sim.stop()
        stored, received, _, last, _ = blast_timing(cluster, db)
        rate = stored / (last - received)
        status(f"throughput: {label}, {k} node(s): {stored} of {expected} spots in"
               f" {last - received:.1f} s = {rate:,.0f} rows/s")
        if rows < expected:
            BY_KEY[f"rate_{k}"].notes.append(f"{label}: only {rows} of {expected} rows stored")
        return stored, rate, (c1 - c0) / stored * 1e6, cpu_delta(b0, b1) / stored * 1e6

    # A warm-up as large as a measured blast: after one of warm_blast's size the first round was
    # still the JIT's (ratio 0.37-0.44 in round 1, 0.53-0.61 in round 2 of the same runs), and the
    # figure is meant for a running daemon that meets a burst, not a freshly started one (the
    # drain phase and the first-minute figures show a young daemon; docs/BENCHMARKS.md).
    for k in mode["nodes"]:
        blast(k, mode["blast"], "warm-up")
    csv = os.path.join(work.path, "rows.csv")
    for rnd in range(1, mode["rounds"] + 1):
        for k in mode["nodes"]:
            stored, rate, daemon_us, cluster_us = blast(k, mode["blast"], f"round {rnd}")
            BY_KEY[f"rate_{k}"].values.append(rate)
            if k != 1:
                continue
            BY_KEY["blast_cpu"].values.append(daemon_us)
            BY_KEY["blast_backend"].values.append(cluster_us)
            cluster.psql("t1", f"\\copy (select {SPOT_COLUMNS} from spot order by id) to '{csv}'"
                               " with (format csv)")
            # Into the same table, spot itself (partitioned by week, as the daemon's rows are).
            # Until 2026-12-06 the reference was a plain table LIKE spot (LIKE copies no
            # partitions); side by side both took the rows at the same rate (101,000-110,000 and
            # 101,000-106,000 rows/s, docs/BENCHMARKS.md).
            cluster.psql("t1", "truncate spot", "checkpoint")
            out = cluster.psql("t1", "\\timing on",
                               f"\\copy spot ({SPOT_COLUMNS}) from '{csv}' with (format csv)")
            seconds = float(re.search(r"Time: ([\d.]+) ms", out).group(1)) / 1000
            copied = cluster.count("t1", "spot")
            BY_KEY["copy_rate"].values.append(copied / seconds)
            BY_KEY["e2e_ratio"].values.append(rate / (copied / seconds))
            status(f"throughput: round {rnd}, \\copy of the same {copied} rows: {seconds:.2f} s ="
                   f" {copied / seconds:,.0f} rows/s; ratio {rate / (copied / seconds):.2f}")
    if ctx.jfr:
        jfr_file = os.path.join(work.path, "end-to-end.jfr")
        blast(1, mode["blast"], "profiled (not counted)", jfr_file)
        ctx.jfr_files["the 1-node daemon during one more end-to-end blast"] = jfr_file
    for daemon in daemons.values():
        daemon.stop()


def jcmd(pid, *command):
    tool = os.path.join(os.path.dirname(shutil.which(java()) or java()), "jcmd")
    subprocess.run([tool, str(pid), *command], check=True, capture_output=True)


def warm_up(cluster, db, daemon, phase, least, most, window, settled=1):
    """Waits until the daemon is warm ("after warm-up", as #11 asks): the JIT compiler threads
    under JIT_SETTLED_US per spot in each of `settled` windows of `window` s in a row, after at
    least `least` and at most `most` seconds from now; says how it ended. A young daemon spends
    most of its CPU compiling, and at 1,000 spots/s code that runs once a batch takes minutes to
    reach C2, in bursts: one quiet minute was followed by C2 at 13 and 10 µs a spot (the run of
    03:11 UTC on 2026-12-06)."""
    started = time.monotonic()
    status(f"{phase}: warming up {least}-{most} s, until the JIT takes under"
           f" {JIT_SETTLED_US:.0f} µs a spot")
    time.sleep(least)  # the least warm-up
    quiet = 0
    while True:
        id0, j0 = cluster.max_id(db), daemon.jit_cpu()
        time.sleep(window)  # a window to judge the JIT by
        rows = max(1, cluster.max_id(db) - id0)
        jit = (daemon.jit_cpu() - j0) / rows * 1e6
        took = time.monotonic() - started
        quiet = quiet + 1 if jit <= JIT_SETTLED_US else 0
        if quiet >= settled:
            return (f"warm after {took:.0f} s (JIT {jit:.1f} µs/spot over the last {window} s,"
                    f" under {JIT_SETTLED_US:.0f} in {quiet} window(s) in a row)")
        if took >= most:
            return (f"warm-up cut at {took:.0f} s, the JIT still at {jit:.1f} µs/spot"
                    f" ({most} s is this mode's longest)")
        status(f"{phase}: warming up, {took:.0f} s: JIT {jit:.1f} µs/spot")


def phase_steady(ctx):
    """CPU per spot, line-to-commit latency at 1,000 spots/s; then idle CPU on the same daemon."""
    mode, cluster, work = ctx.mode, ctx.cluster, ctx.work
    for run in range(mode["steady_runs"]):
        db = f"steady{run}"
        cluster.create(db)
        port = free_port()
        # The stream must outlast the longest warm-up, which ends at the first judging window that
        # reaches steady_warm_max (30 + 15 x 60 = 930 s full, not 900), then every window and the
        # backend's reference (with 30 s for its export and set-up).
        window = mode["steady_window"]
        longest_warm = mode["steady_warm"] + window * math.ceil(
            (mode["steady_warm_max"] - mode["steady_warm"]) / window)
        seconds = longest_warm + mode["steady_windows"] * window + mode["steady_ref"] + 60
        profile = ctx.jfr and run == 0
        if profile:
            seconds += mode["steady_window"]
        sim = Simulator(work, ctx.sim_jar, f"sim-steady{run}", [port], 7 + run,
                        "--rate", "1000", "--count", str(1000 * seconds),
                        "--extra-one-in", RATE_FEED_EXTRA_ONE_IN, "--print-times")
        daemon = Daemon(work, ctx.jar, cluster, db, [port], f"daemon-steady{run}", ctx.jvm_options)
        started = time.monotonic()
        status("steady: 1,000 spots/s")
        warm = warm_up(cluster, db, daemon, "steady", mode["steady_warm"], mode["steady_warm_max"],
                       mode["steady_window"], mode["steady_settled"])
        BY_KEY["cpu_daemon"].notes.append(f"run {run + 1}: {warm}")
        first_id = cluster.max_id(db)
        gc0 = daemon.gc_pauses()
        batches0 = daemon.total("dx_scraper_db_batch_size_count")
        batch_rows0 = daemon.total("dx_scraper_db_batch_size_sum")
        window_start = time.monotonic()
        for w in range(mode["steady_windows"]):
            id0, c0, j0 = cluster.max_id(db), daemon.cpu(), daemon.jit_cpu()
            # Listed again at each end: the writer's pool opens its second connection when both
            # threads first want one at once, which may be in the middle of a window.
            b0, k0 = cpu_of(cluster.backends(db)), cpu_of(cluster.all_pids())
            time.sleep(mode["steady_window"])  # the measurement window
            id1, c1, j1 = cluster.max_id(db), daemon.cpu(), daemon.jit_cpu()
            b1, k1 = cpu_of(cluster.backends(db)), cpu_of(cluster.all_pids())
            backends = b1
            rows = cluster.count(db, after_id=id0) - cluster.count(db, after_id=id1)
            BY_KEY["cpu_daemon"].values.append((c1 - c0) / rows * 1e6)
            BY_KEY["cpu_backend"].values.append(cpu_delta(b0, b1) / rows * 1e6)
            BY_KEY["cpu_cluster"].values.append(cpu_delta(k0, k1) / rows * 1e6)
            BY_KEY["cpu_daemon"].notes.append(
                f"run {run + 1} window {w + 1}: {(j1 - j0) / rows * 1e6:.1f} µs/spot of it in the"
                " JIT compiler threads")
            status(f"steady: window {w + 1}: {rows} rows, daemon"
                   f" {(c1 - c0) / rows * 1e6:.1f} µs/spot (JIT {(j1 - j0) / rows * 1e6:.1f}), backends"
                   f" {cpu_delta(b0, b1) / rows * 1e6:.1f} µs/spot ({len(backends)} backends)")
        last_id = cluster.max_id(db)
        gc1 = daemon.gc_pauses()
        batches = daemon.total("dx_scraper_db_batch_size_count") - batches0
        if batches < 1:
            raise SystemExit("steady: the daemon committed no batch in its windows")
        batch_every = (time.monotonic() - window_start) / batches
        batch_rows = (daemon.total("dx_scraper_db_batch_size_sum") - batch_rows0) / batches
        BY_KEY["latency_p99"].notes.append(
            f"run {run + 1}: {gc1[1] - gc0[1]:.0f} collector pauses, {(gc1[0] - gc0[0]) * 1000:.0f}"
            " ms in all, during the windows")
        out = cluster.psql(db, f"""
            select percentile_disc(0.99) within group (order by ms) from (
                select extract(epoch from pg_xact_commit_timestamp(xmin) - received_at) * 1000
                as ms from spot where id > {first_id} and id <= {last_id}) l""")
        BY_KEY["latency_read_p99"].values.append(float(out))
        p50, p99, worst, count, rows = sent_to_commit(cluster, db, sim, first_id, last_id)
        BY_KEY["latency_p99"].values.append(p99)
        BY_KEY["latency_p50"].values.append(p50)
        BY_KEY["latency_max"].values.append(worst)
        status(f"steady: line sent -> commit over {count} of {rows} rows: p50 {p50:.0f} ms,"
               f" p99 {p99:.0f} ms, max {worst:.0f} ms; line read -> commit p99 {float(out):.0f} ms")
        reference = paced_copy_reference(ctx, run, db, first_id, last_id, batch_rows, batch_every)
        ours = median(BY_KEY["cpu_backend"].values[-mode["steady_windows"]:])
        BY_KEY["cpu_backend"].notes.append(
            f"run {run + 1}: {ours:.1f} µs a row (median of its windows) against {reference:.1f}"
            f" for `\\copy` of the same rows at the same pace: ratio {ours / reference:.2f}")
        if profile:
            # One more window under JFR, after the measured ones: the recording costs CPU too.
            jfr_file = os.path.join(work.path, "steady.jfr")
            jcmd(daemon.pid, "JFR.start", "name=bench", "settings=profile", JFR_SAMPLING)
            time.sleep(mode["steady_window"])  # the profiled window
            jcmd(daemon.pid, "JFR.stop", "name=bench", f"filename={jfr_file}")
            ctx.jfr_files["the daemon during one more window at 1,000 spots/s"] = jfr_file
        wait_for("the stream to end", sim.finished, seconds - (time.monotonic() - started) + 120)
        # The last batch commits and the JIT finishes what the stream made hot: /proc's
        # per-thread counters showed the compiler threads busy for 10-20 s after a stream ends,
        # and still compiling now and then for a minute (C1 and C2 were most of a 20 s window
        # taken 20 s after the stream); an idle daemon is one that has been idle for a while.
        time.sleep(mode["idle_settle"])
        connected = daemon.total("dx_scraper_cluster_connected")
        if connected != 1:
            BY_KEY["idle_cpu"].notes.append(f"run {run + 1}: not logged in ({connected})")
        c0, t0 = daemon.cpu(), time.monotonic()
        time.sleep(mode["idle"])  # the idle window
        c1, t1 = daemon.cpu(), time.monotonic()
        idle = (c1 - c0) / (t1 - t0) * 100
        BY_KEY["idle_cpu"].values.append(idle)
        status(f"steady: idle {t1 - t0:.0f} s, logged in: {c1 - c0:.2f} s CPU = {idle:.2f}%"
               " of a core")
        daemon.stop()
        sim.stop()


def paced_copy_reference(ctx, run, db, first_id, last_id, batch_rows, batch_every):
    """PostgreSQL's own CPU for the steady phase's rows, fed as the daemon fed them: `psql \\copy`
    of the daemon's rows from its windows, in batches of its mean size, one every its mean batch
    interval, each COPY its own transaction, into the daemon's own `spot` while the stream still
    runs (each spotter with " ref" appended, so that the rows are new to the unique key and sit
    beside the daemon's in its index). A 200-row COPY every 200 ms cost a psql backend 21-23 µs a
    row on the 2026-12-06 machine, back to back 11-17 (docs/BENCHMARKS.md, "A sixteenth
    session"): a backend that waits between batches starts each one cold, so the daemon's backends
    are judged against this, not only against the absolute target. Into a fresh database (60,000
    rows against the daemon's million) the reference read 17.9-19.1 µs a row; into the daemon's
    own table 24.8-27.7."""
    cluster, work, mode = ctx.cluster, ctx.work, ctx.mode
    rows_per_batch = max(1, round(batch_rows))
    batches = max(2, int(mode["steady_ref"] / batch_every))
    ref = f"steady{run}-reference"
    csv = os.path.join(work.path, f"{ref}.csv")
    # Every column the daemon's COPY writes, its name in `daemon` too.
    names = SPOT_COLUMNS + ", daemon"
    columns = ", ".join("spotter || ' ref'" if c.strip() == "spotter" else c.strip()
                        for c in names.split(","))
    cluster.psql(db, f"\\copy (select {columns} from spot where id > {first_id}"
                     f" and id <= {last_id} order by id limit {rows_per_batch * batches})"
                     f" to '{csv}' with (format csv)")
    with open(csv) as f:
        lines = f.readlines()
    chunks = []
    for i in range(0, len(lines), rows_per_batch):
        chunk = os.path.join(work.path, f"{ref}-{len(chunks):04d}.csv")
        with open(chunk, "w") as f:
            f.writelines(lines[i:i + rows_per_batch])
        chunks.append(chunk)
    if len(chunks) < 2:
        raise SystemExit(f"steady: the reference has {len(lines)} rows, not two batches of"
                         f" {rows_per_batch}")
    psql = subprocess.Popen([*cluster.psql_args(db), "-q"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(command):
        psql.stdin.write(command + "\n\\echo done\n")
        psql.stdin.flush()
        out = []
        while (line := psql.stdout.readline()) and line.strip() != "done":
            out.append(line.strip())
        if not line:
            raise SystemExit(f"steady: the reference's psql ended at {command!r}")
        return out

    try:
        pid = int(send("select pg_backend_pid();")[0])
        send(f"\\copy spot ({names}) from '{chunks[0]}' with (format csv)")  # relcache, plans
        before, started = cpu_of([pid]), time.monotonic()
        for i, chunk in enumerate(chunks[1:], 1):
            time.sleep(max(0.0, started + i * batch_every - time.monotonic()))
            send(f"\\copy spot ({names}) from '{chunk}' with (format csv)")
        after = cpu_of([pid])
    finally:
        psql.stdin.close()
        try:
            psql.wait(timeout=30)
        except subprocess.TimeoutExpired:
            psql.kill()
    copied = len(lines) - rows_per_batch  # all but the first batch; a failed COPY ends psql
    per_row = cpu_delta(before, after) / copied * 1e6
    if per_row <= 0:
        raise SystemExit(f"steady: the reference's backend (pid {pid}) took no CPU in /proc")
    BY_KEY["cpu_backend_ref"].values.append(per_row)
    BY_KEY["cpu_backend_ref"].notes.append(
        f"run {run + 1}: {len(chunks) - 1} batches of {rows_per_batch} rows, one every"
        f" {batch_every * 1000:.0f} ms")
    status(f"steady: reference, `\\copy` of {copied} of the same rows in {len(chunks) - 1} batches"
           f" of {rows_per_batch}, one every {batch_every * 1000:.0f} ms: backend {per_row:.1f}"
           " µs/row")
    return per_row


def sent_to_commit(cluster, db, sim, first_id, last_id):
    """(p50, p99, max in ms, rows matched, rows) from the time the simulator sent each spot's line
    (its --print-times) to the commit of the row, over the rows first_id < id <= last_id. A spot is
    matched by the spot table's identity: spotter, DX call, frequency and the line's minute."""
    times = os.path.join(sim.work.path, sim.name + ".times")
    with open(sim.sent, encoding="latin-1") as src, open(times, "w", encoding="latin-1") as out:
        for line in src:
            micros, tab, text = line.partition("\t")
            if tab and text.startswith("DX de "):
                spotter, freq, dx, hhmm = spot_key(text)
                out.write(f"{spotter}\t{freq}\t{dx}\t{hhmm[:4]}\t{micros}\n")
    # The simulator prints from a buffer, so the file may end a moment before the newest rows:
    # only rows committed before the last send time it holds count (their lines are all in it).
    kept = f"""s.id > {first_id} and s.id <= {last_id}
               and pg_xact_commit_timestamp(s.xmin) < (select to_timestamp(max(micros) / 1e6)
                                                       from sent)"""
    out = cluster.psql(
        db, "create temp table sent (spotter text, freq numeric, dx text, hhmm text, micros bigint)",
        f"\\copy sent from '{times}'",
        f"""select percentile_disc(array[0.5, 0.99]) within group (order by ms), max(ms), count(*),
                   (select count(*) from spot s where {kept})
            from (select extract(epoch from pg_xact_commit_timestamp(s.xmin)) * 1000
                         - min(t.micros) / 1000.0 as ms
                  from spot s join sent t
                    on t.spotter = s.spotter and t.dx = s.dx_call
                   and round(t.freq, 1) = round(s.frequency_khz, 1)
                   and t.hhmm = to_char(s.spotted_at at time zone 'UTC', 'HH24MI')
                  where {kept}
                  group by s.id, s.xmin) l""").splitlines()[-1]
    quantiles, worst, count, rows = out.split("|")
    p50, p99 = (float(q) for q in quantiles.strip("{}").split(","))
    if int(count) < 0.99 * int(rows):
        raise ValueError(f"only {count} of {rows} rows matched a line the simulator printed")
    return p50, p99, float(worst), int(count), int(rows)


class Scraper(threading.Thread):
    """GETs /metrics every `every` seconds on one kept-alive connection, timing each answer."""

    def __init__(self, port, every=0.05):
        super().__init__(daemon=True)
        self.port, self.every = port, every
        self.times = []
        self.failures = 0
        self.stopping = threading.Event()

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stopping.is_set():
            started = time.perf_counter()
            try:
                connection.request("GET", "/metrics")
                connection.getresponse().read()
                self.times.append((time.perf_counter() - started) * 1000)
            except (OSError, http.client.HTTPException) as e:
                # Counted and said, not the end of the phase: the scrapes run for minutes.
                self.failures += 1
                status(f"/metrics GET failed ({e!r}); reconnecting")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            self.stopping.wait(max(0.0, self.every - (time.perf_counter() - started)))
        connection.close()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_samples(pid, seconds):
    """VmRSS of `pid` in MB, once a second for `seconds`."""
    samples, started = [], time.monotonic()
    while time.monotonic() - started < seconds:
        samples.append(rss_mb(pid))
        time.sleep(1)  # the sampling interval
    return samples


def phase_fast(ctx):
    """RSS, /metrics latency and CPU per spot at 10,000 spots/s: shipped JVM options and the JVM's
    defaults, alternately. Each daemon is scraped from fast_warm s on; its first fast_window s
    of scrapes are reported on their own (the JIT still compiling), the figures are taken over a
    window after the steady phase's warm-up criterion (warm_up) is met."""
    mode, cluster, work = ctx.mode, ctx.cluster, ctx.work
    runs = []
    for i in range(mode["fast_runs"]):
        runs += [("shipped", ctx.jvm_options), ("defaults", [])]
    for run, (kind, options) in enumerate(runs):
        db = f"fast{run}"
        cluster.create(db)
        port = free_port()
        sim = Simulator(work, ctx.sim_jar, f"sim-fast{run}", [port], 30 + run, "--rate", "10000",
                        "--extra-one-in", RATE_FEED_EXTRA_ONE_IN)
        daemon = Daemon(work, ctx.jar, cluster, db, [port], f"daemon-fast{run}", options)
        status(f"fast: 10,000 spots/s, JVM options {kind} ({' '.join(options) or 'none'}),"
               f" scraped from {mode['fast_warm']} s on")
        time.sleep(mode["fast_warm"])  # before the first scrape
        scraper = Scraper(daemon.metrics_port)
        scraper.start()
        early = rss_samples(daemon.pid, mode["fast_window"])
        early_times = list(scraper.times)
        warm = warm_up(cluster, db, daemon, "fast", 0, mode["fast_warm_max"],
                       mode["fast_cpu_window"])
        BY_KEY["rss" if kind == "shipped" else "rss_default"].notes.append(
            f"{kind}: after its first {mode['fast_warm'] + mode['fast_window']} s, {warm}")
        gc0 = daemon.gc_pauses()
        first = len(scraper.times)
        id0, t0 = cluster.max_id(db), time.monotonic()
        samples = rss_samples(daemon.pid, mode["fast_window"])
        id1, t1 = cluster.max_id(db), time.monotonic()
        times = scraper.times[first:]
        scraper.stopping.set()
        scraper.join()
        rows = max(1, cluster.count(db, after_id=id0) - cluster.count(db, after_id=id1))
        rate = rows / (t1 - t0)
        gc1 = daemon.gc_pauses()
        # CPU a spot without the 20 scrapes a second, which would cost 2-4 µs a spot on their own.
        id2, c2 = cluster.max_id(db), daemon.cpu()
        time.sleep(mode["fast_cpu_window"])  # the CPU window
        id3, c3 = cluster.max_id(db), daemon.cpu()
        cpu_rows = max(1, cluster.count(db, after_id=id2) - cluster.count(db, after_id=id3))
        cpu = (c3 - c2) / cpu_rows * 1e6
        lag = daemon.total("dx_scraper_journal_checkpoint_lag_lines")
        if scraper.failures:
            BY_KEY["metrics_p99"].notes.append(f"{kind}: {scraper.failures} GETs failed")
        BY_KEY["metrics_p99" if kind == "shipped" else "rss_default"].notes.append(
            f"{kind}: {gc1[1] - gc0[1]:.0f} collector pauses, {(gc1[0] - gc0[0]) * 1000:.0f} ms in"
            " all, during the window")
        BY_KEY["fast_rate"].values.append(rate)
        BY_KEY["rss" if kind == "shipped" else "rss_default"].values.append(max(samples))
        if kind == "shipped":
            BY_KEY["metrics_p99"].values.append(percentile(times, 0.99))
            BY_KEY["metrics_p50"].values.append(percentile(times, 0.5))
            BY_KEY["metrics_p99_early"].values.append(percentile(early_times, 0.99))
            BY_KEY["rss_early"].values.append(max(early))
            BY_KEY["cpu_fast"].values.append(cpu)
        note = (f"{kind}: stored {rate:,.0f} rows/s while 10,000/s were sent, {lag:,.0f} lines"
                f" behind at the end")
        if rate < 9_500:
            BY_KEY["rss"].notes.append(note + ": not steady, the daemon did not keep up")
        status(f"fast: {note}; RSS max {max(samples):.0f} MB, median"
               f" {median(samples):.0f} MB (first minute: max {max(early):.0f} MB);"
               f" /metrics {len(times)} GETs, p50 {percentile(times, 0.5):.1f} ms, p99"
               f" {percentile(times, 0.99):.1f} ms (first minute: p99"
               f" {percentile(early_times, 0.99):.1f} ms); daemon {cpu:.1f} µs/spot")
        daemon.stop()
        sim.stop()


def phase_drain(ctx):
    """PostgreSQL down while a blast is read into the journal; then the drain rate."""
    mode, cluster, work = ctx.mode, ctx.cluster, ctx.work
    cluster.create("drain")
    port = free_port()
    # The node does not listen yet: the daemon starts, migrates and retries the node meanwhile.
    daemon = Daemon(work, ctx.jar, cluster, "drain", [port], "daemon-drain", ctx.jvm_options,
                    "--backfill", "0")
    cluster.stop()
    status(f"drain: PostgreSQL stopped; blasting {mode['drain']:,} spots into the journal")
    sim = Simulator(work, ctx.sim_jar, "sim-drain", [port], 50, "--blast", "--count",
                    str(mode["drain"]))
    sim.wait_printed(mode["drain"])
    sent = sim.lines_sent()
    # Lines past the in-memory backlog are only journalled, not yet counted as received.
    wait_for("the daemon to journal every line",
             lambda: daemon.total("dx_scraper_journal_appended_total") >= sent, 300)
    expected = sim.distinct_spots()
    lag = daemon.total("dx_scraper_journal_checkpoint_lag_lines")
    backlog = daemon.total("dx_scraper_backlog_spots")
    journal = daemon.total("dx_scraper_journal_bytes")
    cluster.start()
    up = time.time()
    status(f"drain: PostgreSQL started with {lag:,.0f} lines after the checkpoint"
           f" ({backlog:,.0f} rows in memory, journal {journal / 1e6:.0f} MB)")
    rows = wait_rows(cluster, "drain", expected, stall=120)
    stored, _, first, last, in_first = blast_timing(cluster, "drain")
    rate = (stored - in_first) / (last - first)
    BY_KEY["drain"].values.append(rate)
    if lag <= backlog:
        BY_KEY["drain"].notes.append(
            "the whole backlog fitted in the writer's memory (--max-backlog), so this run did not"
            " read the journal back; the full run's 500,000 spots do")
    # pg_ctl returns a moment after the server accepts connections, so a writer retrying just
    # then commits "before" it: that is no wait at all.
    wait = max(0.0, first - up)
    backoff = " (the writer's retry backoff)" if wait >= 0.5 else ""
    BY_KEY["drain"].notes.append(
        f"{stored:,} of {expected:,} rows; backlog {lag:,.0f} lines, of them {backlog:,.0f} rows"
        f" in memory; first commit {wait:.1f} s after PostgreSQL was up{backoff}, then"
        f" {last - first:.1f} s to the last")
    status(f"drain: {rows} rows; first commit {wait:.1f} s after start, then {rate:,.0f} rows/s")
    daemon.stop()
    sim.stop()


def prefill(cluster, db, rows):
    """`rows` plausible spots in the past, made by SQL, with the indexes built afterwards."""
    # spot is partitioned by week (V10): the weeks the rows fall in get their partitions first, as
    # a daemon running all along would have made them, instead of the new database's empty first
    # partition, which covers everything before next week.
    days = rows // (30 * 1440) + 2
    cluster.psql(db, "drop table spot_legacy",
                 "select dx_scraper_create_partitions('spot', array(select generate_series("
                     f"now() - interval '{days} days', now() + interval '14 days',"
                     " interval '1 day')))")
    # The partitioned indexes read "ON ONLY spot": made again without ONLY, on every partition.
    indexes = [d.replace(" ON ONLY ", " ON ")
               for d in cluster.psql(db, "select indexdef from pg_indexes where tablename = 'spot'"
                                         " and indexname <> 'spot_pkey'").splitlines()]
    names = [re.search(r"INDEX (\S+) ON", d).group(1) for d in indexes]
    cluster.psql(db, *[f"drop index {name}" for name in names])
    # About 30 spots a minute going back from now: distinct identities by construction (within a
    # minute, band and the 10 kHz step differ), 100,000 DX calls and 20,000 spotters shaped like
    # calls, a quarter of the spotters skimmers, and the columns the enricher fills.
    calls = ("chr((65 + {h} % 26)::int) || chr((65 + {h} / 26 % 26)::int)"
             " || ({h} / 676 % 10)::text || chr((65 + {h} / 6760 % 26)::int)")
    step = 1_000_000
    for start in range(0, rows, step):
        end = min(rows, start + step)
        cluster.psql(db, f"""
            insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call,
                              comment, band, mode, mode_source, snr_db, speed, speed_unit,
                              spot_type, dx_entity, dx_continent, dx_cq_zone, spotter_entity,
                              spotter_continent, spotter_cq_zone)
            select t, t + interval '3 seconds', 'sim',
                   {calls.format(h='(i * 40503 % 20000)')}
                     || case when i % 4 = 0 then '-#' else '' end,
                   (array[1820, 3520, 7020, 10110, 14020, 18080, 21020, 24900, 28020, 50100])
                     [(1 + i % 10)::int] + (i / 10 % 3) * 10 + (i * 7 % 100) / 10.0,
                   {calls.format(h='(i * 2654435761 % 100000)')},
                   case when i % 4 = 0 then 'CW 24 dB 22 WPM CQ' else 'tnx QSO 599' end,
                   (array['160m', '80m', '40m', '30m', '20m', '17m', '15m', '12m', '10m', '6m'])
                     [(1 + i % 10)::int],
                   'CW', case when i % 4 = 0 then 'stated' else 'inferred' end,
                   case when i % 4 = 0 then 24 end, case when i % 4 = 0 then 22 end,
                   case when i % 4 = 0 then 'WPM' end, case when i % 4 = 0 then 'CQ' end,
                   (array['Germany', 'United States', 'Japan', 'Spain', 'Brazil'])[(1 + i % 5)::int],
                   (array['EU', 'NA', 'AS', 'EU', 'SA'])[(1 + i % 5)::int], 14 + i % 5,
                   (array['Germany', 'United States', 'Japan', 'Spain', 'Brazil'])[(1 + i / 5 % 5)::int],
                   (array['EU', 'NA', 'AS', 'EU', 'SA'])[(1 + i / 5 % 5)::int], 14 + i / 5 % 5
            from (select i::bigint as i,
                         date_trunc('minute', now()) - interval '1 minute' * (1 + i / 30) as t
                  from generate_series({start}, {end - 1}) i) s""")
        status(f"big: {end:,} of {rows:,} rows")
    cluster.psql(db, "set maintenance_work_mem = '512MB'", *indexes)
    cluster.psql(db, "vacuum analyze spot", "checkpoint")


def phase_big(ctx):
    """Insert rate into a database holding 10 million spots, as a ratio to an empty one."""
    mode, cluster, work = ctx.mode, ctx.cluster, ctx.work
    for db in ("big", "empty"):
        cluster.create(db)
    subprocess.run([java(), "-jar", ctx.jar, "migrate", "--db-url", cluster.url("big"),
                    "--db-user", "postgres"], check=True, capture_output=True)
    status(f"big: prefilling {mode['prefill']:,} rows")
    started = time.monotonic()
    prefill(cluster, "big", mode["prefill"])
    size = cluster.psql("big", "select pg_size_pretty(sum(pg_total_relation_size(inhrelid)))"
                               " from pg_inherits where inhparent = 'spot'::regclass")
    status(f"big: prefilled in {time.monotonic() - started:.0f} s; spot is {size}")
    BY_KEY["big_ratio"].notes.append(f"prefilled {mode['prefill']:,} rows, spot {size} with its"
                                     " indexes; PostgreSQL's shared_buffers are initdb's 128 MB")
    ports = {db: free_port() for db in ("big", "empty")}
    daemons = {db: Daemon(work, ctx.jar, cluster, db, [ports[db]], f"daemon-{db}",
                          ctx.jvm_options, "--backfill", "0", wait=False) for db in ("big", "empty")}
    for daemon in daemons.values():
        daemon.wait_up()
    seed, rates = 900, {"big": [], "empty": []}
    # Quick mode has no warm-up round: both daemons are cold at their first blast, alike.
    for rnd in range(0 if mode["big_warm"] else 1, mode["big_rounds"] + 1):
        warm = rnd == 0
        order = ("big", "empty") if rnd % 2 else ("empty", "big")
        for db in order:
            if db == "empty":
                cluster.psql(db, "truncate spot")
            cluster.psql(db, "checkpoint")
            after = cluster.max_id(db)
            seed += 1
            n = mode["warm_blast"] if warm else mode["big_blast"]
            sim = Simulator(work, ctx.sim_jar, f"sim-{db}-r{rnd}", [ports[db]], seed, "--blast",
                            "--count", str(n))
            sim.wait_printed(n)
            expected = sim.distinct_spots()
            wait_rows(cluster, db, expected, after_id=after)
            sim.stop()
            stored, received, _, last, _ = blast_timing(cluster, db, after)
            rate = stored / (last - received)
            status(f"big: {'warm-up' if warm else f'round {rnd}'}, {db}: {stored} rows,"
                   f" {rate:,.0f} rows/s")
            if not warm:
                rates[db].append(rate)
        if not warm:
            BY_KEY["big_ratio"].values.append(rates["big"][-1] / rates["empty"][-1])
    BY_KEY["big_rate"].values.extend(rates["big"])
    BY_KEY["empty_rate"].values.extend(rates["empty"])
    for daemon in daemons.values():
        daemon.stop()


PHASES = {"jmh": phase_jmh, "throughput": phase_throughput, "steady": phase_steady,
          "fast": phase_fast, "drain": phase_drain, "big": phase_big}
PHASE_FIGURES = {
    "jmh": ["parser", "cty_lookup", "enrich", "encode"],
    "throughput": ["e2e_ratio", "rate_1", "rate_4", "rate_16", "copy_rate", "blast_cpu",
                   "blast_backend"],
    "steady": ["cpu_daemon", "cpu_backend", "idle_cpu", "latency_p99", "cpu_backend_ref",
               "cpu_cluster", "latency_p50", "latency_max", "latency_read_p99"],
    "fast": ["rss", "metrics_p99", "rss_default", "fast_rate", "metrics_p50"],
    "drain": ["drain"],
    "big": ["big_ratio", "big_rate", "empty_rate"],
}


# ---------------------------------------------------------------------------------------------
# The profile

# JFR's profile settings sample each Java thread every 10-20 ms: a 3 s blast gave 10 samples.
# Every millisecond gives hundreds.
JFR_SAMPLING = "jdk.ExecutionSample#period=1ms"


def jfr_tool():
    return os.path.join(os.path.dirname(shutil.which(java()) or java()), "jfr")


def seconds_of(text):
    """A JFR duration as `jfr print` writes it ("195 ms", "9.39 ms", "1.20 s", "850 us")."""
    number, unit = text.split()
    return float(number) * {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}.get(unit, 0)


def profile(title, path, limit=12):
    """Markdown lines for one recording: where the execution samples are (threads, top frames,
    the innermost dx-scraper frame of each stack) and the garbage collector's pauses."""
    out = subprocess.run([jfr_tool(), "print", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample", path], capture_output=True, text=True,
                         check=True).stdout
    top, threads, ours, total = {}, {}, {}, 0
    for event in out.split("jdk.ExecutionSample {")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', event)
        frames = re.findall(r"^\s{4}(\S.*?)(?:\s+line: \d+)?\s*$",
                            event.partition("stackTrace = [")[2], re.M)
        frames = [f for f in frames if f not in ("]", "...")]
        if not frames:
            continue
        total += 1
        name = re.sub(r"-\d+$", "-N", thread.group(1) if thread else "?")
        threads[name] = threads.get(name, 0) + 1
        top[frames[0]] = top.get(frames[0], 0) + 1
        own = next((f for f in frames if f.startswith("org.dxscraper.")), "(no dx-scraper frame)")
        ours[own] = ours.get(own, 0) + 1
    gcs = subprocess.run([jfr_tool(), "print", "--events", "jdk.GarbageCollection", path],
                         capture_output=True, text=True, check=True).stdout
    pauses = [seconds_of(p) for p in re.findall(r"sumOfPauses = ([\d.]+ \w+)", gcs)]
    summary = subprocess.run([jfr_tool(), "summary", path], capture_output=True, text=True,
                             check=True).stdout
    start = re.search(r"Start: (\S+ \S+)", summary)
    length = re.search(r"Duration: ([\d.]+) s", summary)
    lines = [f"**{title}** ({length.group(1) if length else '?'} s recorded from"
             f" {start.group(1) if start else '?'}): {total:,} execution samples;"
             f" {len(pauses)} garbage collections pausing {sum(pauses) * 1000:.0f} ms in all"
             f" (longest {max(pauses, default=0) * 1000:.0f} ms)."]
    for heading, table in (("thread", threads), ("top frame (self)", top),
                           ("innermost dx-scraper frame (inclusive)", ours)):
        lines += ["", f"| {heading} | samples |", "|---|---|"]
        for key, count in sorted(table.items(), key=lambda kv: -kv[1])[:limit]:
            lines.append(f"| `{key}` | {100 * count / max(total, 1):.1f}% |")
    return lines + [""]


# ---------------------------------------------------------------------------------------------
# The report

def machine():
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) / 1024 / 1024
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    system = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    system = line.partition("=")[2].strip().strip('"')
    return f"{os.cpu_count()} cores ({model}), {ram:.1f} GiB RAM, {system}"


def jar_label(jar):
    """The jar's path, and this tree's commit when the jar was built in it."""
    if not jar.startswith(ROOT + os.sep):
        return jar
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return f"{os.path.relpath(jar, ROOT)}, built from {commit}{' with changes' if dirty else ''}"


def jdk():
    out = subprocess.run([java(), "-version"], capture_output=True, text=True).stderr
    return " / ".join(out.splitlines()[:2])


def report(ctx, phases, started_at, loads):
    lines = [BEGIN, "", "## Benchmark suite (#11): latest run", ""]
    lines.append(f"Written by `{ctx.command}` on {started_at:%Y-%m-%d %H:%M} UTC"
                 f" ({ctx.mode_name} mode, {(time.monotonic() - STARTED) / 60:.0f} minutes).")
    lines.append("")
    lines.append(f"- Machine: {machine()}; load average {loads[0]} at the start,"
                 f" {loads[1]} at the end (other work shares it).")
    lines.append(f"- JDK: {jdk()}.")
    lines.append(f"- PostgreSQL: {ctx.pg_version}, a private cluster on loopback (initdb's settings,"
                 " fsync and synchronous_commit on, plus track_commit_timestamp=on).")
    sim = "" if ctx.sim_jar == ctx.jar else f"; simulator from `{ctx.sim_jar}`"
    lines.append(f"- Daemon: {ctx.jar_label}{sim}, journal on, JVM options"
                 f" `{' '.join(ctx.jvm_options) or '(none)'}` ({ctx.jvm_source}); phases:"
                 f" {', '.join(phases)}.")
    lines.append(f"- Simulator (the load): JVM options `{' '.join(SIM_JVM_OPTIONS)}` for the blasts,"
                 " the JVM's defaults at a steady rate.")
    lines += ["", "| figure | target | measured: median (min-max, repeats) | result |",
              "|---|---|---|---|"]
    for f in FIGURES:
        value = spread(f.values, f.fmt) if f.values else (f.why_missing or "not measured")
        if f.key == "big_ratio" and f.values and ctx.mode["prefill"] != 10_000_000:
            value += f" with only {ctx.mode['prefill']:,} rows stored ({ctx.mode_name} mode)"
        lines.append(f"| {f.label} | {f.target} | {value} | {f.verdict()} |")
    lines += ["", "Also measured in the same run (no target):", "",
              "| figure | measured: median (min-max, repeats) |", "|---|---|"]
    for f in INFO:
        if f.values:
            lines.append(f"| {f.label} | {spread(f.values, f.fmt)} |")
    failed = [f for f in FIGURES if f.verdict() == "FAIL"]
    if failed:
        lines += ["", "### Bottlenecks of the FAILs", ""]
        for f in failed:
            lines.append(f"- {f.label}: see \"Where the time goes\" below the suite's section")
    if ctx.jfr_lines:
        lines += ["", "### Profiles (`--jfr`: JFR's profile settings, recorded after the measured"
                  " windows so that they do not weigh on the figures)", "", *ctx.jfr_lines]
    lines += ["", "### How each figure was taken", ""]
    for f in FIGURES + INFO:
        if (f.values or f.notes) and (f.how or f.notes):
            text = f"- {f.label}: {f.how}." if f.how else f"- {f.label}."
            if f.notes:
                text += " This run: " + "; ".join(f.notes) + "."
            lines.append(text)
    lines += ["", END]
    return "\n".join(lines) + "\n"


def write_section(path, section):
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


class Context:
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="every figure from smaller runs, 6-9 minutes")
    parser.add_argument("--jar", default=DEFAULT_JAR, help="the dx-scraper.jar to measure")
    parser.add_argument("--label", default=None,
                        help="what the jar was built from, for the report (default: this tree's"
                             " commit when the jar is in it)")
    parser.add_argument("--sim-jar", default=None,
                        help="the dx-scraper.jar whose `simulate` sends the spots (default: --jar);"
                             " it needs --blast, so another build's daemon can be measured")
    parser.add_argument("--out", default=DEFAULT_OUT,
                        help="markdown file whose benchmark-suite section is replaced; '-' prints")
    parser.add_argument("--jfr", action="store_true",
                        help="profile the daemon with JFR (one more blast, one more window at"
                             " 1,000/s, outside the figures) and print where its time goes")
    parser.add_argument("--only", default=",".join(PHASES),
                        help=f"comma-separated phases, of {', '.join(PHASES)}")
    parser.add_argument("--jvm-options", default=None,
                        help="JVM options for the daemon instead of the shipped ones")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    phases = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        parser.error(f"no phase {unknown}; there are {list(PHASES)}")
    for jar in (args.jar, args.sim_jar or args.jar):
        if not os.path.exists(jar):
            sys.exit(f"{jar} is missing: build it with ./mvnw -q package -DskipTests")

    ctx = Context()
    ctx.mode_name = "quick" if args.quick else "full"
    ctx.mode = MODES[ctx.mode_name]
    ctx.jar = os.path.abspath(args.jar)
    ctx.sim_jar = os.path.abspath(args.sim_jar or args.jar)
    ctx.jar_label = args.label or jar_label(ctx.jar)
    ctx.jfr, ctx.jfr_files, ctx.jfr_lines = args.jfr, {}, []
    if args.jvm_options is None:
        ctx.jvm_options = shipped_jvm_options()
        ctx.jvm_source = f"shipped: {os.path.relpath(SHIPPED_JVM_SOURCE, ROOT)}"
    else:
        ctx.jvm_options = shlex.split(args.jvm_options)
        ctx.jvm_source = "given with --jvm-options"
    script = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    ctx.command = " ".join(["python3", script, *map(shlex.quote, sys.argv[1:])])
    started_at = datetime.datetime.now(datetime.timezone.utc)
    loads = [load_average()]
    work = Work(tempfile.mkdtemp(prefix="dx-bench-"))
    ctx.work = work
    status(f"benchmark ({ctx.mode_name}): phases {', '.join(phases)}; work in {work.path};"
           f" JVM options {' '.join(ctx.jvm_options) or '(none)'}; load {loads[0]}")
    ok = False
    try:
        if any(p != "jmh" for p in phases):
            ctx.cluster = BenchCluster(work.path)
            ctx.pg_version = subprocess.run([os.path.join(ctx.cluster.bin, "postgres"),
                                             "--version"], capture_output=True,
                                            text=True).stdout.strip()
        else:
            ctx.pg_version = "(not used)"
        for name in phases:
            phase_started = time.monotonic()
            try:
                PHASES[name](ctx)
            except (subprocess.CalledProcessError, SystemExit, OSError, ValueError) as e:
                detail = getattr(e, "stderr", None) or e
                status(f"{name}: failed: {str(detail).strip()[-400:]}")
                for key in PHASE_FIGURES[name]:
                    if not BY_KEY[key].values:
                        BY_KEY[key].why_missing = f"not measured: the {name} phase failed ({e})"
                work.stop_all()
                if name == "drain":
                    ctx.cluster.start()  # whatever state the outage left it in
            status(f"{name}: done in {time.monotonic() - phase_started:.0f} s")
        for title, path in ctx.jfr_files.items():
            ctx.jfr_lines += profile(title, path)
        if ctx.jfr_lines:
            print("\n".join(ctx.jfr_lines), flush=True)
        ok = True
    finally:
        work.stop_all()
        stop_clusters()
        if ok and not args.keep:
            shutil.rmtree(os.path.join(work.path, "pg"), ignore_errors=True)
        status(f"logs in {work.path}")
    loads.append(load_average())
    section = report(ctx, phases, started_at, loads)
    print(section)
    if args.out != "-":
        write_section(args.out, section)
        status(f"wrote the benchmark-suite section of {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
