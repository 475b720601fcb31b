#!/usr/bin/env python3
"""Web-pages fuzzer: random, seeded requests to every page and form of a running Quire.

    python3 scripts/lib/webfuzz.py --base-url http://127.0.0.1:PORT [--budget quick|full]
                                   [--seed N] [--max-seconds S] [--verbose]

Schemathesis and the hostile-values suite (scripts/fuzz) cover the JSON API from its OpenAPI
document; the pages a browser uses have no such document, and their hand-written tests
(WebHostileInputTests) send a fixed list. This suite signs up two accounts through the pages
themselves, makes a book, statuses and shelves, and then sends each page and form mutated
requests: every known field given a random value (hostile text, numbers past 64 bits, NUL and
control characters, invalid percent-encoding, bytes that are not UTF-8, repeated fields, unknown
fields, missing ones), hostile path segments and query parameters, with a valid CSRF token most
of the time (so the handler itself is reached) and a signed-in cookie most of the time; the
import form gets multipart bodies built and then mutated byte by byte.

Every answer must be below 500, and a 4xx must be a page (text/html), not a dropped connection.
A redirect must stay on this site (its Location a path starting with one "/"): the `next` and
`back` fields and parameters are the places an open redirect would hide. After every 50 cases,
and after any case with no answer, GET /healthz must answer; if the server died, the request
that killed it is printed and the suite stops. The same seed sends the same requests.

Python standard library only, and hostile.py's raw-socket client (urllib refuses to send
control characters and bytes past ASCII in a request line).
"""

import argparse
import json
import os
import random
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import NoResponse, http_request, require_loopback  # noqa: E402

PASSWORD = "webfuzz-password-1"

# Values for a form field or a query parameter, as the text a browser would percent-encode. Raw
# bytes (not valid in any encoding a browser sends) are `bytes` and are spliced in verbatim.
TEXTS = ["", " ", "x", "0", "-1", "1", "7", "1.5", "1e3", "1e308", "NaN", "Infinity", "-0", "+1",
         "0x10", "01", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
         "18446744073709551616", "99999999999999999999", "1" * 400, "\u0000", "a\u0000b",
         "\u0001\u001f\u007f", "line\r\nbreak", "\u202eright-to-left", "é🙂\ufeff", "' OR 1=1 --",
         "<script>alert(1)</script>", "{{7*7}}", "%s%n", "../../etc/passwd", "\\", "\"", "null",
         "true", "on", "off", "public", "followers", "direct", "unlisted", "everyone", "review",
         "comment", "quotation", "note", "bogus", "goodreads", "bookwyrm", "json", "csv", "pdf",
         "queued", "running", "failed", "succeeded", "cancelled", "to-read", "reading", "read",
         "a" + "\u0301" * 300, "😀" * 300, "x" * 101, "x" * 301, "x" * 5001, "x" * 10_001,
         "x" * 200_000, "//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
         "javascript:alert(1)", "/signin?next=//evil.example", "%2F%2Fevil.example", "/", "/user/x",
         b"%", b"%ZZ", b"%C0%AE", b"%FF%FE", b"%ED%A0%80", b"\xff\xfe", b"\xc3", b"a=b=c", b"&&&", b"+++"]

# Path segments, already percent-encoded (or deliberately not).
SEGMENTS = ["0", "-1", "+1", "1e3", "1.5", "0x10", "01", "%201", "1%00", "%00", "NaN", "Infinity",
            "9223372036854775807", "9223372036854775808", "18446744073709551616",
            "99999999999999999999", "%D9%A1", "%EF%BC%91", "%2e%2e", "a%2Fb", "%zz", "%", "%FF%FE",
            "%C3%A9%F0%9F%99%82", "%E2%80%AE", "x" * 4000, "abc", "a%00b", "%01%1F", "nobody",
            "'%20OR%201=1%20--", "%C0%AE", "to-read", "reading", "read", "like", "unlike", "boost"]


