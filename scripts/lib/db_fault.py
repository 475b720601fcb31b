"""The database fault run of scripts/db-fault: writes and reads against `quire serve` while its
PostgreSQL is stopped for a while and started again. Checks that during the outage every request
is answered at once (no hang) with a JSON 503, /readyz says 503, that full service is back within
--recovery seconds of the server's return, and that every write answered 2xx is in the database
afterwards. Then, with no request in flight, it stops PostgreSQL again and writes: on a quiet
server the pool's connections are all idle when the server goes, no statement fails to tell Quire,
and each write must still be answered within 1 s with a JSON 503 (not hang in the pool and end
as a 500), and service must come back as before. Prints what it measured and ends with
"N passed, N failed".

    python3 scripts/lib/db_fault.py --base URL --stop-cmd CMD --start-cmd CMD
        [--before 3] [--outage 5] [--after 3] [--recovery 2] [--clients 8] [--quiet-outage 3]

Standard library only, loopback only.
"""
import argparse
import subprocess
import sys
import threading
import time
from quire_http import call


class Log:
    """Every answer with the time it was sent, how long it took and what it was."""
    def __init__(self):
        self.lock = threading.Lock()
        self.answers = []  # (sent, seconds, status, body, kind)
        self.written = []  # (token, id) of writes answered 201

    def add(self, sent, took, status, body, kind):
        with self.lock:
            self.answers.append((sent, took, status, body, kind))


def client(base, token, index, stop, log):
    step = 0
    while not stop.is_set():
        step += 1
        sent = time.time()
        if step % 2:
            status, body = call(base, "POST", "/v1/statuses", token, {"type": "note", "body": f"fault {index}-{step}"})
            if status == 201:
                with log.lock:
                    log.written.append((token, body["id"]))
            log.add(sent, time.time() - sent, status, body, "write")
        else:
            status, body = call(base, "GET", "/v1/timelines/home", token)
            log.add(sent, time.time() - sent, status, body, "read")
        time.sleep(0.02)


def unavailable(answer):
    """Whether a logged answer is the JSON 503 `database_unavailable`."""
    status, body = answer[2], answer[3]
    return status == 503 and isinstance(body, dict) and (body.get("error") or {}).get("code") == "database_unavailable"


def recover(base, token, up_at):
    """Seconds from `up_at` until /readyz is 200 and a write goes through, or None after 30 s."""
    while time.time() < up_at + 30:
        ready, _ = call(base, "GET", "/readyz", timeout=10)
        wrote, _ = call(base, "POST", "/v1/statuses", token, {"type": "note", "body": "back"}, timeout=10)
        if ready == 200 and wrote == 201:
            return time.time() - up_at
        time.sleep(0.05)
    return None


