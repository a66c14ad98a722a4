"""Order placement through the HTTP API on PostgreSQL: orders/s and p50/p99, beside pgbench.

What is measured: ``POST /api/v1/orders`` along its real path (bearer JWT check,
``Idempotency-Key`` lookup and store, the conditional stock ``UPDATE``, the order row,
the audit line, one commit) against PostgreSQL on loopback. A fresh database
``nevrural_bench`` is migrated and seeded through the services: 50 dealers x 4 models x
100,000 units (so concurrent orders rarely wait on one stock row) and 50 buyers, each
with their own token. The API runs as ``uvicorn --factory nevrural.interfaces.api.asgi:app``
with 1 and then 2 worker processes; this process is the client: 32 keep-alive
connections on one asyncio loop, each sending one order after another with a new key
(a minimal HTTP/1.1 client on asyncio streams, about 0.1 ms of CPU per request, where
httpx took 3 ms of the two shared cores), for 15 s after a 3 s warm-up. Latency is from
send to complete response; orders/s counts 201 responses completed in the window;
every response must be 201. CPU time over the window is read from ``/proc`` and split
per order between the server processes, this client, PostgreSQL and the rest of the
machine (other jobs).

For scale, ``pgbench`` (TPC-B-like, scale 1, 8 clients, 2 threads, 15 s) runs on a
scratch database ``nevrural_pgbench`` of the same server in the same run. When the
target of issue 7 (>= 1,000 orders/s with p99 <= 100 ms) is missed, or with
``--profile``, the use case itself is run in this process without HTTP
(``principal_from_token`` + ``place_order``): its orders/s on 1 and 8 threads, the SQL
statements of one order, and the top 25 cumulative entries of cProfile.

Needs ``NEVRURAL_BENCH_POSTGRES_URL`` or ``NEVRURAL_TEST_POSTGRES_URL`` (a role that may
CREATE DATABASE); without either it prints "skipped" and exits 0. Exit status 1 only when
a response is not 201 or the database does not add up (a missed target is reported, not
failed). Client, server and PostgreSQL share this 2-core machine, so figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from nevrural.adapters.db.engine import normalise_url
from nevrural.bootstrap import Container, build_container
from nevrural.config import Settings
from nevrural.core.service.principal import Role
from nevrural.interfaces.api.app import create_app
from nevrural.services.chain_auth import add_user, principal_from_token, sign_in
from nevrural.services.chain_orders import place_order
from nevrural.services.chain_people import find_or_add_buyer

APP = "nevrural.interfaces.api.asgi:app"
HOST = "127.0.0.1"
DATABASE, PGBENCH_DATABASE = "nevrural_bench", "nevrural_pgbench"
PASSWORD = "bench-pass-2026"
COUNTY, COUNTY_LON, COUNTY_LAT = "410122", 113.976, 34.719
N_DEALERS, N_MODELS, N_BUYERS, UNITS = 50, 4, 50, 100_000
TARGET_ORDERS_PER_S, TARGET_P99_MS = 1_000.0, 100.0
CLOCK_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Bench:
    """The seeded ids and one token per buyer."""

    dealer_ids: tuple[int, ...]
    model_ids: tuple[int, ...]
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class HttpResult:
    """One load run: completed orders in the window, latencies, statuses, CPU split."""

    label: str
    orders: int
    window_s: float
    latencies_s: np.ndarray
    statuses: Counter[int]
    cpu_s: dict[str, float]

    @property
    def orders_per_s(self) -> float:
        """Responses completed per second of the window."""
        return self.orders / self.window_s

    def percentile_ms(self, q: float) -> float:
        """A latency percentile, ms."""
        return float(np.percentile(self.latencies_s, q) * 1_000) if self.orders else float("nan")


# -- databases -------------------------------------------------------------------------


def scratch_url(base_url: str, database: str, *, driver: str | None = None) -> str:
    """``base_url`` pointing at ``database`` (psycopg driver, or ``driver`` when given)."""
    url = make_url(normalise_url(base_url)).set(database=database)
    if driver is not None:
        url = url.set(drivername=driver)
    return url.render_as_string(hide_password=False)


def recreate_database(base_url: str, database: str, *, create: bool = True) -> None:
    """Drop ``database`` (closing its sessions) and create it empty unless ``create`` is off."""
    engine = create_engine(normalise_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            if create:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        engine.dispose()


def seed(container: Container) -> Bench:
    """Seed dealers, models, stock and buyers with logins through the services."""
    chain = container.chain
    now = chain.clock()
    place = {"county_code": COUNTY, "lon": COUNTY_LON, "lat": COUNTY_LAT, "now": now}
    common = {"service_counties": [COUNTY], "is_demo": False, **place}
    with container.uow() as uow:
        maker = uow.enterprises.add(
            kind="automaker",
            name_zh="基准汽车",
            name_en="Bench Motors",
            lead_capacity=0,
            brand_ids=[],
            **common,
        )
        dealer_ids = tuple(
            uow.enterprises.add(
                kind="dealer",
                name_zh=f"基准经销商{n}",
                name_en=f"Bench dealer {n}",
                lead_capacity=10,
                brand_ids=[maker.id],
                **common,
            ).id
            for n in range(N_DEALERS)
        )
        model_ids = tuple(
            uow.catalogue.add_model(
                automaker_id=maker.id,
                code=f"BM-{n}",
                name_zh="基准车型",
                name_en=f"Bench {n}",
                vehicle_class="micro_van",
                powertrain="bev",
                seats=5,
                payload_kg=600,
                winter_range_km=180,
                price_cny=Decimal("52800.00"),
                is_demo=False,
            ).id
            for n in range(N_MODELS)
        )
        for dealer_id in dealer_ids:
            for model_id in model_ids:
                uow.catalogue.set_stock(dealer_id, model_id, UNITS)
        buyer_ids = [
            find_or_add_buyer(
                uow,
                chain.vault,
                phone=f"137{n:08d}",
                name=None,
                id_card_no=None,
                county_code=COUNTY,
                now=now,
            ).id
            for n in range(N_BUYERS)
        ]
        uow.commit()
    tokens = []
    for n, buyer_id in enumerate(buyer_ids):
        username = f"bench-buyer-{n:02d}"
        add_user(chain, username=username, password=PASSWORD, role=Role.BUYER, buyer_id=buyer_id)
        tokens.append(sign_in(chain, username, PASSWORD).access_token)
    return Bench(dealer_ids, model_ids, tuple(tokens))


# -- pgbench ---------------------------------------------------------------------------


def run_pgbench(base_url: str, seconds: int) -> float | None:
    """TPC-B-like transactions/s of pgbench on a scratch database (None without pgbench)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    pgbench = shutil.which("pgbench") or (str(found[-1]) if found else None)
    if pgbench is None:
        print("pgbench: not found (install the postgresql package)")
        return None
    recreate_database(base_url, PGBENCH_DATABASE)
    try:
        url = scratch_url(base_url, PGBENCH_DATABASE, driver="postgresql")
        subprocess.run([pgbench, "-i", "-s", "1", "-q", url], check=True, capture_output=True)
        command = [pgbench, "-c", "8", "-j", "2", "-T", str(seconds), url]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        recreate_database(base_url, PGBENCH_DATABASE, create=False)
    match = re.search(r"^tps = ([0-9.]+)", out, re.MULTILINE)
    latency = re.search(r"^latency average = ([0-9.]+) ms", out, re.MULTILINE)
    assert match is not None, out
    tps = float(match.group(1))
    print(
        f"pgbench TPC-B (scale 1, 8 clients, 2 threads, {seconds} s): {tps:,.0f} tps,"
        f" latency average {latency.group(1) if latency else '?'} ms"
    )
    return tps