class WebFuzz:
    def __init__(self, args):
        u = urllib.parse.urlsplit(args.base_url)
        self.host, self.port = u.hostname, u.port or 80
        self.args = args
        self.rng = random.Random(args.seed)
        self.passed = 0
        self.failures = []        # (request summary, problem)
        self.crashed = None
        self.started = time.monotonic()
        self.statuses = {}
        # Sign-ups and failed sign-ins are throttled per client address (an earlier run's, or
        # this one's fuzzed forms): a loopback address of this run's own keeps set-up clear.
        self.source = f"127.{self.rng.randint(1, 254)}.{self.rng.randint(1, 254)}.{self.rng.randint(2, 254)}" \
            if self.host == "127.0.0.1" else None

    # -- plumbing ----------------------------------------------------------------------------

    def send(self, method, target, body=None, cookies=None, content_type=None, timeout=20.0):
        headers = {"Accept": "text/html,application/xhtml+xml", "User-Agent": "quire-webfuzz"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        self.last = (method, target, body[:300] if body else None, headers.get("Content-Type"))
        return http_request(self.host, self.port, method, target, body, headers, timeout=timeout, source=self.source)

    def alive(self):
        try:
            return http_request(self.host, self.port, "GET", "/healthz", timeout=10)[0] == 200
        except NoResponse:
            return False

    @staticmethod
    def set_cookies(headers):
        out = {}
        for line in headers.get("set-cookie", "").split("\n"):
            m = re.match(r"\s*([^=;\s]+)=([^;]*)", line)
            if m:
                out[m.group(1)] = m.group(2)
        return out

    @staticmethod
    def encode(fields):
        """fields: [(name, value)]; str values are percent-encoded as a browser does, bytes spliced."""
        parts = []
        for name, value in fields:
            n = urllib.parse.quote_plus(name) if isinstance(name, str) else name.decode("latin-1")
            if value is None:
                parts.append(n)
            elif isinstance(value, bytes):
                parts.append(f"{n}={value.decode('latin-1')}")
            else:
                parts.append(f"{n}={urllib.parse.quote_plus(value)}")
        return "&".join(parts).encode("latin-1")

    # -- set-up: two accounts through the pages, and something to point at ------------------

    def browser(self):
        """A fresh visitor: the CSRF cookie the sign-in page sets."""
        status, headers, _ = self.send("GET", "/signin")
        cookies = self.set_cookies(headers)
        if status != 200 or "quire_csrf" not in cookies:
            raise SystemExit(f"webfuzz: set-up GET /signin answered {status} without a CSRF cookie")
        return cookies

    def form(self, cookies, path, fields, expect=(303,)):
        body = self.encode([("csrf", cookies["quire_csrf"])] + list(fields.items()))
        status, headers, data = self.send("POST", path, body, cookies)
        if status not in expect:
            raise SystemExit(f"webfuzz: set-up POST {path} answered {status}: {data[:300]!r}")
        cookies.update(self.set_cookies(headers))

    def sign_up(self, name):
        cookies = self.browser()
        self.form(cookies, "/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
        if "quire_session" not in cookies:
            raise SystemExit("webfuzz: set-up sign-up set no session cookie")
        return cookies

    def setup(self):
        tag = f"{int(time.time()) % 100000}{self.rng.randint(100, 999)}"
        self.alice_name, self.bob_name = f"wfa{tag}", f"wfb{tag}"
        self.alice = self.sign_up(self.alice_name)
        self.bob = self.sign_up(self.bob_name)
        # A book through the API (the pages have no form for one), with a bearer token.
        def api(method, path, obj, token=None):
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            status, _, data = http_request(self.host, self.port, method, path, json.dumps(obj).encode(), headers,
                                          source=self.source)
            if status not in (200, 201):
                raise SystemExit(f"webfuzz: set-up {method} {path} answered {status}: {data[:300]!r}")
            return json.loads(data)
        token = api("POST", "/v1/sessions", {"username": self.alice_name, "password": PASSWORD})["token"]
        self.edition = api("POST", "/v1/editions", {"title": f"Webfuzz {tag}", "authors": ["Web Fuzzer"]}, token)["id"]
        self.shelf = api("POST", "/v1/shelves", {"name": f"webfuzz {tag}"}, token)["id"]
        self.status = api("POST", "/v1/statuses", {"type": "note", "body": "webfuzz fixture"}, token)["id"]
        # Bob follows Alice; the pages do the rest at random.
        self.form(self.bob, f"/user/{self.alice_name}/follow", {})

    # -- the cases ---------------------------------------------------------------------------

    def value(self):
        r = self.rng.random()
        if r < 0.7:
            return self.rng.choice(TEXTS)
        if r < 0.85:
            return str(self.rng.choice([self.edition, self.shelf, self.status, self.rng.randint(-5, 10**6)]))
        # random bytes, percent-encoded or raw
        n = self.rng.choice([1, 2, 5, 50, 1000])
        raw = bytes(self.rng.randrange(256) for _ in range(n))
        return urllib.parse.quote_from_bytes(raw).encode() if self.rng.random() < 0.5 else raw.replace(b"&", b"").replace(b"=", b"")

    def segment(self, good):
        return str(good) if self.rng.random() < 0.5 else self.rng.choice(SEGMENTS)

    def user(self):
        return self.rng.choice([self.alice_name, self.bob_name, self.alice_name.upper()]) \
            if self.rng.random() < 0.6 else self.rng.choice(SEGMENTS)

    def forms(self):
        """(path, field names) of every form, with its path's ids filled in, valid or not."""
        ed, st = self.segment(self.edition), self.segment(self.status)
        user = self.user()
        return [
            (f"/book/{ed}/shelve", ["shelf", "post_status"]),
            (f"/book/{ed}/unshelve", ["shelf"]),
            (f"/book/{ed}/status", ["type", "rating", "title", "body", "privacy", "progress", "quote", "position"]),
            ("/status", ["body", "privacy"]),
            (f"/status/{st}/reply", ["body", "privacy"]),
            (f"/status/{st}/{self.rng.choice(['like', 'unlike', 'boost', 'unboost', self.rng.choice(SEGMENTS)])}", ["back"]),
            (f"/user/{user}/{self.rng.choice(['follow', 'unfollow', 'block', 'unblock', self.rng.choice(SEGMENTS)])}", []),
            (f"/follow-requests/{user}/{self.rng.choice(['approve', 'reject', self.rng.choice(SEGMENTS)])}", []),
            ("/settings", ["display_name", "bio", "default_privacy", "manually_approves_followers"]),
            ("/export", ["format"]),
            ("/notifications/read", []),
            ("/signin", ["username", "password", "next"]),
            ("/signup", ["username", "email", "password"]),
        ]

    def pages(self):
        ed, st, user = self.segment(self.edition), self.segment(self.status), self.user()
        shelf = self.rng.choice(["to-read", "reading", "read", str(self.shelf), self.rng.choice(SEGMENTS)])
        return [("/", ["before"]), ("/search", ["q", "after"]), (f"/book/{ed}", []), (f"/status/{st}", []),
                (f"/user/{user}", ["before"]), (f"/user/{user}/shelf/{shelf}", ["before"]),
                ("/settings", []), ("/follow-requests", ["after"]), ("/notifications", ["before"]),
                ("/import", []), (f"/import/{self.rng.choice(SEGMENTS)}", ["after"]), ("/export", []),
                (f"/export/{self.rng.choice(SEGMENTS)}/download", []), ("/admin/jobs", ["state"]),
                ("/signin", ["next"]), ("/signup", []), (f"/static/{self.rng.choice(['quire.css', 'quire.js'] + SEGMENTS)}", [])]

    def fields_for(self, names):
        fields = []
        for name in names:
            if self.rng.random() < 0.8:
                fields.append((name, self.value()))
            if self.rng.random() < 0.1:   # the same field again
                fields.append((name, self.value()))
        if self.rng.random() < 0.15:      # an unknown field, or a broken pair
            fields.append((self.rng.choice(["zzz", "csrf[]", "", "a\u0000", "%", b"%ZZ", b"\xff"]), self.value()))
        if self.rng.random() < 0.05:
            fields.append((b"lonely", None))
        self.rng.shuffle(fields)
        return fields

    def cookies(self):
        """Alice, Bob, nobody signed in, or a broken cookie."""
        r = self.rng.random()
        if r < 0.45:
            return dict(self.alice), self.alice["quire_csrf"]
        if r < 0.75:
            return dict(self.bob), self.bob["quire_csrf"]
        if r < 0.9:
            anon = {"quire_csrf": self.alice["quire_csrf"]}
            return anon, anon["quire_csrf"]
        # (A control character in a header is refused by the HTTP parser, before Quire.)
        bad = self.rng.choice(["", "x", "%00", "a" * 5000, "\u00e9", self.alice["quire_session"][:-1] + "A"])
        return {"quire_session": bad, "quire_csrf": self.rng.choice([bad, self.alice["quire_csrf"]])}, self.alice["quire_csrf"]

    def query(self, names):
        pairs = []
        for name in names:
            for _ in range(2 if self.rng.random() < 0.1 else 1 if self.rng.random() < 0.7 else 0):
                value = self.value()
                # A request line holds no space, control or non-ASCII byte (the HTTP parser
                # refuses it before Quire sees it): those go percent-encoded.
                if isinstance(value, bytes) and not all(33 <= c < 127 for c in value):
                    value = urllib.parse.quote_from_bytes(value).encode()
                # Nor is it longer than the parser's limit on a request's head (80 KB).
                if len(value) > 6000:
                    value = value[:6000]
                pairs.append((name, value))
        return ("?" + self.encode(pairs).decode("latin-1")) if pairs else ""

    def multipart(self):
        """An import upload: a valid form, then perhaps mutated byte by byte."""
        b = self.rng.choice(["b", "x" * 70, "----quire" + str(self.rng.randint(0, 10**9))])
        csv = b"Title,Author,ISBN13,Exclusive Shelf\nKindred,Octavia E. Butler,9780807083697,read\n"
        parts = [("csrf", None, self.alice["quire_csrf"].encode()),
                 ("format", None, self.rng.choice([b"goodreads", b"bookwyrm", b"bogus", b""])),
                 ("privacy", None, self.rng.choice([b"public", b"direct", b"everyone"])),
                 ("file", self.rng.choice(["a.csv", "", "x" * 300, "é🙂.csv", "..\\..\\x"]),
                  self.rng.choice([csv, b"", b"\x1f\x8b\x08\x00", bytes(range(256)), csv * 50]))]
        if self.rng.random() < 0.1:
            parts.append(self.rng.choice(parts))
        body = b""
        for name, filename, data in parts:
            disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
            body += f"--{b}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        body += f"--{b}--\r\n".encode()
        body = bytearray(body)
        for _ in range(self.rng.choice([0, 0, 1, 3, 20])):
            op = self.rng.random()
            i = self.rng.randrange(len(body) + 1)
            if op < 0.4 and body:
                body[min(i, len(body) - 1)] = self.rng.randrange(256)
            elif op < 0.7:
                body[i:i] = bytes([self.rng.randrange(256)])
            elif op < 0.9:
                del body[i:i + self.rng.randint(1, 40)]
            else:
                body = body[:i]
        ctype = self.rng.choice([f"multipart/form-data; boundary={b}"] * 6 + [
            "multipart/form-data", f"multipart/form-data; boundary=\"{b}\"", "multipart/form-data; boundary=",
            f"multipart/form-data; boundary={'y' * 200}", "multipart/mixed; boundary=b", "text/plain",
            f"multipart/form-data; boundary={b}; boundary=other", "multipart/form-data; boundary=\u00e9"])
        return bytes(body), ctype

    def case(self):
        kind = self.rng.random()
        cookies, csrf = self.cookies()
        if kind < 0.35:
            path, names = self.rng.choice(self.pages())
            return "GET", path + self.query(names), None, cookies, None
        if kind < 0.45:
            body, ctype = self.multipart()
            return "POST", "/import" + self.query(["format", "privacy"]) if self.rng.random() < 0.2 else "/import", body, cookies, ctype
        path, names = self.rng.choice(self.forms())
        fields = self.fields_for(names)
        r = self.rng.random()
        if r < 0.85:
            fields.insert(self.rng.randrange(len(fields) + 1), ("csrf", csrf))
        elif r < 0.92:
            fields.append(("csrf", self.value()))
        ctype = None if self.rng.random() < 0.95 else self.rng.choice(
            ["text/plain", "application/json", "multipart/form-data; boundary=b", "application/x-www-form-urlencoded; charset=latin1"])
        return "POST", path + (self.query(["next"]) if self.rng.random() < 0.1 else ""), self.encode(fields), cookies, ctype

    # -- checks ------------------------------------------------------------------------------

    def check(self, method, target, body, cookies, ctype):
        summary = f"{method} {target[:200]}" + (f" body {body[:200]!r}" if body else "")
        try:
            status, headers, data = self.send(method, target, body, cookies, ctype)
        except NoResponse as e:
            if not self.alive():
                self.crashed = (summary, str(e))
                return
            self.failures.append((summary, f"no answer: {e}"))
            return
        self.statuses[status // 100] = self.statuses.get(status // 100, 0) + 1
        problem = None
        if status >= 500:
            problem = f"{status}: {data[:300]!r}"
        elif 400 <= status < 500 and not headers.get("content-type", "").startswith("text/html"):
            problem = f"{status} is not a page: content-type {headers.get('content-type')!r}"
        elif 300 <= status < 400:
            location = headers.get("location", "")
            if not location.startswith("/") or location.startswith("//") or location.startswith("/\\") \
                    or any(c in location for c in "\r\n\t\\"):
                problem = f"{status} redirects off the site: Location {location!r}"
        if problem:
            self.failures.append((summary, problem))
        else:
            self.passed += 1

    def run(self):
        n = 0
        limit = self.args.cases
        while n < limit and time.monotonic() - self.started < self.args.max_seconds:
            method, target, body, cookies, ctype = self.case()
            self.check(method, target, body, cookies, ctype)
            n += 1
            if self.crashed:
                return
            if n % 50 == 0 and not self.alive():
                self.crashed = (f"one of the 50 requests before: last {self.last}", "GET /healthz has no answer")
                return

    def report(self):
        print(f"webfuzz: {self.passed + len(self.failures)} cases in {time.monotonic() - self.started:.0f} s, "
              f"seed {self.args.seed}, answers by class: "
              + ", ".join(f"{k}xx {v}" for k, v in sorted(self.statuses.items())))
        if self.crashed:
            print(f"webfuzz: SERVER CRASHED: {self.crashed[1]}")
            print(f"webfuzz:   killing request: {self.crashed[0]}")
        groups = {}
        for summary, problem in self.failures:
            groups.setdefault(problem.split(":")[0][:60], []).append((summary, problem))
        for kind, items in groups.items():
            print(f"  FAIL [{kind}] {len(items)}x, e.g. {items[0][0]}")
            print(f"       -> {items[0][1][:300]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080 (loopback only)")
    ap.add_argument("--budget", choices=["quick", "full"], default="quick")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--cases", type=int, default=None, help="requests to send (default 5000 quick, 60000 full)")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop after this long (default 240 quick, 1200 full)")
    args = ap.parse_args()
    args.cases = args.cases or (5000 if args.budget == "quick" else 60_000)
    args.max_seconds = args.max_seconds or (240 if args.budget == "quick" else 1200)
    require_loopback(args.base_url, "webfuzz")
    fuzz = WebFuzz(args)
    fuzz.setup()
    fuzz.run()
    fuzz.report()
    failed = len(fuzz.failures) + (1 if fuzz.crashed else 0)
    print(f"{fuzz.passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
