#!/usr/bin/env python3
"""Storage fault drills and a soak: the built daemon against the built simulator and a private
PostgreSQL cluster of the installed server, with the faults an operator meets.

Each drill starts its own cluster (initdb, pg_ctl), `dx-scraper simulate` and `dx-scraper run`
as separate processes on loopback, and at the end checks that every spot the simulator sent is one
row. The figures in docs/RESILIENCE.md ("Storage drills") come from here. Not part of
`./mvnw verify` (the outage drill alone takes seven minutes); the integration tests
JournalKillIT, JournalOutageIT and JournalFullDiskIT cover the same behaviour with shorter
timings.

    ./mvnw -q package -DskipTests
    python3 scripts/storage_drills.py outage kill        # the drills
    python3 scripts/storage_drills.py soak --minutes 60   # faults every minute for an hour

Needs: a JDK 21+ (JAVA_HOME or java on PATH), PostgreSQL's server binaries
(/usr/lib/postgresql/*/bin) and psql; run as root it runs the cluster as user postgres.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connection_drills import JAR, CALL, Daemon, Processes, free_port, java, wait_for  # noqa: E402


CLUSTERS = []


class Cluster:
    """A private PostgreSQL cluster: initdb once, then start and stop at will."""

    def __init__(self, work):
        CLUSTERS.append(self)
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            sys.exit("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bin = os.path.dirname(bins[-1])
        self.dir = os.path.join(work, "pg")
        self.port = free_port()
        os.makedirs(self.dir)
        self.as_user = []
        if os.geteuid() == 0:  # initdb refuses root
            shutil.chown(work, "postgres")
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.run("initdb", "-D", self.dir, "-A", "trust", "-U", "postgres")
        self.start()
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "-qc", "create database dx"], check=True)

    def run(self, tool, *args):
        subprocess.run([*self.as_user, os.path.join(self.bin, tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.run("pg_ctl", "-D", self.dir, "-w", "-l", os.path.join(self.dir, "server.log"), "-o",
                 f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.dir, "-w", "-m", "fast", "stop")

    def url(self):
        return f"jdbc:postgresql://127.0.0.1:{self.port}/dx"

    def rows(self):
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "dx",
             "-Atc", "select count(*), count(distinct (dx_call, spotter, frequency_khz)) from spot"],
            check=True, capture_output=True, text=True)
        total, distinct = out.stdout.strip().split("|")
        return int(total), int(distinct)


def stop_clusters():
    """Stops every cluster made by this process (immediate: a drill's end, or a failure)."""
    for cluster in CLUSTERS:
        subprocess.run([*cluster.as_user, os.path.join(cluster.bin, "pg_ctl"), "-D",
                        cluster.dir, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    CLUSTERS.clear()


class Run:
    """One `dx-scraper run` process on the cluster, with its own log."""

    def __init__(self, p, cluster, node_port, metrics_port, name, *options):
        self.log = os.path.join(p.work, name + ".log")
        self.metrics_port = metrics_port
        self.process = p.start(name, [
            java(), "-jar", JAR, "run", "--callsign", CALL, "--node", f"sim=127.0.0.1:{node_port}",
            "--db-url", cluster.url(), "--db-user", "postgres", "--db-connect-timeout", "2s",
            "--data-dir", os.path.join(p.work, "data"),
            "--metrics-listen", f"127.0.0.1:{metrics_port}", *options])
        self.daemon = Daemon(self.process, metrics_port, cluster.port)
        wait_for("the daemon's /metrics", self.daemon.up, 60)

    def health(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/health",
                                        timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return -1

    def log_lines(self, since=0):
        with open(self.log, errors="replace") as f:
            f.seek(since)
            return f.read().splitlines()

    def log_size(self):
        return os.path.getsize(self.log)

    def stop(self, signal_name="TERM"):
        started = time.monotonic()
        if signal_name == "KILL":
            self.process.kill()
        else:
            self.process.terminate()
        code = self.process.wait(60)
        return code, time.monotonic() - started


def simulator(p, name, port, *options):
    """`dx-scraper simulate` with the lines it sends (stdout) apart from its log (stderr): a log
    line written into the middle of a sent line would spoil the count."""
    sent = open(os.path.join(p.work, name + ".sent"), "ab")
    log = open(os.path.join(p.work, name + ".log"), "ab")
    process = subprocess.Popen(
        [java(), "-jar", JAR, "simulate", "--listen", f"127.0.0.1:{port}", *options],
        stdout=sent, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    p.running.append(process)
    return process


def spots_sent(p, names):
    total = 0
    for name in names:
        with open(os.path.join(p.work, name + ".sent"), errors="replace") as sent:
            total += sum(1 for line in sent if line.startswith("DX de "))
    return total


def settle(cluster, p, sims, timeout=600):
    """Waits until every spot sent is a row; returns (sent, rows, distinct)."""
    deadline = time.monotonic() + timeout
    while True:
        sent = spots_sent(p, sims)
        rows, distinct = cluster.rows()
        if rows >= sent or time.monotonic() > deadline:
            return sent, rows, distinct
        time.sleep(1)


def stop_simulator(sim):
    sim.terminate()
    sim.wait(30)


def drill_outage(p, rate=500, seconds=300):
    """PostgreSQL stopped for five minutes under 500 spots/s, then started again."""
    cluster = Cluster(p.work)
    node_port = free_port()
    sim = simulator(p, "sim", node_port, "--rate", str(rate), "--seed", "21")
    run = Run(p, cluster, node_port, free_port(), "daemon")
    wait_for("spots stored", lambda: cluster.rows()[0] >= 2000, 60)
    mark = run.log_size()
    cluster.stop()
    down = time.monotonic()
    wait_for("/health 503", lambda: run.health() == 503, 60)
    noticed = time.monotonic() - down
    time.sleep(seconds)  # the outage itself, not a wait for a condition
    lag = run.daemon.value("dx_scraper_journal_checkpoint_lag_lines")
    journal_bytes = run.daemon.value("dx_scraper_journal_bytes")
    cluster.start()
    back = time.monotonic()
    wait_for("the backlog to drain", lambda: any("journal: caught up" in line
                                                for line in run.log_lines(mark)), 600)
    drained = time.monotonic() - back
    stop_simulator(sim)
    sent, rows, distinct = settle(cluster, p, ["sim"])
    noisy = [line for line in run.log_lines(mark) if " WARN " in line or " ERROR " in line]
    print(f"outage: PostgreSQL down {seconds} s under {rate} spots/s: /health 503 after"
          f" {noticed:.1f} s; at the end of the outage {lag:.0f} lines ({journal_bytes / 1e6:.1f} MB)"
          f" waited in the journal; drained {drained:.0f} s after the server was back;"
          f" {len(noisy)} WARN/ERROR log lines from the outage to the end;"
          f" {sent} spots sent, {rows} rows, {distinct} distinct")
    run.stop()
    cluster.stop()
    return sent == rows == distinct


class Stack:
    """A cluster, a simulator and a daemon that is killed and started again, keeping its ports."""

    def __init__(self, p, rate, seed):
        self.p = p
        self.cluster = Cluster(p.work)
        self.node_port = free_port()
        self.metrics_port = free_port()
        self.sim = simulator(p, "sim", self.node_port, "--rate", str(rate), "--seed", str(seed))
        self.run = self.start("daemon0")

    def start(self, name):
        # A big backfill: the spots still on their way at a kill come back at the next login.
        return Run(self.p, self.cluster, self.node_port, self.metrics_port, name,
                   "--backfill", "1000")

    def finish(self):
        stop_simulator(self.sim)
        result = settle(self.cluster, self.p, ["sim"])
        self.run.stop()
        self.cluster.stop()
        return result


def drill_kill(p, rate=1000, rounds=5):
    """SIGKILL at 1,000 spots/s and a restart, five times."""
    stack = Stack(p, rate, 22)
    cluster = stack.cluster
    restarts = []
    for i in range(1, rounds + 1):
        before = cluster.rows()[0]
        wait_for("spots flowing", lambda: cluster.rows()[0] >= before + 3000, 60)
        stack.run.stop("KILL")
        started = time.monotonic()
        stack.run = stack.start(f"daemon{i}")
        after_kill = cluster.rows()[0]
        wait_for("storing again", lambda: cluster.rows()[0] > after_kill, 60)
        restarts.append(time.monotonic() - started)
    sent, rows, distinct = stack.finish()
    replayed = sum(
        int(line.split("journal: ")[1].split(" lines")[0])
        for name in [f"daemon{i}" for i in range(1, rounds + 1)]
        for line in open(os.path.join(p.work, name + ".log"), errors="replace")
        if "lines after the checkpoint" in line)
    print(f"kill: {rounds} SIGKILLs at {rate} spots/s; storing again {min(restarts):.1f}-"
          f"{max(restarts):.1f} s after each restart; {replayed} lines replayed from the journal"
          f" in all; {sent} spots sent, {rows} rows, {distinct} distinct")
    return sent == rows == distinct


def drill_soak(p, minutes=30, rate=200):
    """Faults every minute for a while: database stop, SIGKILL, SIGTERM, database restart."""
    stack = Stack(p, rate, 23)
    cluster = stack.cluster
    faults = ["database-down", "sigkill", "sigterm", "database-restart"]
    end = time.monotonic() + minutes * 60
    count = 0
    while time.monotonic() < end:
        time.sleep(60)  # the time between faults, not a wait for a condition
        fault = faults[count % len(faults)]
        count += 1
        if fault == "database-down":
            cluster.stop()
            time.sleep(20)
            cluster.start()
        elif fault == "database-restart":
            cluster.stop()
            cluster.start()
        else:
            code, took = stack.run.stop("KILL" if fault == "sigkill" else "TERM")
            if fault == "sigterm" and (code != 0 or took > 10):
                print(f"soak: SIGTERM gave exit {code} after {took:.1f} s")
                return False
            stack.run = stack.start(f"daemon{count}")
        print(f"soak: fault {count} ({fault}) done; rows {cluster.rows()[0]}", flush=True)
    sent, rows, distinct = stack.finish()
    print(f"soak: {minutes} min, {count} faults at {rate} spots/s: {sent} spots sent, {rows} rows,"
          f" {distinct} distinct")
    return sent == rows == distinct


DRILLS = {"outage": drill_outage, "kill": drill_kill, "soak": drill_soak}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="*", help="any of: " + ", ".join(DRILLS))
    parser.add_argument("--minutes", type=int, default=30, help="length of the soak")
    parser.add_argument("--outage", type=int, default=300, help="seconds the database is down")
    args = parser.parse_args()
    names = args.drills or ["outage", "kill"]
    unknown = [n for n in names if n not in DRILLS]
    if unknown:
        parser.error(f"no drill {unknown}; there are {list(DRILLS)}")
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: build it with ./mvnw -q package -DskipTests")
    failed = []
    ok = False
    for name in names:
        work = tempfile.mkdtemp(prefix=f"dx-storage-{name}-")
        processes = Processes(work)
        try:
            if name == "soak":
                ok = drill_soak(processes, minutes=args.minutes)
            elif name == "outage":
                ok = drill_outage(processes, seconds=args.outage)
            else:
                ok = DRILLS[name](processes)
        finally:
            processes.stop_all()
            stop_clusters()
        if not ok:
            failed.append(name)
        print(f"  (logs in {work})", flush=True)
    if failed:
        sys.exit(f"lost or doubled spots in: {', '.join(failed)}")


if __name__ == "__main__":
    main()