# -- the server and CPU accounting -----------------------------------------------------


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """``uvicorn --factory`` with ``workers`` processes; returns once /healthz answers 200."""
    command = [sys.executable, "-m", "uvicorn", "--factory", APP, "--host", HOST]
    command += ["--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env={**os.environ, **env})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=2).status_code == 200:
                wait_until_idle(process_tree(server.pid))  # every worker has imported the app
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not answer /healthz within 120 s")


def wait_until_idle(pids: list[int], *, timeout_s: float = 60.0) -> None:
    """Return once the processes use under 5 % of a core over half a second."""
    deadline = time.monotonic() + timeout_s
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - before < 0.025:
            return
        before = now


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server (uvicorn stops its workers), SIGKILL after 20 s."""
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


def processes() -> dict[int, tuple[str, int, int]]:
    """Every process as pid -> (command name, parent pid, CPU clock ticks), from ``/proc``."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name, rest = raw[raw.index("(") + 1 :].rsplit(")", 1)
        fields = rest.split()
        found[int(stat.parent.name)] = (name, int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    parents = {pid: ppid for pid, (_, ppid, _) in processes().items()}
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        tree += frontier
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used, s."""
    table = processes()
    return sum(table[pid][2] for pid in pids if pid in table) * CLOCK_TICK_S


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy since boot, s (``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) * CLOCK_TICK_S


def cpu_split(
    before: tuple[dict[int, tuple[str, int, int]], float],
    after: tuple[dict[int, tuple[str, int, int]], float],
    server_pids: list[int],
) -> dict[str, float]:
    """CPU seconds between two snapshots: the server, this client, PostgreSQL, the rest."""
    (first, busy_first), (last, busy_last) = before, after

    def used(pids: list[int]) -> float:
        ticks = sum(last[p][2] - first.get(p, ("", 0, 0))[2] for p in pids if p in last)
        return ticks * CLOCK_TICK_S

    split = {
        "server": used(server_pids),
        "client": used([os.getpid()]),
        "postgres": used([pid for pid, (name, _, _) in last.items() if name == "postgres"]),
    }
    split["rest"] = busy_last - busy_first - sum(split.values())
    return split


# -- the load generator ----------------------------------------------------------------

_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = _CONTENT_LENGTH.search(head)
    if length is None:
        raise RuntimeError(f"a response without Content-Length: {head[:200]!r}")
    return int(head.split(b" ", 2)[1]), await reader.readexactly(int(length.group(1)))


async def drive(
    port: int,
    bench: Bench,
    label: str,
    server_pids: list[int],
    *,
    concurrency: int,
    warm_up_s: float,
    window_s: float,
) -> HttpResult:
    """``concurrency`` keep-alive connections, each placing one order after another.

    A minimal HTTP/1.1 client on asyncio streams: it costs the shared CPUs far less
    per request than a general client, so more of them are left to the server.
    """
    done: list[tuple[float, float]] = []  # (completed at, latency), s
    statuses: Counter[int] = Counter()
    errors: list[bytes] = []
    start = time.perf_counter()
    t_open, t_close = start + warm_up_s, start + warm_up_s + window_s
    cpu: dict[str, float] = {}
    key_prefix = "-".join(label.split())

    async def place_orders(task: int) -> None:
        rng = random.Random(task)
        reader, writer = await asyncio.open_connection(HOST, port)
        n = 0
        try:
            while time.perf_counter() < t_close:
                token = bench.tokens[(task + n * concurrency) % len(bench.tokens)]
                body = json.dumps(
                    {
                        "dealer_id": rng.choice(bench.dealer_ids),
                        "model_id": rng.choice(bench.model_ids),
                    }
                ).encode()
                head = (
                    f"POST /api/v1/orders HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                    f"Authorization: Bearer {token}\r\nIdempotency-Key: {key_prefix}-{task}-{n}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                sent = time.perf_counter()
                writer.write(head.encode() + body)
                status, answer = await read_response(reader)
                finished = time.perf_counter()
                statuses[status] += 1
                if status == 201:
                    done.append((finished, finished - sent))
                elif len(errors) < 3:
                    errors.append(answer[:300])
                n += 1
        finally:
            writer.close()

    async def account() -> None:
        await asyncio.sleep(max(0.0, t_open - time.perf_counter()))
        first = (processes(), machine_busy_seconds())
        await asyncio.sleep(max(0.0, t_close - time.perf_counter()))
        cpu.update(cpu_split(first, (processes(), machine_busy_seconds()), server_pids))

    await asyncio.gather(account(), *(place_orders(t) for t in range(concurrency)))
    for answer in errors:
        print(f"  {label}: {answer.decode(errors='replace')}")
    latencies = np.array([lat for at, lat in done if t_open <= at <= t_close])
    return HttpResult(label, len(latencies), window_s, latencies, statuses, cpu)


# -- in-process use case and profile ---------------------------------------------------


@dataclass(frozen=True)
class InProcessResult:
    """Orders placed without HTTP, their rate and this process's CPU per order."""

    orders: int
    orders_per_s: float
    cpu_ms_per_order: float


def in_process(
    container: Container, bench: Bench, *, orders: int, threads: int, label: str
) -> InProcessResult:
    """``principal_from_token`` + ``place_order`` for ``orders`` orders on ``threads`` threads.

    One thread runs in the calling thread (so cProfile sees it); more run in a pool.
    """
    chain = container.chain

    def place(thread: int) -> None:
        rng = random.Random(1_000 + thread)
        for n in range(orders // threads):
            token = bench.tokens[(thread + n * threads) % len(bench.tokens)]
            principal, county = principal_from_token(chain, token)
            body = {
                "dealer_id": rng.choice(bench.dealer_ids),
                "model_id": rng.choice(bench.model_ids),
            }
            key = f"{label}-{thread}-{n}"
            placed = place_order(chain, principal, key, body, buyer_county_code=county)
            if placed.status_code != 201 or placed.replayed:
                raise RuntimeError(f"{key}: {placed}")

    started, cpu_started = time.perf_counter(), time.process_time()
    if threads == 1:
        place(0)
    else:
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(place, t) for t in range(threads)]:
                future.result()
    placed = orders // threads * threads
    wall_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    return InProcessResult(placed, placed / wall_s, cpu_s * 1_000 / placed)


async def asgi_in_process(
    container: Container, bench: Bench, *, orders: int, concurrency: int
) -> InProcessResult:
    """The FastAPI app called directly (ASGI, no server, no socket), ``concurrency`` at once."""
    app = create_app(container)
    path = "/api/v1/orders"

    async def place(task: int) -> None:
        rng = random.Random(2_000 + task)
        for n in range(orders // concurrency):
            token = bench.tokens[(task + n * concurrency) % len(bench.tokens)]
            body = json.dumps(
                {"dealer_id": rng.choice(bench.dealer_ids), "model_id": rng.choice(bench.model_ids)}
            ).encode()
            headers = [
                (b"host", b"bench"),
                (b"authorization", f"Bearer {token}".encode()),
                (b"idempotency-key", f"asgi-{task}-{n}".encode()),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "POST",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "root_path": "",
                "query_string": b"",
                "headers": headers,
                "client": (HOST, 50_000 + task),
                "server": (HOST, 80),
            }
            messages = [{"type": "http.request", "body": body, "more_body": False}]
            statuses: list[int] = []

            async def receive(messages: list[dict[str, Any]] = messages) -> dict[str, Any]:
                if messages:
                    return messages.pop()
                await asyncio.sleep(3_600)  # the client never disconnects
                return {"type": "http.disconnect"}

            async def send(message: dict[str, Any], statuses: list[int] = statuses) -> None:
                if message["type"] == "http.response.start":
                    statuses.append(message["status"])

            await app(scope, receive, send)
            if statuses != [201]:
                raise RuntimeError(f"ASGI order {task}-{n}: statuses {statuses}")

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(place(t) for t in range(concurrency)))
    placed = orders // concurrency * concurrency
    wall_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    return InProcessResult(placed, placed / wall_s, cpu_s * 1_000 / placed)


def statements_of_one_order(container: Container, bench: Bench) -> list[str]:
    """The SQL statements one placement sends (the start of each)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(" ".join(str(args[2]).split())[:88])

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        principal, county = principal_from_token(container.chain, bench.tokens[0])
        body = {"dealer_id": bench.dealer_ids[0], "model_id": bench.model_ids[0]}
        place_order(container.chain, principal, "statements-1", body, buyer_county_code=county)
    finally:
        event.remove(container.engine, "before_cursor_execute", record)
    return seen


def _cumulative(stats: pstats.Stats, path_end: str, name: str) -> tuple[int, float]:
    """Calls and cumulative seconds of the functions ``name`` in files ending ``path_end``."""
    calls, seconds = 0, 0.0
    for (path, _, function), (_, ncalls, _, cumtime, _) in stats.stats.items():
        if function == name and path.endswith(path_end):
            calls, seconds = calls + ncalls, seconds + cumtime
    return calls, seconds


def profile(container: Container, bench: Bench, *, orders: int) -> tuple[int, InProcessResult]:
    """Print in-process figures, the SQL of an order, a time split and the cProfile top 25.

    Returns the orders placed and the 1-thread result.
    """
    one = in_process(container, bench, orders=orders, threads=1, label="ip1")
    eight = in_process(container, bench, orders=orders, threads=8, label="ip8")
    for name, r in (("1 thread", one), ("8 threads", eight)):
        print(
            f"in-process place_order, {name:<9}: {r.orders_per_s:>6,.0f} orders/s,"
            f" {r.cpu_ms_per_order:.2f} ms CPU per order (JWT check + use case, no HTTP)"
        )
    statements = statements_of_one_order(container, bench)
    print(f"SQL of one order: {len(statements)} statements, plus BEGIN, COMMIT and a pre-ping")
    for line in statements:
        print(f"  {line}")
    profiler = cProfile.Profile()
    profiler.enable()
    profiled = in_process(container, bench, orders=orders, threads=1, label="prof")
    profiler.disable()
    stats = pstats.Stats(profiler)
    total_s = _cumulative(stats, "chain_orders.py", "place_order")[1]
    total_s += _cumulative(stats, "chain_auth.py", "principal_from_token")[1]
    jwt_s = _cumulative(stats, "chain_auth.py", "principal_from_token")[1]
    executes, execute_s = _cumulative(stats, "psycopg/cursor.py", "execute")
    commits, commit_s = _cumulative(stats, "psycopg/connection.py", "commit")
    driver_s = execute_s + commit_s
    print(f"where one order's {total_s * 1_000 / orders:.2f} ms go (1 thread, under cProfile):")
    for what, seconds in (
        ("JWT check (principal_from_token)", jwt_s),
        (
            f"psycopg: {executes / orders:.0f} execute + {commits / orders:.0f} commit,"
            " each a round trip to PostgreSQL",
            driver_s,
        ),
        ("SQLAlchemy session/ORM and the use case's Python", total_s - jwt_s - driver_s),
    ):
        print(f"  {seconds * 1_000 / orders:>6.2f} ms  {what}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"cProfile of {orders:,} in-process orders (1 thread), top 25 by cumulative time:")
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    print("\n".join(line.replace(str(Path.cwd()) + "/", "") for line in lines[3:]))
    return one.orders + eight.orders + 1 + profiled.orders, one


def print_layers(container: Container, bench: Bench, http: HttpResult, one: InProcessResult) -> int:
    """CPU per order by layer: use case, + FastAPI app, + uvicorn; returns the orders placed."""
    asgi = asyncio.run(asgi_in_process(container, bench, orders=1_600, concurrency=32))
    server_ms = http.cpu_s["server"] * 1_000 / max(http.orders, 1)
    print("CPU per order by layer, ms (the last from the 1-worker HTTP run):")
    for what, ms, more in (
        ("JWT check + place_order (the use case, 1 thread)", one.cpu_ms_per_order, ""),
        (
            "+ FastAPI app: routing, dependencies, pydantic, thread pool (ASGI in-process,"
            f" {asgi.orders_per_s:,.0f} orders/s)",
            asgi.cpu_ms_per_order,
            f"+{asgi.cpu_ms_per_order - one.cpu_ms_per_order:.2f}",
        ),
        (
            "+ uvicorn: h11, asyncio, sockets (the server over loopback)",
            server_ms,
            f"+{server_ms - asgi.cpu_ms_per_order:.2f}",
        ),
    ):
        print(f"  {ms:>6.2f} {more:>6}  {what}")
    return asgi.orders


# -- the run ---------------------------------------------------------------------------


def print_table(results: list[HttpResult], tps: float | None) -> None:
    """The figures, one row per configuration."""
    print(
        f"{'configuration':<19}{'orders':>7}{'orders/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'non-201':>8}{'/ pgbench':>10}   CPU ms per order: server client postgres rest"
    )
    for r in results:
        ratio = f"{r.orders_per_s / tps:.2f}" if tps else "-"
        per = [r.cpu_s[k] * 1_000 / max(r.orders, 1) for k in ("server", "client", "postgres")]
        per.append(r.cpu_s["rest"] * 1_000 / max(r.orders, 1))
        bad = sum(n for status, n in r.statuses.items() if status != 201)
        print(
            f"{r.label:<19}{r.orders:>7,}{r.orders_per_s:>9,.0f}{r.percentile_ms(50):>8.1f}"
            f"{r.percentile_ms(99):>8.1f}{bad:>8}{ratio:>10}{'':>21}"
            + "".join(f"{v:>7.2f}" for v in per)
        )


def check_database(container: Container, placed: int) -> list[str]:
    """Orders, keys and reserved units must all equal the orders acknowledged."""
    with container.engine.connect() as conn:
        orders = conn.execute(text("SELECT count(*) FROM orders")).scalar_one()
        keys = conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar_one()
        reserved = conn.execute(text("SELECT sum(reserved_units) FROM dealer_stock")).scalar_one()
    counts = {"orders": orders, "stored keys": keys, "reserved units": reserved}
    return [f"{name}: {n} for {placed} acknowledged" for name, n in counts.items() if n != placed]


def main(argv: list[str] | None = None) -> int:
    """Run pgbench, the HTTP load on 1 and 2 workers, and the profile when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window, s (15)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (32)")
    parser.add_argument("--profile", action="store_true", help="profile even when on target")
    parser.add_argument("--profile-orders", type=int, default=1_600, help="in-process orders")
    args = parser.parse_args(argv)
    base_url = os.environ.get("NEVRURAL_BENCH_POSTGRES_URL") or os.environ.get(
        "NEVRURAL_TEST_POSTGRES_URL", ""
    )
    if not base_url:
        print(
            "skipped: no PostgreSQL (set NEVRURAL_BENCH_POSTGRES_URL or NEVRURAL_TEST_POSTGRES_URL)"
        )
        return 0
    tps = run_pgbench(base_url, seconds=round(args.seconds))
    recreate_database(base_url, DATABASE)
    try:
        with tempfile.TemporaryDirectory(prefix="nevrural-bench-") as var_dir:
            return run(args, base_url, Path(var_dir), tps)
    finally:
        recreate_database(base_url, DATABASE, create=False)


def run(args: argparse.Namespace, base_url: str, var_dir: Path, tps: float | None) -> int:
    """Seed, load the API on 1 and 2 workers, report, profile; returns the exit status."""
    url = scratch_url(base_url, DATABASE)
    cheap = {"argon2_time_cost": 1, "argon2_memory_kib": 64}
    container = build_container(Settings(database_url=url, var_dir=var_dir, **cheap))
    try:
        container.migrate()
        bench = seed(container)
        env = {
            "NEVRURAL_DATABASE_URL": url,
            "NEVRURAL_VAR_DIR": str(var_dir),
            "NEVRURAL_ARGON2_TIME_COST": "1",
            "NEVRURAL_ARGON2_MEMORY_KIB": "64",
        }
        print(
            f"orders: {N_DEALERS} dealers x {N_MODELS} models x {UNITS:,} units, {N_BUYERS} buyers,"
            f" {args.concurrency} in flight, {args.seconds:.0f} s after a 3 s warm-up"
        )
        results = []
        for workers in (1, 2):
            port = free_port()
            server = start_server(env, port, workers)
            try:
                label = f"uvicorn {workers} worker{'s' if workers > 1 else ''}"
                results.append(
                    asyncio.run(
                        drive(
                            port,
                            bench,
                            label,
                            process_tree(server.pid),
                            concurrency=args.concurrency,
                            warm_up_s=3.0,
                            window_s=args.seconds,
                        )
                    )
                )
            finally:
                stop_server(server)
        print_table(results, tps)
        placed = sum(r.statuses[201] for r in results)
        problems = [
            f"{r.label}: statuses {dict(r.statuses)}" for r in results if set(r.statuses) != {201}
        ]
        best = max(  # the fastest within the p99 target, else the fastest
            results, key=lambda r: (r.percentile_ms(99) <= TARGET_P99_MS, r.orders_per_s)
        )
        on_target = (
            best.orders_per_s >= TARGET_ORDERS_PER_S and best.percentile_ms(99) <= TARGET_P99_MS
        )
        print(
            f"target >= {TARGET_ORDERS_PER_S:,.0f} orders/s with p99 <= {TARGET_P99_MS:.0f} ms:"
            f" {'met' if on_target else 'MISSED'} (best {best.label}: {best.orders_per_s:,.0f}"
            f" orders/s, p99 {best.percentile_ms(99):.1f} ms"
            + (f", {best.orders_per_s / tps:.2f} x pgbench's {tps:,.0f} tps)" if tps else ")")
        )
        if not on_target or args.profile:
            placed_in_process, one = profile(container, bench, orders=args.profile_orders)
            placed += placed_in_process + print_layers(container, bench, results[0], one)
        problems += check_database(container, placed)
    finally:
        container.dispose()
    for line in problems:
        print(f"  ERROR {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
