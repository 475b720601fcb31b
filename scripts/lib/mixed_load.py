"""A mixed load against a running `quire serve`, bounded in time, for scripts/stop-loop and
scripts/soak: 16 clients each sign up, then loop over reads (home timeline, a profile, a shelf,
search, a status) and writes (a note, a like, a shelving), and an administrator starts a counter
repair first so a long job runs throughout. Prints whether the repair was still running at the
end; errors go to standard error, one line each, with a count at the end.

    python3 scripts/lib/mixed_load.py --base http://127.0.0.1:PORT --seconds 60 \
        --admin NAME --admin-password PASSWORD [--clients 16] [--pause-ms 0] [--rate R]

--rate paces the clients together to R requests a second (each client keeps its own schedule);
without it every client sends its next request as soon as it has an answer.

Standard library only, loopback only.
"""
import argparse
import os
import sys
import threading
import time
from quire_http import call


def sign_in(base, username, password):
    status, body = call(base, "POST", "/v1/sessions", body={"username": username, "password": password})
    if status != 201:
        raise RuntimeError(f"sign-in of {username}: {status} {body}")
    return body["token"]


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = 0

    def note(self, status, what):
        with self.lock:
            self.requests += 1
            # 4xx answers to writes that race each other (a like twice) are expected; 5xx and
            # connection failures are not.
            if status >= 500 or status == 0:
                self.errors += 1
                print(f"error: {what} answered {status}", file=sys.stderr)


def client(base, index, deadline, pause, counts, stamp, interval=0.0):
    name = f"load{stamp}x{index}"
    status, _ = call(base, "POST", "/v1/accounts",
                     body={"username": name, "email": f"{name}@example.org", "password": "password123"})
    token = sign_in(base, name, "password123")
    status, edition = call(base, "POST", "/v1/editions", token, {"title": f"Load {index}", "authors": [f"Writer {index}"]})
    edition_id = (edition or {}).get("id")
    status, shelves = call(base, "GET", f"/v1/users/{name}/shelves", token)
    shelf_ids = [s["id"] for s in (shelves or {}).get("items", [])]
    step = 0
    last_status = None
    next_at = time.time()
    while time.time() < deadline:
        if interval:
            next_at += interval
            wait = next_at - time.time()
            if wait > 0:
                time.sleep(wait)
        step += 1
        try:
            kind = step % 8
            if kind == 0:
                s, body = call(base, "POST", "/v1/statuses", token, {"type": "note", "body": f"note {step}"})
                last_status = (body or {}).get("id") if s == 201 else last_status
                counts.note(s, "POST /v1/statuses")
            elif kind == 1 and last_status:
                counts.note(call(base, "POST", f"/v1/statuses/{last_status}/like", token)[0], "POST like")
            elif kind == 2:
                counts.note(call(base, "GET", "/v1/timelines/home", token)[0], "GET home")
            elif kind == 3:
                counts.note(call(base, "GET", "/v1/users/celebrity")[0], "GET profile")
            elif kind == 4 and shelf_ids and edition_id:
                shelf = shelf_ids[step % len(shelf_ids)]
                counts.note(call(base, "PUT", f"/v1/shelves/{shelf}/books/{edition_id}", token)[0], "PUT shelving")
            elif kind == 5:
                counts.note(call(base, "GET", "/v1/search?q=load")[0], "GET search")
            elif kind == 6 and shelf_ids:
                counts.note(call(base, "GET", f"/v1/shelves/{shelf_ids[0]}/books")[0], "GET shelf books")
            else:
                counts.note(call(base, "GET", f"/v1/users/{name}/statuses", token)[0], "GET statuses")
        except (ConnectionError, TimeoutError) as error:
            counts.note(0, f"request failed: {error}")
        if pause:
            time.sleep(pause)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pause-ms", type=float, default=0)
    parser.add_argument("--rate", type=float, default=0)
    args = parser.parse_args()

    admin = sign_in(args.base, args.admin, args.admin_password)
    status, body = call(args.base, "POST", "/v1/admin/counters/repair", admin)
    job_id = ((body or {}).get("job") or {}).get("id")
    counts = Counts()
    deadline = time.time() + args.seconds
    # Unique across generator processes started in the same millisecond (scripts/soak runs several).
    stamp = f"{int(time.time() * 1000) % 10_000_000}{os.getpid() % 1000}"
    interval = args.clients / args.rate if args.rate else 0.0
    threads = [threading.Thread(target=client, args=(args.base, i, deadline, args.pause_ms / 1000, counts, stamp, interval), daemon=True)
               for i in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 60)
    state = "unknown"
    if job_id:
        _, job = call(args.base, "GET", f"/v1/jobs/{job_id}", admin)
        state = ((job or {}).get("job") or job or {}).get("state", "unknown")
    print(f"requests: {counts.requests}, errors: {counts.errors}, rate: {counts.requests / args.seconds:.1f}/s", file=sys.stderr)
    print("yes" if state == "running" else f"no ({state})")


if __name__ == "__main__":
    main()
