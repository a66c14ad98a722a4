"""Crash test of order placement: ``kill -9`` the API under load, then reconcile the database.

Procedure (``make crash-test``; needs ``NEVRURAL_TEST_POSTGRES_URL``):

1. Create a fresh database ``nevrural_crash`` on the server of that URL, migrate it and
   seed through the services a small chain without the atlas: an automaker, two dealers
   selling two models (``--units`` units of each, but 1/25 of that for one pair, which
   runs out during the run), a third "last units" model with 10 units at the first
   dealer, and 50 buyers with logins (argon2 at its cheapest).
2. Start the API (``uvicorn --factory nevrural.interfaces.api.asgi:app``) in a separate
   process on a free loopback port, on that database and a shared ``var`` folder (the
   JWT and personal-data keys), and sign every buyer in once: tokens survive restarts.
3. ``--workers`` client threads place orders with unique ``Idempotency-Key`` values,
   recording each key's body and whether a 201 was received (acknowledged, with the
   order id). Meanwhile the main thread sends SIGKILL to the server after a random 0.2 to
   1.5 s of load, ``--kills`` times, restarts it and waits for ``/healthz``.
4. A request that failed (connection reset or refused; an error status, which is also
   a violation) is unacknowledged: after each restart, and at the end, it is sent again
   with its same key and body until it is acknowledged (201, possibly a replay of an
   order committed just before the kill) or refused (409, no unit left).
5. 50 buyers race for the last 10 units of one model at once: exactly 10 may win.
6. A sample of acknowledged keys is replayed (same order id, ``Idempotent-Replayed:
   true``) and sent with another body (409).
7. The server is stopped and the database is read directly: every acknowledged order
   exists once and is the one its key's stored response names; no two keys share an
   order and there are as many orders as keys (no order without its key); refused
   requests left nothing; each order has one ``order.placed`` audit line; for every
   stock row ``reserved_units`` equals the dealer's open (placed) orders of the model and
   is at most ``on_hand_units``.

Prints a short report and exits 1 on any violation (2 when PostgreSQL is not given).
The crash database is dropped at the end.

The server processes are forked from a pre-imported fork server (``multiprocessing``'s
``forkserver``) that runs the same uvicorn factory: importing the application takes
about 4 s on a 2-core machine, which would make 25 restarts take two minutes by
themselves. ``--cold-start`` starts each server with ``python -m uvicorn`` instead.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nevrural.adapters.db.engine import normalise_url
from nevrural.bootstrap import Container, build_container
from nevrural.config import Settings
from nevrural.core.service.principal import Role
from nevrural.services.chain_auth import add_user, principal_from_token
from nevrural.services.chain_people import find_or_add_buyer

__all__ = ["main"]

APP = "nevrural.interfaces.api.asgi:app"
HOST = "127.0.0.1"
DATABASE = "nevrural_crash"
PASSWORD = "crash-pass-2026"
COUNTY = "410122"  # 中牟县 (Henan); the seat's position, degrees
COUNTY_LON, COUNTY_LAT = 113.976, 34.719
N_BUYERS = 50
LAST_UNITS = 10
SCARCE_SHARE = 25  # the first stock row holds 1/25 of the others' units
REQUEST_TIMEOUT_S = 20.0
HEALTH_TIMEOUT_S = 60.0
_PRELOAD = [
    "__main__",
    APP.split(":")[0],
    "uvicorn",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.main",
]


# -- scratch database ------------------------------------------------------------------


def scratch_url(base_url: str, database: str) -> str:
    """The URL of ``database`` on the server and with the credentials of ``base_url``."""
    url = make_url(normalise_url(base_url)).set(database=database)
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


# -- seeding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeededChain:
    """Ids of the seeded dealers and models and the buyers' usernames."""

    dealer_ids: tuple[int, ...]
    model_ids: tuple[int, ...]
    last_dealer_id: int
    last_model_id: int
    usernames: tuple[str, ...]


