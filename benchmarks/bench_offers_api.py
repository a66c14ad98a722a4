"""Offer API: POST /api/v1/quotes latency at a steady 200 requests/s over loopback.

What is measured: the wall-clock time from each request's *scheduled* send time to
its complete response, so a slow response that delays later sends counts against
them too (no coordinated omission). The server runs in a subprocess (the FastAPI app
of ``nevrural serve`` under uvicorn, one worker) on 127.0.0.1 and a free port, with a
fresh SQLite database in a temporary var dir (migrated; no atlas is needed to quote).
This process is the client: an open loop that schedules a request every 1/200 s for
20 s after a 3 s warm-up and hands each to a pool of threads (one keep-alive httpx
client per thread), so a slow response never holds up the schedule. Bodies are the
varied buyers of ``bench_offers.generate_buyers`` (seeded). Each answer must be 201;
anything else counts as an error. Every quote is also stored by the server.

Run: ``.venv/bin/python benchmarks/bench_offers_api.py [--rate 200] [--seconds 20]``.
Prints p50/p95/p99/max latency in ms and the error count. Exit status 1 when p99 is
above 25 ms or any request fails. The server and client share a 2-core machine (with
whatever else runs on it), so the figures are noisy.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench_offers import generate_buyers

TARGET_P99_MS = 25.0
WARM_UP_S = 3.0
THREADS = 16
SERVER = """
import sys
from pathlib import Path

import uvicorn

from nevrural.bootstrap import build_container
from nevrural.config import Settings
from nevrural.interfaces.api.app import create_app

container = build_container(Settings(var_dir=Path(sys.argv[1])))
container.migrate()
uvicorn.run(create_app(container), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """The API server in a subprocess; returns once /healthz answers 200."""
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(var_dir), str(port)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not answer /healthz within 60 s")


class LoadRun:
    """An open-loop run: scheduled sends, latencies (s) from the schedule, errors."""

    def __init__(self, base_url: str, bodies: list[dict[str, Any]]) -> None:
        self.base_url = base_url
        self.bodies = bodies
        self.latencies_s: list[float] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.base_url, timeout=10)
            self._local.client = client
        return client

    def send(self, index: int, scheduled: float, is_measured: bool) -> None:
        """POST one body; record its latency from `scheduled` (perf_counter s)."""
        body = self.bodies[index % len(self.bodies)]
        try:
            response = self._client().post("/api/v1/quotes", json=body)
            problem = None if response.status_code == 201 else f"{response.status_code}"
            if problem is not None:
                problem += f": {response.text[:200]}"
        except httpx.HTTPError as error:
            problem = f"{type(error).__name__}: {error}"
        elapsed = time.perf_counter() - scheduled
        if is_measured:
            with self._lock:
                self.latencies_s.append(elapsed)
                if problem is not None:
                    self.errors.append(problem)

    def run(self, rate: float, seconds: float) -> None:
        """Warm up, then send at `rate` per second for `seconds`, on a fixed schedule."""
        total = int((WARM_UP_S + seconds) * rate)
        warm_up = int(WARM_UP_S * rate)
        with ThreadPoolExecutor(THREADS) as pool:
            start = time.perf_counter() + 0.1
            for index in range(total):
                scheduled = start + index / rate
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self.send, index, scheduled, index >= warm_up)


def main() -> None:
    """Start the server, run the load, print the percentiles and check the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration")
    args = parser.parse_args()
    bodies = generate_buyers(2_000)
    with tempfile.TemporaryDirectory(prefix="nevrural-bench-") as var_dir:
        port = free_port()
        server = start_server(Path(var_dir), port)
        try:
            load = LoadRun(f"http://127.0.0.1:{port}", bodies)
            load.run(args.rate, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies_ms = np.array(load.latencies_s) * 1000
    p50, p95, p99 = (float(np.percentile(latencies_ms, q)) for q in (50, 95, 99))
    print(
        f"POST /api/v1/quotes at {args.rate:g} req/s for {args.seconds:g} s"
        f" (after {WARM_UP_S:g} s warm-up): {len(latencies_ms)} requests, {len(load.errors)} errors"
    )
    print(f"latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {latencies_ms.max():.1f}")
    for problem in sorted(set(load.errors))[:5]:
        print(f"  error: {problem}")
    is_met = p99 <= TARGET_P99_MS and not load.errors
    verdict = "met" if is_met else "FAILED"
    print(f"target p99 <= {TARGET_P99_MS:g} ms at {args.rate:g} req/s: {verdict}")
    if not is_met:
        sys.exit(1)


if __name__ == "__main__":
    main()
