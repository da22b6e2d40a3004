#!/usr/bin/env python3
"""Connection fault drills: the built daemon against the built simulator, as an operator meets them.

Each drill starts `dx-scraper simulate` and `dx-scraper run` as separate processes on loopback
(embedded PostgreSQL in a temporary data directory), breaks the connection the way real ones break,
and prints what the daemon's /metrics and the spot table say afterwards. The figures in
docs/RESILIENCE.md come from here. Not part of `./mvnw verify`: together they take about eight
minutes of wall clock, and the integration tests cover the same behaviour with shorter timings.

    ./mvnw -q package -DskipTests
    python3 scripts/connection_drills.py                 # every drill, one after the other
    python3 scripts/connection_drills.py half-open gap   # some of them

Needs: a JDK 21+ (JAVA_HOME or java on PATH), psql, and socat for the `gap` drill.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "scraper", "target", "dx-scraper.jar")
CALL = "N0CALL"


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


_GIVEN_PORTS = set()


def free_port():
    """A port nothing listens on now, and never one this process has handed out before: the
    kernel may give the same free port twice, and two daemons given one node port both log in to
    that node as N0CALL and take it over from each other. Among 24 ports, one run in 54 got a port
    twice (37 of 2,000 tries); a benchmark run that stored one node's spots short of a 16-node
    blast, twice in a row, looked like that."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _GIVEN_PORTS:
            _GIVEN_PORTS.add(port)
            return port


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.1)


class Processes:
    """Starts processes with their output in a work directory and ends them all at the end."""

    def __init__(self, work):
        self.work = work
        self.running = []

    def start(self, name, args):
        log = open(os.path.join(self.work, name + ".log"), "ab")
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.running.append(process)
        return process

    def simulator(self, name, port, *options):
        return self.start(name, [java(), "-jar", JAR, "simulate", "--listen", f"127.0.0.1:{port}",
                                 *options])

    def daemon(self, nodes, *options):
        metrics_port, db_port = free_port(), free_port()
        args = [java(), "-jar", JAR, "run", "--callsign", CALL,
                "--data-dir", os.path.join(self.work, "data"),
                "--embedded-db-port", str(db_port),
                "--metrics-listen", f"127.0.0.1:{metrics_port}", *options]
        for node in nodes:
            args += ["--node", node]
        process = self.start("daemon", args)
        daemon = Daemon(process, metrics_port, db_port)
        wait_for("the daemon's /metrics", daemon.up, 60)
        return daemon

    def stop_all(self):
        for process in reversed(self.running):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()


def scrape(port, timeout):
    """The daemon's /metrics on `port` as {series with labels: value}."""
    url = f"http://127.0.0.1:{port}/metrics"
    with urllib.request.urlopen(url, timeout=timeout) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            values[series] = float(value)
    return values


class Daemon:
    def __init__(self, process, metrics_port, db_port):
        self.process = process
        self.metrics_port = metrics_port
        self.db_port = db_port

    def up(self):
        try:
            self.metrics()
            return True
        except OSError:
            return False

    def metrics(self):
        return scrape(self.metrics_port, timeout=5)

    def value(self, series):
        return self.metrics().get(series, 0.0)

    def rows(self, where="true"):
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.db_port), "-U", "postgres", "-d",
             "dx_scraper", "-Atc", f"select count(*) from spot where {where}"],
            check=True, capture_output=True, text=True)
        return int(out.stdout.strip())


def spots_sent(log_path):
    """The simulator prints every broadcast line on stdout; count its spots."""
    with open(log_path, errors="replace") as log:
        return sum(1 for line in log if line.startswith("DX de "))


def node_series(name, node, **labels):
    inner = ",".join([f'node="{node}"'] + [f'{k}="{v}"' for k, v in labels.items()])
    return f"{name}{{{inner}}}"


def drill_half_open(p):
    """The node stops sending and keeps the socket open; count 120 spots at one a second."""
    port = free_port()
    p.simulator("sim", port, "--rate", "1", "--count", "120", "--silent-after", "20", "--seed", "5")
    d = p.daemon([f"sim=127.0.0.1:{port}"])
    idle = node_series("dx_scraper_reconnects_total", "sim", reason="idle")
    wait_for("the first idle reconnect", lambda: d.value(idle) >= 1, 180)
    detected = time.time()
    last_spot = d.value(node_series("dx_scraper_last_spot_timestamp_seconds", "sim"))
    wait_for("120 rows", lambda: d.rows() >= 120, 240)
    time.sleep(3)  # anything late or doubled would show now
    sent = spots_sent(os.path.join(p.work, "sim.log"))
    print(f"half-open: reconnected {detected - last_spot:.1f} s after the last live spot"
          f" (probe after 45 s + 15 s to answer); sent {sent}, stored {d.rows()},"
          f" of them backfilled {d.rows('backfilled')};"
          f" idle reconnects {d.value(idle):.0f},"
          f" probes {d.value(node_series('dx_scraper_keepalive_probes_total', 'sim')):.0f}")