def seed_chain(container: Container, *, units: int) -> SeededChain:
    """Seed the chain through the repositories and services (no atlas needed)."""
    chain = container.chain
    now = chain.clock()
    place = {"county_code": COUNTY, "lon": COUNTY_LON, "lat": COUNTY_LAT, "now": now}
    with container.uow() as uow:
        maker = uow.enterprises.add(
            kind="automaker",
            name_zh="压测汽车",
            name_en="Crash Motors",
            lead_capacity=0,
            service_counties=[],
            brand_ids=[],
            is_demo=False,
            **place,
        )
        dealer_ids = tuple(
            uow.enterprises.add(
                kind="dealer",
                name_zh=f"压测经销商{n}",
                name_en=f"Crash dealer {n}",
                lead_capacity=10,
                service_counties=[COUNTY],
                brand_ids=[maker.id],
                is_demo=False,
                **place,
            ).id
            for n in range(2)
        )
        model_ids = []
        for code in ("CR-VAN", "CR-TRUCK", "CR-LAST"):
            model = uow.catalogue.add_model(
                automaker_id=maker.id,
                code=code,
                name_zh="压测车型",
                name_en=f"Crash {code}",
                vehicle_class="micro_van",
                powertrain="bev",
                seats=5,
                payload_kg=600,
                winter_range_km=180,
                price_cny=Decimal("52800.00"),
                is_demo=False,
            )
            model_ids.append(model.id)
        *model_ids, last_model_id = model_ids
        for dealer_id in dealer_ids:
            for model_id in model_ids:
                uow.catalogue.set_stock(dealer_id, model_id, units)
        # One row runs out early, so refusals (409) are exercised under the kills too.
        uow.catalogue.set_stock(dealer_ids[0], model_ids[0], max(1, units // SCARCE_SHARE))
        uow.catalogue.set_stock(dealer_ids[0], last_model_id, LAST_UNITS)
        buyer_ids = [
            find_or_add_buyer(
                uow,
                chain.vault,
                phone=f"139{n:08d}",
                name=None,
                id_card_no=None,
                county_code=COUNTY,
                now=now,
            ).id
            for n in range(N_BUYERS)
        ]
        uow.commit()
    usernames = tuple(f"crash-buyer-{n:02d}" for n in range(N_BUYERS))
    for username, buyer_id in zip(usernames, buyer_ids, strict=True):
        add_user(chain, username=username, password=PASSWORD, role=Role.BUYER, buyer_id=buyer_id)
    return SeededChain(dealer_ids, tuple(model_ids), dealer_ids[0], last_model_id, usernames)


# -- the server process ----------------------------------------------------------------


def _serve(env: dict[str, str], port: int) -> None:
    """Run the API in this (forked) process, as ``uvicorn --factory`` would."""
    os.environ.update(env)
    uvicorn.run(APP, factory=True, host=HOST, port=port, log_level="warning", access_log=False)


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ApiServer:
    """One API process at a time on a fixed port: start, wait for health, SIGKILL, stop."""

    def __init__(self, env: dict[str, str], port: int, *, cold_start: bool) -> None:
        self.env = env
        self.port = port
        self.cold_start = cold_start
        self.base_url = f"http://{HOST}:{port}"
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(_PRELOAD)
        self._process: Any = None

    def start(self) -> None:
        """Start a server process and return once ``/healthz`` answers 200."""
        if self.cold_start:
            command = [sys.executable, "-m", "uvicorn", "--factory", APP, "--host", HOST]
            command += ["--port", str(self.port), "--log-level", "warning", "--no-access-log"]
            self._process = subprocess.Popen(command, env={**os.environ, **self.env})
        else:
            self._process = self._ctx.Process(target=_serve, args=(self.env, self.port))
            self._process.start()
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        with httpx.Client(base_url=self.base_url, timeout=2.0) as http:
            while time.monotonic() < deadline:
                if not self._is_alive():
                    raise RuntimeError("the API process exited while starting")
                try:
                    if http.get("/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"the API did not answer /healthz within {HEALTH_TIMEOUT_S:.0f} s")

    @property
    def pid(self) -> int:
        """The current server process's id."""
        return int(self._process.pid)

    def _is_alive(self) -> bool:
        if self.cold_start:
            return bool(self._process.poll() is None)
        return bool(self._process.is_alive())

    def _wait(self, timeout_s: float) -> None:
        if self.cold_start:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout_s)
        else:
            self._process.join(timeout_s)

    def kill(self) -> None:
        """``kill -9`` the server and reap it."""
        os.kill(self._process.pid, signal.SIGKILL)
        self._wait(10.0)

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM), killing it after 10 s."""
        if self._process is None or not self._is_alive():
            return
        os.kill(self._process.pid, signal.SIGTERM)
        self._wait(10.0)
        if self._is_alive():
            self.kill()


# -- the client's ledger ---------------------------------------------------------------


@dataclass
class Attempt:
    """One order request: its key, caller and body, and what the client learnt of it."""

    key: str
    username: str
    body: dict[str, int]
    state: str = "in flight"  # in flight, unacknowledged, acknowledged, refused
    order_id: int | None = None
    sends: int = 0
    replayed_on_retry: bool = False


@dataclass
class Ledger:
    """Every attempt by key, the error statuses seen, and counters; thread-safe."""

    attempts: dict[str, Attempt] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new(self, key: str, username: str, body: dict[str, int]) -> Attempt:
        """Register an attempt before its first send."""
        attempt = Attempt(key, username, body)
        with self.lock:
            assert key not in self.attempts, key
            self.attempts[key] = attempt
        return attempt

    def unacknowledged(self) -> list[Attempt]:
        """Attempts whose last send got no answer (or an error), oldest key first."""
        with self.lock:
            return [a for a in self.attempts.values() if a.state == "unacknowledged"]

    def count(self, state: str) -> int:
        """How many attempts are in ``state``."""
        with self.lock:
            return sum(a.state == state for a in self.attempts.values())


class Tokens:
    """A bearer token per buyer, signed in again only when the server rejects the old one."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def sign_in(self, username: str) -> str:
        """Sign in through the API (OAuth2 password form)."""
        form = {"username": username, "password": PASSWORD}
        response = httpx.post(f"{self._base_url}/api/v1/auth/token", data=form, timeout=10.0)
        response.raise_for_status()
        token = str(response.json()["access_token"])
        with self._lock:
            self._tokens[username] = token
        return token

    def get(self, username: str) -> str:
        """The buyer's current token."""
        with self._lock:
            token = self._tokens.get(username)
        return token if token is not None else self.sign_in(username)

    def rejected(self, username: str, token: str) -> None:
        """The server refused ``token``: sign in again unless another thread did."""
        with self._lock:
            if self._tokens.get(username) != token:
                return
            del self._tokens[username]


def send(http: httpx.Client, tokens: Tokens, ledger: Ledger, attempt: Attempt) -> None:
    """POST the attempt once and record what came back."""
    with ledger.lock:
        ledger.requests += 1
        attempt.sends += 1
    try:
        token = tokens.get(attempt.username)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": attempt.key}
        response = http.post("/api/v1/orders", json=attempt.body, headers=headers)
    except httpx.HTTPError as error:  # no answer (or no token): not acknowledged
        with ledger.lock:
            attempt.state = "unacknowledged"
            if isinstance(error, httpx.HTTPStatusError):
                ledger.errors.append(f"{attempt.key}: signing in: {error}")
        return
    status = response.status_code
    with ledger.lock:
        if status == 201:
            attempt.state = "acknowledged"
            attempt.order_id = int(response.json()["id"])
            replayed = response.headers.get("Idempotent-Replayed") == "true"
            attempt.replayed_on_retry = replayed and attempt.sends > 1
        elif status == 409 and "no unit left" in response.text:
            attempt.state = "refused"
        else:
            attempt.state = "unacknowledged"
            if status != 401:
                ledger.errors.append(f"{attempt.key}: HTTP {status} {response.text[:200]}")
    if status == 401:
        tokens.rejected(attempt.username, token)


# -- the phases ------------------------------------------------------------------------


@dataclass
class Load:
    """The shared state of the load phase."""

    server: ApiServer
    tokens: Tokens
    ledger: Ledger
    chain: SeededChain
    up: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)


