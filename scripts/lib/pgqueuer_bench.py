"""pgqueuer's side of `scripts/bench-jobs --against pgqueuer`: the same no-op backlog drained by
pgqueuer consumers on the same PostgreSQL, measured the way quire-bench measures Quire's queue,
and printed as a row of the same table.

    pgqueuer_bench.py run --dsn URL --processes N --jobs N [--batch 64]
    pgqueuer_bench.py consume --dsn URL --batch 64      (one consumer process; started by `run`)

- backlog: written through pgqueuer's own list enqueue (`Queries.enqueue` with lists, one
  statement a list), 10,000 jobs a call, as Quire's backlog goes through `JobQueue.enqueue([NewJob])`;
  its rate is printed.
- jobs/s: from the first job a consumer started to the last success pgqueuer logged
  (`pgqueuer_log.created`, the time of the transaction that deleted the job), as Quire's is counted
  from the first `started_at` to the last `finished_at`.
- Each consumer runs with `mode=drain`, so it exits when the queue is empty: the harness never
  polls the database while the consumers work.
"""

import argparse
import asyncio
import subprocess
import sys
import time

import asyncpg

from pgqueuer import AsyncpgDriver, QueueManager, Queries
from pgqueuer.types import QueueExecutionMode

try:  # pgqueuer's own CLI runs on uvloop when it is installed; so do we, to give it its best.
    import uvloop

    run_loop = uvloop.run
except ImportError:  # pragma: no cover
    run_loop = asyncio.run

CHUNK = 10_000


async def consume(dsn: str, batch: int) -> None:
    connection = await asyncpg.connect(dsn)
    qm = QueueManager(Queries(AsyncpgDriver(connection)))
    first: list[float] = []

    @qm.entrypoint("noop")
    async def noop(job) -> None:
        if not first:
            first.append(time.time())

    await qm.run(batch_size=batch, mode=QueueExecutionMode.drain)
    await connection.close()
    # The harness takes the earliest of the consumers' first starts.
    print(first[0] if first else "")


async def reset_and_enqueue(dsn: str, jobs: int) -> float:
    """Empties pgqueuer's tables and writes the backlog; returns the enqueue rate in jobs/s."""
    connection = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    await connection.execute("TRUNCATE pgqueuer, pgqueuer_log, pgqueuer_statistics")
    started = time.perf_counter()
    done = 0
    while done < jobs:
        n = min(CHUNK, jobs - done)
        await queries.enqueue(["noop"] * n, [None] * n, [0] * n)
        done += n
    rate = jobs / (time.perf_counter() - started)
    await connection.execute("VACUUM ANALYZE pgqueuer")
    await connection.close()
    return rate


async def drain_end(dsn: str) -> tuple[float, int]:
    connection = await asyncpg.connect(dsn)
    row = await connection.fetchrow(
        "SELECT extract(epoch FROM max(created))::float8 AS last, count(*) AS n FROM pgqueuer_log WHERE status = 'successful'"
    )
    await connection.close()
    return row["last"], row["n"]


def run(args: argparse.Namespace) -> None:
    enqueue_rate = run_loop(reset_and_enqueue(args.dsn, args.jobs))
    consumers = [
        subprocess.Popen(
            [sys.executable, __file__, "consume", "--dsn", args.dsn, "--batch", str(args.batch)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(args.processes)
    ]
    firsts = []
    for consumer in consumers:
        out, _ = consumer.communicate(timeout=args.timeout)
        if consumer.returncode != 0:
            sys.exit(f"pgqueuer consumer exited {consumer.returncode}")
        if out.strip():
            firsts.append(float(out.strip().splitlines()[-1]))
    last, succeeded = run_loop(drain_end(args.dsn))
    if succeeded != args.jobs or not firsts:
        sys.exit(f"pgqueuer: {succeeded} of {args.jobs} jobs logged as successful")
    rate = args.jobs / max(last - min(firsts), 1e-6)
    print(f"| pgqueuer {args.version} (batch {args.batch}) | {args.processes} | {args.jobs} | {rate:.0f} | {enqueue_rate:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--dsn", required=True)
    r.add_argument("--processes", type=int, default=1)
    r.add_argument("--jobs", type=int, default=50_000)
    r.add_argument("--batch", type=int, default=64)
    r.add_argument("--timeout", type=float, default=600)
    r.add_argument("--version", default="")
    c = sub.add_parser("consume")
    c.add_argument("--dsn", required=True)
    c.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    else:
        run_loop(consume(args.dsn, args.batch))


if __name__ == "__main__":
    main()