def quiet_outage(base, tokens, args):
    """PostgreSQL stopped while nothing is in flight; writes from four clients right after."""
    time.sleep(1)
    subprocess.run(args.stop_cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    down_at = time.time()
    log = Log()

    # One client writes from the stop on, the others half a second later, once the pool has seen
    # its idle connections closed: a write that still found one failed its statement on it, which
    # told Quire of the outage (the code before this check passed it that way in 1 run of 4).
    def writer(index):
        if index:
            time.sleep(0.5)
        step = 0
        while time.time() < down_at + args.quiet_outage:
            step += 1
            sent = time.time()
            status, body = call(base, "POST", "/v1/statuses", tokens[index], {"type": "note", "body": f"quiet {index}-{step}"}, timeout=10)
            log.add(sent, time.time() - sent, status, body, "write")
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(min(4, len(tokens)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=40)
    subprocess.run(args.start_cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    recovered = recover(base, tokens[0], time.time())

    answers = log.answers
    bad = [a for a in answers if not unavailable(a)]
    slowest = max((a[1] for a in answers), default=0)
    return [
        (f"quiet server: {len(answers)} writes after PostgreSQL stopped all answered a JSON 503 database_unavailable", answers and not bad,
         f"{len(bad)} were not, e.g. {bad[:3]}"),
        (f"quiet server: slowest answer {slowest:.3f} s (under 1 s)", slowest < 1.0, ""),
        (f"quiet server: full service {recovered if recovered is None else round(recovered, 2)} s after PostgreSQL returned (at most {args.recovery} s)",
         recovered is not None and recovered <= args.recovery, ""),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--stop-cmd", required=True)
    parser.add_argument("--start-cmd", required=True)
    parser.add_argument("--before", type=float, default=3)
    parser.add_argument("--outage", type=float, default=5)
    parser.add_argument("--after", type=float, default=3)
    parser.add_argument("--recovery", type=float, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--quiet-outage", type=float, default=3)
    args = parser.parse_args()
    base = args.base

    tokens = []
    stamp = int(time.time()) % 100000
    for i in range(args.clients):
        name = f"fault{stamp}x{i}"
        call(base, "POST", "/v1/accounts", body={"username": name, "email": f"{name}@example.org", "password": "password123"})
        status, body = call(base, "POST", "/v1/sessions", body={"username": name, "password": "password123"})
        if status != 201:
            print(f"sign-in failed: {status} {body}", file=sys.stderr)
            return 2
        tokens.append(body["token"])

    log = Log()
    stop = threading.Event()
    threads = [threading.Thread(target=client, args=(base, t, i, stop, log), daemon=True) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    time.sleep(args.before)

    subprocess.run(args.stop_cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    down_at = time.time()
    ready_during = []
    while time.time() < down_at + args.outage:
        sent = time.time()
        status, body = call(base, "GET", "/readyz", timeout=10)
        ready_during.append((status, time.time() - sent))
        time.sleep(0.25)
    subprocess.run(args.start_cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    up_at = time.time()
    # Full service: /readyz is 200 and a write of one's own goes through.
    recovered = recover(base, tokens[0], up_at)
    time.sleep(args.after)
    stop.set()
    for thread in threads:
        thread.join(timeout=40)

    checks = []
    # Answers to requests sent while the server was down (after a second of grace for those
    # already in flight when it stopped): each a JSON 503, each quick.
    during = [a for a in log.answers if down_at + 1 <= a[0] < up_at - 0.5]
    bad = [a for a in during if not unavailable(a)]
    slowest = max((a[1] for a in during), default=0)
    checks.append((f"{len(during)} requests during the outage all answered a JSON 503 database_unavailable", not bad and during,
                   f"{len(bad)} were not, e.g. {bad[:3]}"))
    checks.append((f"at once: slowest answer during the outage {slowest:.3f} s (under 1 s)", slowest < 1.0, ""))
    ready_bad = [r for r in ready_during[4:] if r[0] != 503 or r[1] > 1.0]
    checks.append((f"/readyz during the outage: {len(ready_during)} probes, 503 within 1 s", not ready_bad, f"{ready_bad[:3]}"))
    after = [a for a in log.answers if a[0] >= up_at + args.recovery]
    after_bad = [a for a in after if a[2] not in (200, 201)]
    checks.append((f"full service {recovered if recovered is None else round(recovered, 2)} s after PostgreSQL returned (at most {args.recovery} s)",
                   recovered is not None and recovered <= args.recovery, ""))
    checks.append((f"{len(after)} requests after recovery all 2xx", after and not after_bad, f"{after_bad[:3]}"))
    errors = [a for a in log.answers if a[2] >= 500 and a[2] != 503 or a[2] == 0]
    checks.append(("no 500 and no failed connection at any point", not errors, f"{errors[:3]}"))
    lost = []
    for token, status_id in log.written:
        status, _ = call(base, "GET", f"/v1/statuses/{status_id}", token)
        if status != 200:
            lost.append((status_id, status))
    checks.append((f"all {len(log.written)} writes answered 201 are there afterwards", not lost, f"lost: {lost[:5]}"))

    checks += quiet_outage(base, tokens, args)

    passed = failed = 0
    for label, ok, detail in checks:
        if ok:
            passed += 1
            print(f"ok: {label}")
        else:
            failed += 1
            print(f"FAILED: {label}: {detail}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