def drill_restart(p, rounds=5):
    """The node is killed and comes back 15 s later on the same port, five times."""
    port = free_port()
    sim = p.simulator("sim0", port, "--rate", "5", "--seed", "10")
    d = p.daemon([f"sim=127.0.0.1:{port}"])
    connected = node_series("dx_scraper_cluster_connected", "sim")
    waits = []
    lines = node_series("dx_scraper_lines_received_total", "sim")
    for i in range(1, rounds + 1):
        wait_for("logged in", lambda: d.value(connected) == 1, 60)
        before = d.value(lines)
        wait_for("spots flowing", lambda: d.value(lines) >= before + 10, 60)
        sim.kill()
        sim.wait()
        wait_for("the daemon to notice", lambda: d.value(connected) == 0, 60)
        time.sleep(15)  # the outage itself, not a wait for a condition
        sim = p.simulator(f"sim{i}", port, "--rate", "5", "--seed", str(10 + i))
        wait_for("the node to listen", lambda: listening(port), 30)
        back = time.monotonic()
        wait_for("logged in again", lambda: d.value(connected) == 1, 60)
        waits.append(time.monotonic() - back)
    waits.sort()
    print(f"restart: logged in again {', '.join(f'{w:.1f}' for w in waits)} s after the node"
          f" listened again (median {waits[len(waits) // 2]:.1f} s, max {waits[-1]:.1f} s)")


def listening(port):
    """Asks the kernel: a bare connect would be a client that the simulator greets."""
    out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
    return f":{port}" in out.stdout


def drill_gap(p):
    """A 30 s network outage between daemon and node, while the node keeps spotting."""
    if not shutil.which("socat"):
        print("gap: skipped, socat is not installed")
        return
    node_port, proxy_port = free_port(), free_port()
    p.simulator("sim", node_port, "--rate", "2", "--count", "150", "--seed", "20",
                "--spot-without-clients")
    proxy_args = ["socat", f"TCP-LISTEN:{proxy_port},reuseaddr,fork",
                  f"TCP:127.0.0.1:{node_port}"]
    proxy = p.start("proxy", proxy_args)
    # The node spots from its start, a moment before the daemon logs in: ask for those too.
    d = p.daemon([f"sim=127.0.0.1:{proxy_port}"], "--backfill-at-start")
    connected = node_series("dx_scraper_cluster_connected", "sim")
    wait_for("logged in", lambda: d.value(connected) == 1, 60)
    time.sleep(15)  # some live spots first
    os.killpg(proxy.pid, 9)
    proxy.wait()
    time.sleep(30)  # the outage
    p.start("proxy2", proxy_args)
    wait_for("150 rows", lambda: d.rows() >= 150, 120)
    time.sleep(3)
    sent = spots_sent(os.path.join(p.work, "sim.log"))
    print(f"gap: 30 s outage at 2 spots/s; sent {sent}, stored {d.rows()},"
          f" backfilled {d.rows('backfilled')};"
          f" backfill requests {d.value(node_series('dx_scraper_backfill_requests_total', 'sim')):.0f},"
          f" history spots received {d.value(node_series('dx_scraper_backfill_spots_total', 'sim')):.0f},"
          f" recovered {d.value(node_series('dx_scraper_backfill_stored_total', 'sim')):.0f}")


def drill_takeover(p, seconds=90):
    """Another client logs in with the same call after every kick, for 90 s."""
    port = free_port()
    p.simulator("sim", port, "--rate", "5", "--seed", "30")
    d = p.daemon([f"sim=127.0.0.1:{port}"])
    connected = node_series("dx_scraper_cluster_connected", "sim")
    wait_for("logged in", lambda: d.value(connected) == 1, 60)
    logins = [0]
    end = time.monotonic() + seconds

    def rival():
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.settimeout(1)
                    buffer = b""
                    while b"login: " not in buffer:
                        buffer += s.recv(4096)
                    s.sendall(CALL.encode() + b"\r\n")
                    logins[0] += 1
                    while time.monotonic() < end:
                        try:
                            if not s.recv(4096):
                                break  # kicked: log in again at once
                        except socket.timeout:
                            pass
            except OSError:
                time.sleep(0.1)

    thread = threading.Thread(target=rival)
    thread.start()
    thread.join()
    takeovers = d.value(node_series("dx_scraper_takeovers_total", "sim"))
    with open(os.path.join(p.work, "daemon.log"), errors="replace") as log:
        errors = sum(1 for line in log if " ERROR " in line and "another client" in line)
    print(f"takeover: in {seconds} s the rival logged in {logins[0]} time(s); the daemon was"
          f" taken over {takeovers:.0f} time(s), logged {errors} ERROR line(s), and is"
          f" {'connected' if d.value(connected) else 'waiting'}")


def drill_refused(p, seconds=60):
    """A node whose port refuses every connect, for a minute."""
    port = free_port()
    d = p.daemon([f"dead=127.0.0.1:{port}"])
    start_errors = d.value("dx_scraper_connection_errors_total")
    started = time.monotonic()
    time.sleep(seconds)  # the observation window
    attempts = d.value("dx_scraper_connection_errors_total") - start_errors
    elapsed = time.monotonic() - started
    print(f"refused: {attempts:.0f} connect attempts in {elapsed:.0f} s,"
          f" {attempts / elapsed:.2f} a second")


DRILLS = {
    "half-open": drill_half_open,
    "restart": drill_restart,
    "gap": drill_gap,
    "takeover": drill_takeover,
    "refused": drill_refused,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="*", help="any of: " + ", ".join(DRILLS))
    names = parser.parse_args().drills or list(DRILLS)
    unknown = [n for n in names if n not in DRILLS]
    if unknown:
        parser.error(f"no drill {unknown}; there are {list(DRILLS)}")
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: build it with ./mvnw -q package -DskipTests")
    for name in names:
        work = tempfile.mkdtemp(prefix=f"dx-drill-{name}-")
        processes = Processes(work)
        try:
            DRILLS[name](processes)
        finally:
            processes.stop_all()
        print(f"  (logs in {work})", flush=True)


if __name__ == "__main__":
    main()