def place_continuously(load: Load, worker: int, workers: int, seed: int) -> None:
    """A client worker: new orders, one at a time, while the server is up."""
    rng = random.Random(seed * 1_000 + worker)
    # Each worker has its own buyers, so no two threads race on one token.
    mine = load.chain.usernames[worker::workers]
    try:
        with httpx.Client(base_url=load.server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
            n = 0
            while not load.stop.is_set():
                if not load.up.wait(0.1):
                    continue
                body = {
                    "dealer_id": rng.choice(load.chain.dealer_ids),
                    "model_id": rng.choice(load.chain.model_ids),
                }
                attempt = load.ledger.new(f"crash-w{worker}-{n}", mine[n % len(mine)], body)
                n += 1
                send(http, load.tokens, load.ledger, attempt)
    except Exception as error:  # a dead worker must fail the run, not go unnoticed
        with load.ledger.lock:
            load.ledger.errors.append(f"worker {worker} stopped: {error!r}")
        raise


def retry_unacknowledged(load: Load, *, rounds: int = 5) -> int:
    """Send unacknowledged attempts again with their keys and bodies; returns how many."""
    retried: set[str] = set()
    with httpx.Client(base_url=load.server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
        for _ in range(rounds):
            pending = load.ledger.unacknowledged()
            if not pending:
                break
            for attempt in pending:
                retried.add(attempt.key)
                send(http, load.tokens, load.ledger, attempt)
    return len(retried)


def run_kills(load: Load, *, kills: int, workers: int, seed: int) -> tuple[int, float]:
    """The load phase: workers place orders while the server is killed ``kills`` times."""
    rng = random.Random(seed)
    threads = [
        threading.Thread(target=place_continuously, args=(load, w, workers, seed), daemon=True)
        for w in range(workers)
    ]
    load.up.set()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    retried = 0
    for n in range(kills):
        time.sleep(rng.uniform(0.2, 1.5))
        load.up.clear()
        load.server.kill()
        load.server.start()
        load.up.set()
        retried += retry_unacknowledged(load)
        print(
            f"  kill {n + 1:>2}/{kills}: {load.ledger.count('acknowledged'):>6} acknowledged,"
            f" {retried:>4} retried so far",
            flush=True,
        )
    load.stop.set()
    for thread in threads:
        thread.join()
    retried += retry_unacknowledged(load)
    return retried, time.perf_counter() - started


def race_for_last_units(load: Load) -> Counter[str]:
    """Every buyer orders one of the last units at the same moment; outcomes by state."""
    usernames = load.chain.usernames
    barrier = threading.Barrier(len(usernames))
    body = {"dealer_id": load.chain.last_dealer_id, "model_id": load.chain.last_model_id}
    attempts = [load.ledger.new(f"last-{u}", u, dict(body)) for u in usernames]

    def buy(attempt: Attempt) -> None:
        with httpx.Client(base_url=load.server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
            load.tokens.get(attempt.username)
            barrier.wait()
            send(http, load.tokens, load.ledger, attempt)

    threads = [threading.Thread(target=buy, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(a.state for a in attempts)


def replay_sample(load: Load, *, size: int, seed: int) -> list[str]:
    """Replay acknowledged keys (same order, flagged) and reuse some with another body (409)."""
    acknowledged = [a for a in load.ledger.attempts.values() if a.state == "acknowledged"]
    sample = random.Random(seed).sample(acknowledged, min(size, len(acknowledged)))
    problems = []
    with httpx.Client(base_url=load.server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
        for n, attempt in enumerate(sample):
            body = dict(attempt.body)
            if n % 8 == 7:  # another body under the same key must be refused
                others = [m for m in load.chain.model_ids if m != body["model_id"]]
                body["model_id"] = others[0]
            token = load.tokens.get(attempt.username)
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": attempt.key}
            response = http.post("/api/v1/orders", json=body, headers=headers)
            if body != attempt.body:
                if response.status_code != 409:
                    problems.append(f"{attempt.key} with another body: HTTP {response.status_code}")
                continue
            replayed = response.headers.get("Idempotent-Replayed")
            if response.status_code != 201 or replayed != "true":
                problems.append(f"{attempt.key} replay: HTTP {response.status_code}, {replayed=}")
            elif response.json()["id"] != attempt.order_id:
                problems.append(f"{attempt.key} replay: order {response.json()['id']}")
    return problems


# -- reconciliation --------------------------------------------------------------------


@dataclass
class Reconciliation:
    """What the database holds against what the client was told."""

    orders: int = 0
    keys: int = 0
    lost: int = 0
    duplicated: int = 0
    stock_rows: int = 0
    violations: list[str] = field(default_factory=list)


def reconcile(container: Container, ledger: Ledger, subjects: dict[str, str]) -> Reconciliation:
    """Check the database against the ledger (see the module docstring, step 7)."""
    with container.engine.connect() as conn:
        orders = {
            r.id: r
            for r in conn.execute(
                text("SELECT id, buyer_id, dealer_id, model_id, state FROM orders")
            )
        }
        keys = {
            (r.subject, r.key): r.response
            for r in conn.execute(text("SELECT subject, key, response FROM idempotency_keys"))
        }
        stock = conn.execute(
            text("SELECT dealer_id, model_id, on_hand_units, reserved_units FROM dealer_stock")
        ).all()
        placed_lines = Counter(
            conn.execute(
                text("SELECT record_id FROM audit_log WHERE action = 'order.placed'")
            ).scalars()
        )
        buyer_of = dict(conn.execute(text("SELECT username, buyer_id FROM users")).all())
    result = Reconciliation(orders=len(orders), keys=len(keys), stock_rows=len(stock))
    bad = result.violations
    sent = {(subjects[a.username], a.key): a for a in ledger.attempts.values()}
    for (subject, key), attempt in sent.items():
        stored = keys.get((subject, key))
        if attempt.state in ("in flight", "unacknowledged"):
            bad.append(f"{key}: never resolved ({attempt.sends} sends)")
        elif attempt.state == "refused":
            if stored is not None:
                bad.append(f"{key}: refused with 409 but stored as order {stored['id']}")
        elif stored is None or stored["id"] != attempt.order_id or attempt.order_id not in orders:
            result.lost += 1
            bad.append(f"{key}: acknowledged order {attempt.order_id} is missing or not its key's")
        else:
            row = orders[attempt.order_id]
            expected = (buyer_of[attempt.username], *attempt.body.values())
            if (row.buyer_id, row.dealer_id, row.model_id) != expected:
                bad.append(f"{key}: order {row.id} is not the request's {expected}")
    unknown = set(keys) - set(sent)
    bad.extend(f"{key}: stored but never sent by the client" for _, key in sorted(unknown))
    per_order = Counter(int(response["id"]) for response in keys.values())
    shared = {oid: n for oid, n in per_order.items() if n > 1}
    keyless = set(orders) - set(per_order)
    result.duplicated = sum(n - 1 for n in shared.values()) + len(keyless)
    bad.extend(f"order {oid}: named by {n} keys" for oid, n in sorted(shared.items()))
    bad.extend(f"order {oid}: placed without a stored key" for oid in sorted(keyless))
    bad.extend(f"order {oid}: no such order" for oid in sorted(set(per_order) - set(orders)))
    bad.extend(
        f"order {oid}: {placed_lines[oid]} order.placed audit lines"
        for oid in sorted(orders)
        if placed_lines[oid] != 1
    )
    open_orders = Counter((r.dealer_id, r.model_id) for r in orders.values() if r.state == "placed")
    for dealer_id, model_id, on_hand, reserved in stock:
        if reserved != open_orders[dealer_id, model_id] or not 0 <= reserved <= on_hand:
            bad.append(
                f"stock of model {model_id} at dealer {dealer_id}: {reserved} reserved of"
                f" {on_hand} on hand, {open_orders[dealer_id, model_id]} open orders"
            )
    return result


# -- the run ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=25, help="SIGKILLs of the server (25)")
    parser.add_argument("--workers", type=int, default=8, help="client threads (8)")
    parser.add_argument(
        "--units", type=int, default=5_000, help="units per stock row, one row 1/25 of it (5000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments (0)")
    parser.add_argument("--replays", type=int, default=80, help="keys replayed at the end (80)")
    parser.add_argument(
        "--cold-start", action="store_true", help="start each server with python -m uvicorn"
    )
    return parser.parse_args(argv)


def report(
    args: argparse.Namespace,
    load: Load,
    load_s: float,
    retried: int,
    race: Counter[str],
    found: Reconciliation,
) -> None:
    """Print the figures of the run."""
    ledger = load.ledger
    states = Counter(a.state for a in ledger.attempts.values())
    replays = sum(a.replayed_on_retry for a in ledger.attempts.values())
    print(f"kills (SIGKILL)          {args.kills:>8}   over {load_s:.1f} s of load")
    print(f"requests sent            {ledger.requests:>8,}   ({len(ledger.attempts):,} keys)")
    print(f"acknowledged (201)       {states['acknowledged']:>8,}")
    print(f"refused (no unit left)   {states['refused']:>8,}")
    print(
        f"retried with their key   {retried:>8,}   ({replays} replayed an order committed"
        " before the kill)"
    )
    print(f"error statuses           {len(ledger.errors):>8,}")
    print(f"orders / stored keys     {found.orders:>8,} / {found.keys:,}")
    print(f"lost                     {found.lost:>8}")
    print(f"duplicated               {found.duplicated:>8}")
    stock_ok = not any(v.startswith("stock") for v in found.violations)
    print(f"stock consistent         {'yes' if stock_ok else 'NO':>8}   ({found.stock_rows} rows)")
    print(
        f"last {LAST_UNITS} units, {N_BUYERS} buyers   {race['acknowledged']:>5} won,"
        f" {race['refused']} refused"
    )


def run(args: argparse.Namespace, base_url: str, var_dir: Path) -> int:
    """Seed, load and kill, reconcile; returns the exit status."""
    url = scratch_url(base_url, DATABASE)
    settings = Settings(database_url=url, var_dir=var_dir, argon2_time_cost=1, argon2_memory_kib=64)
    container = build_container(settings)
    try:
        container.migrate()
        chain = seed_chain(container, units=args.units)
        env = {
            "NEVRURAL_DATABASE_URL": url,
            "NEVRURAL_VAR_DIR": str(var_dir),
            "NEVRURAL_ARGON2_TIME_COST": "1",
            "NEVRURAL_ARGON2_MEMORY_KIB": "64",
        }
        server = ApiServer(env, free_port(), cold_start=args.cold_start)
        server.start()
        load = Load(server, Tokens(server.base_url), Ledger(), chain)
        subjects = {
            u: principal_from_token(container.chain, load.tokens.sign_in(u))[0].subject
            for u in chain.usernames
        }
        print(
            f"crash test: API pid {server.pid} on {server.base_url}, database {DATABASE},"
            f" {args.workers} workers, {args.kills} kills",
            flush=True,
        )
        try:
            retried, load_s = run_kills(
                load, kills=args.kills, workers=args.workers, seed=args.seed
            )
            race = race_for_last_units(load)
            replay_problems = replay_sample(load, size=args.replays, seed=args.seed)
        finally:
            server.stop()
        found = reconcile(container, load.ledger, subjects)
    finally:
        container.dispose()
    report(args, load, load_s, retried, race, found)
    violations = [*load.ledger.errors, *replay_problems, *found.violations]
    if race["acknowledged"] != LAST_UNITS:
        violations.append(f"last units: {race['acknowledged']} orders won {LAST_UNITS} units")
    print(f"replayed keys            {args.replays - len(replay_problems):>8} of {args.replays} ok")
    for line in violations[:20]:
        print(f"  VIOLATION {line}")
    if violations:
        print(f"FAILED: {len(violations)} violations")
        return 1
    print("passed: 0 lost, 0 duplicated, stock adds up")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the crash test on a scratch database of ``NEVRURAL_TEST_POSTGRES_URL``."""
    args = parse_args(argv)
    base_url = os.environ.get("NEVRURAL_TEST_POSTGRES_URL", "")
    if not base_url:
        print(
            "crash test: set NEVRURAL_TEST_POSTGRES_URL to a PostgreSQL URL whose role may"
            " CREATE DATABASE (e.g. postgresql://nevrural:nevrural@127.0.0.1:55432/nevrural_test)",
            file=sys.stderr,
        )
        return 2
    if args.kills < 1 or args.workers < 1:
        print("crash test: --kills and --workers must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    recreate_database(base_url, DATABASE)
    try:
        with tempfile.TemporaryDirectory(prefix="nevrural-crash-") as var_dir:
            status = run(args, base_url, Path(var_dir))
    finally:
        recreate_database(base_url, DATABASE, create=False)
    print(f"crash test finished in {time.perf_counter() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
