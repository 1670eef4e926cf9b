#!/usr/bin/env python3
"""The reliability suite of `buurt serve` (issue 15, item 5), against the real data.

Each step starts from what a hostile or a heavy user does and reports what the service did:

  kill9     kill -9 while the atlas cache is being built, then start again: it must serve.
  load      1 024 connections on /health and a cached tile (wrk): req/s, p99, errors, peak RSS.
  idle      thousands of idle connections held open, /health asked on new ones meanwhile:
            its latency and status, the descriptors the server holds. Once with the default
            connection limit, once with a limit below the number of idle connections.
  flood     a flood of distinct tile queries (every request a new cache key): peak RSS.
  profiles  16 clients asking for profiles of ever other wijken (nothing cached) and then of
            the same few (cached), while /health is timed every 10 ms: its p50/p99, the
            profiles answered, the 503s.
  reload    SIGHUP again and again while wrk runs: failed requests (must be none) and RSS
            after each reload.

`--quick` runs every step smaller, checks the outcomes (exit 1 when one fails) and is what
CI runs with the debug binary; without it the figures are for benches/README.md (release
binary). Only the standard library and wrk are used.

    python3 benches/reliability.py --bin target/release/buurt --data ../shared/data
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

FAILURES = []


def check(ok, what):
    """Record a failed expectation (quick mode fails on any)."""
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


class RssSampler:
    """The peak RSS of a process over a stretch of time, sampled every 100 ms."""

    def __init__(self, pid):
        self.pid, self.peak, self.samples = pid, 0.0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                r = rss_mb(self.pid)
            except OSError:
                return
            self.samples.append(r)
            self.peak = max(self.peak, r)
            time.sleep(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class Server:
    """`buurt serve` on a free port, its log lines collected."""

    def __init__(self, args, cache, extra=()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, BUURT_DATA=args.data, BUURT_LOG="info")
        self.proc = subprocess.Popen(
            [args.bin, "serve", "--addr", f"127.0.0.1:{self.port}", "--cache", cache, *extra],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stderr:
            # Access lines are many; keep the rest.
            if "buurt_server::access" not in line:
                self.lines.append(line.rstrip())

    def wait_ready(self, limit):
        until = time.time() + limit
        while time.time() < until:
            if self.proc.poll() is not None:
                raise RuntimeError("buurt serve exited:\n" + "\n".join(self.lines[-20:]))
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError("buurt serve did not answer /health in time")

    def get(self, path, timeout=30):
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wrk(url, connections, seconds, threads=2, script=None, percentiles=False):
    """Run wrk; its req/s, p99 in ms (and p50 with `percentiles`), socket errors and non-2xx
    responses."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(p):
        m = re.search(p + r"%\s+([\d.]+)(us|ms|s)\b", out)
        return round(float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)], 3)

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result = {
        "req_per_s": rps,
        "p99_ms": ms("99"),
        "socket_errors": errors,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }
    if percentiles:
        result["p50_ms"] = ms("50")
    return result


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def http_get(port, path, timeout=30):
    """One GET on a new connection; (status, seconds)."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    writer.write(f"GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), timeout)
    writer.close()
    status = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, time.perf_counter() - started


# --- steps -------------------------------------------------------------------------------


def step_kill9(args, cache, results):
    """Kill the first build of `cache` (which must not exist yet); the restart builds it."""
    print("kill -9 during the cache build", flush=True)
    server = Server(args, cache)
    time.sleep(args.kill_after)
    building = server.proc.poll() is None
    server.proc.kill()
    server.proc.wait()
    started = time.time()
    again = Server(args, cache)
    try:
        again.wait_ready(args.ready_limit)
        status, _ = again.get("/api/v1/regions/WK034405/profile", timeout=120)
        took = time.time() - started
        check(building and status == 200, f"serves after kill -9 at {args.kill_after} s into the build ({took:.1f} s to ready)")
        results["kill9"] = {"killed_after_s": args.kill_after, "ready_after_restart_s": round(took, 1)}
    finally:
        again.stop()


def step_load(server, args, results):
    print("1 024 connections", flush=True)
    status, _ = server.get("/tiles/buurt/14/8425/5403.mvt?indicators=eenzaam_65plus")
    check(status == 200, "the tile is there")
    out = {}
    for name, path in [("health", "/health"), ("tile", "/tiles/buurt/14/8425/5403.mvt?indicators=eenzaam_65plus")]:
        with RssSampler(server.proc.pid) as rss:
            r = wrk(server.base + path, 1024, args.load_seconds)
        r["peak_rss_mb"] = round(rss.peak)
        out[name] = r
        print(f"  {name}: {r}", flush=True)
        check(r["socket_errors"] == 0 and r["non_2xx"] == 0, f"{name}: no errors at 1 024 connections")
    results["load_1024"] = out


async def hold_idle(port, n):
    """Open `n` connections that send the first line of a request and then nothing; the ones
    that got through. (A connection that sends nothing at all may never reach the server: past
    the listen backlog the kernel completes it with a SYN cookie and waits for data.)"""

    async def one():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\n")
        await writer.drain()
        return writer

    # In batches of 100: a burst of thousands overflows the listen queue, and the kernel then
    # completes connections with SYN cookies that the server never sees.
    held = []
    for i in range(0, n, 100):
        batch = [one() for _ in range(min(100, n - i))]
        for r in await asyncio.gather(*batch, return_exceptions=True):
            if not isinstance(r, BaseException):
                held.append(r)
    return held


async def idle_run(server, n, asks):
    peak_fds = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak_fds[0] = max(peak_fds[0], open_fds(server.proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    held = await hold_idle(server.port, n)
    # Until the server has taken all it will (it accepts about 10 000 a second).
    await asyncio.sleep(3)
    fds = open_fds(server.proc.pid)
    times, statuses = [], []
    for _ in range(asks):
        try:
            status, took = await http_get(server.port, "/health", timeout=10)
        except (asyncio.TimeoutError, OSError):
            status, took = 0, 10.0
        statuses.append(status)
        times.append(took * 1e3)
    rss = rss_mb(server.proc.pid)
    stop.set()
    sampler.join()
    for w in held:
        w.close()
    return {
        "idle_opened": len(held),
        "server_fds_peak": peak_fds[0],
        "server_fds": fds,
        "health_200": statuses.count(200),
        "health_asked": asks,
        "health_p50_ms": round(percentile(times, 50), 2),
        "health_p99_ms": round(percentile(times, 99), 2),
        "rss_mb": round(rss),
    }


def step_idle(args, cache, results):
    print("idle connections", flush=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    n = min(args.idle, hard - 200)
    out = {}
    for name, extra in [("default_limit", []), ("limit_1000", ["--max-connections", "1000"])]:
        server = Server(args, cache, extra)
        try:
            server.wait_ready(args.ready_limit)
            r = asyncio.run(idle_run(server, n, args.idle_asks))
        finally:
            server.stop()
        out[name] = r
        print(f"  {name}: {r}", flush=True)
        check(r["health_200"] == r["health_asked"], f"{name}: /health answered 200 with {r['idle_opened']} idle connections")
    results["idle"] = out


async def flood_run(server, ids, seconds, concurrency, clusters=False):
    """Distinct tile queries; with `clusters`, each also asks for the hot-spot labels of one
    indicator (an analysis of all wijken, kept in a cache of its own)."""
    until = time.time() + seconds
    counts = {"sent": 0, "5xx": 0, "4xx": 0}
    rng = random.Random(15)

    async def client():
        while time.time() < until:
            z = rng.randint(6, 11)
            # Tiles over the Netherlands at zoom z.
            x = rng.randint(int(131 * 2 ** (z - 8)), int(134 * 2 ** (z - 8)))
            y = rng.randint(int(82 * 2 ** (z - 8)), int(86 * 2 ** (z - 8)))
            chosen = ",".join(rng.sample(ids, rng.randint(1, 16)))
            extra = f"&clusters={rng.choice(ids)}" if clusters else ""
            status, _ = await http_get(server.port, f"/tiles/wijk/{z}/{x}/{y}.mvt?indicators={chosen}{extra}")
            counts["sent"] += 1
            if status >= 500 or status == 0:
                counts["5xx"] += 1
            elif status >= 400:
                counts["4xx"] += 1

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return counts


def step_flood(server, args, results):
    """Two halves of a flood of distinct tile queries (and, in the full run, a third part with
    hot-spot labels): bounded memory levels off in the second half (before issue 15 it grew
    all the way, 199 to 615 MB in 26 s)."""
    print("a flood of distinct tile queries", flush=True)
    _, body = server.get("/api/v1/indicators")
    ids = [i["id"] for i in json.loads(body)]
    before = rss_mb(server.proc.pid)
    parts = []
    for _ in range(2):
        with RssSampler(server.proc.pid) as rss:
            counts = asyncio.run(flood_run(server, ids, args.flood_seconds / 2, 32))
        parts.append((counts, rss.peak))
    (first, peak1), (second, peak2) = parts
    if not args.quick:
        # Then hot-spot labels too: a third cache, and the heaviest work a tile can ask for.
        with RssSampler(server.proc.pid) as rss:
            third = asyncio.run(flood_run(server, ids, args.flood_seconds / 2, 32, clusters=True))
        parts.append((third, rss.peak))
    r = {
        "sent": first["sent"] + second["sent"],
        "5xx": first["5xx"] + second["5xx"],
        "4xx": first["4xx"] + second["4xx"],
        "rss_before_mb": round(before),
        "peak_rss_first_half_mb": round(peak1),
        "peak_rss_second_half_mb": round(peak2),
        "rss_after_mb": round(rss_mb(server.proc.pid)),
    }
    if len(parts) == 3:
        third, peak3 = parts[2]
        r["with_clusters"] = {**third, "peak_rss_mb": round(peak3)}
    print(f"  {r}", flush=True)
    check(all(c["5xx"] == 0 for c, _ in parts), "no 5xx in the flood")
    check(
        max(peak for _, peak in parts) < args.flood_max_mb,
        f"RSS stays under {args.flood_max_mb} MB in the flood (issue 15's target)",
    )
    check(
        peak2 - peak1 < args.flood_second_half_mb,
        f"RSS levels off: the second half added less than {args.flood_second_half_mb} MB",
    )
    results["flood"] = r


async def profiles_run(server, codes, seconds, clients):
    """`clients` asking for profiles of `codes` for `seconds`, while wrk (a process of its own,
    so the timing is not that of this event loop) asks for /health one request at a time."""
    until = time.time() + seconds
    answered, busy, other = [0], [0], [0]
    rng = random.Random(7)
    health = {}
    timer = threading.Thread(
        target=lambda: health.update(wrk(server.base + "/health", 1, max(1, int(seconds) - 1), threads=1, percentiles=True))
    )

    async def client():
        while time.time() < until:
            code = rng.choice(codes)
            status, _ = await http_get(server.port, f"/api/v1/regions/{code}/profile", timeout=60)
            if status == 200:
                answered[0] += 1
            elif status == 503:
                busy[0] += 1
                await asyncio.sleep(0.2)
            else:
                other[0] += 1

    timer.start()
    await asyncio.gather(*(client() for _ in range(clients)))
    timer.join()
    return {
        "profiles_200": answered[0],
        "profiles_per_s": round(answered[0] / seconds, 1),
        "profiles_503": busy[0],
        "other": other[0],
        "health_per_s": health.get("req_per_s"),
        "health_p50_ms": health.get("p50_ms"),
        "health_p99_ms": health.get("p99_ms"),
    }


def step_profiles(server, args, results):
    print("profiles hammered, /health timed", flush=True)
    _, body = server.get("/api/v1/regions?level=wijk")
    codes = [r["code"] for r in json.loads(body)]
    rng = random.Random(1)
    rng.shuffle(codes)
    out = {}
    for name, chosen in [("uncached", codes), ("cached", codes[:20])]:
        if name == "cached":
            for code in chosen:
                server.get(f"/api/v1/regions/{code}/profile", timeout=120)
        r = asyncio.run(profiles_run(server, chosen, args.profile_seconds, 16))
        out[name] = r
        print(f"  {name}: {r}", flush=True)
        check(r["other"] == 0, f"{name}: every profile answered 200 or 503")
        check(r["profiles_200"] > 0, f"{name}: profiles were answered")
    results["profiles"] = out


def step_reload(server, args, results):
    print("reloads under load", flush=True)
    rss_after = [round(rss_mb(server.proc.pid))]
    done = threading.Event()
    load = {}

    def run_wrk():
        load.update(wrk(server.base + "/health", 64, int(args.reloads * args.reload_every + 2)))
        done.set()

    t = threading.Thread(target=run_wrk)
    t.start()
    time.sleep(1)
    for i in range(args.reloads):
        before = sum("reloaded; serving the new data" in l for l in server.lines)
        server.proc.send_signal(signal.SIGHUP)
        until = time.time() + 120
        while sum("reloaded; serving the new data" in l for l in server.lines) == before:
            if time.time() > until:
                check(False, f"reload {i + 1} finished")
                break
            time.sleep(0.05)
        rss_after.append(round(rss_mb(server.proc.pid)))
        time.sleep(max(0.0, args.reload_every - 0.5))
    t.join()
    r = {**load, "reloads": args.reloads, "rss_after_each_mb": rss_after}
    print(f"  {r}", flush=True)
    check(load["socket_errors"] == 0 and load["non_2xx"] == 0, "no failed request during the reloads")
    # Memory does not pile up: a reload holds two atlases for a moment, and the allocator keeps
    # some of the freed memory for reuse, but an atlas kept per reload (or glibc's arenas: 197
    # -> 547 MB over 12 reloads) would pass twice the level before.
    check(
        rss_after[-1] <= rss_after[0] * 2,
        f"RSS after the last reload ({rss_after[-1]} MB) at most twice that before ({rss_after[0]} MB)",
    )
    results["reload"] = r


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True)
    p.add_argument("--data", default=os.environ.get("BUURT_DATA", "../shared/data"))
    p.add_argument("--quick", action="store_true", help="smaller, checked: what CI runs")
    p.add_argument("--cache", help="atlas cache to serve from (default: a temporary one)")
    p.add_argument("--out", help="write the figures as JSON here")
    p.add_argument("--steps", default="kill9,load,idle,flood,profiles,reload")
    p.add_argument("--reload-count", type=int, help="reloads in the reload step (default 20; 5 with --quick)")
    args = p.parse_args()
    quick = args.quick
    args.ready_limit = 900
    args.kill_after = 3 if quick else 2
    args.load_seconds = 5 if quick else 15
    args.idle = 3000 if quick else 20000
    args.idle_asks = 50 if quick else 200
    args.flood_seconds = 20 if quick else 40
    args.flood_second_half_mb = 60
    args.flood_max_mb = 400
    args.profile_seconds = 10 if quick else 20
    args.reloads = 5 if quick else 20
    if args.reload_count:
        args.reloads = args.reload_count
    args.reload_every = 2.0
    steps = args.steps.split(",")
    results = {"binary": args.bin, "quick": quick}

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or os.path.join(tmp, "atlas")
        if "kill9" in steps and not args.cache:
            step_kill9(args, cache, results)
        server = Server(args, cache)
        try:
            server.wait_ready(args.ready_limit)
            results["rss_at_start_mb"] = round(rss_mb(server.proc.pid))
            if "load" in steps:
                step_load(server, args, results)
            if "flood" in steps:
                step_flood(server, args, results)
            if "profiles" in steps:
                step_profiles(server, args, results)
            if "reload" in steps:
                step_reload(server, args, results)
        finally:
            server.stop()
        if "idle" in steps:
            step_idle(args, cache, results)

    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed: " + "; ".join(FAILURES), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
