#!/usr/bin/env python3
"""Hostile-values suite: throws hand-picked nasty inputs at every operation of a running Quire.

    python3 scripts/lib/hostile.py --base-url http://127.0.0.1:PORT [--token T --username U]
                                   [--budget quick|full] [--max-seconds S] [--skip REGEX]

Schemathesis (scripts/fuzz) generates inputs from the schema; this suite instead sends the values
that historically break servers whatever the schema says: numbers past int64 and double, numbers
spelled as strings, NUL and control characters, a 1 MB string, 10,000 levels of nesting, wrong JSON
types, explicit nulls, unknown fields, and the same in path ids and query parameters. It reads the
OpenAPI document from the server itself, so a new operation or field is covered without editing
this file.

Every answer must be a 4xx, or a 2xx when the value happens to be valid; never a 5xx and never a
dropped connection. A text one code point past its field's maxLength, made of few characters (a
letter and many combining accents: JSON Schema counts code points, so must the server), and a
query parameter given twice must be a 4xx. Every 4xx body must be {"error": {"code": str, "message": str, ...}}. After
each batch (one operation and field) GET /healthz must still answer: if the server died, the
request that killed it is printed and the suite stops, since every later answer would be noise.

Python standard library only (it must run without scripts/fuzz's virtual environment), and a raw
socket client rather than urllib/http.client: those refuse to send control characters in paths or
headers, and lose the server's answer when it replies early (413) and closes before reading the
whole body.
"""

import argparse
import base64
import json
import random
import re
import socket
import sys
import time
import urllib.parse
from collections import OrderedDict

# --------------------------------------------------------------------------------------------
# HTTP: one fresh connection per request ("Connection: close"), so a hostile request can never
# leave a half-read connection behind that makes the next, innocent request fail.


class NoResponse(Exception):
    """The server closed, reset or timed out without answering."""


def http_request(host, port, method, target, body=None, headers=None, timeout=15.0, source=None):
    """Send one request; return (status, headers dict lowercased, body bytes).

    `target` is sent verbatim (already percent-encoded or deliberately not). `body` is bytes.
    `Accept: application/json` unless `headers` names an Accept of its own (scripts/lib/webfuzz.py).
    """
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if not any(k.lower() == "accept" for k in (headers or {})):
        lines.append("Accept: application/json")
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")
    payload = head + (body or b"")
    try:
        sock = socket.create_connection((host, port), timeout=timeout,
                                        source_address=(source, 0) if source else None)
    except OSError as e:
        raise NoResponse(f"connect failed: {e}")
    try:
        try:
            sock.sendall(payload)
        except OSError:
            # The server may answer (413, 400) and close before reading everything we send;
            # its answer can still be waiting in our receive buffer, so read on.
            pass
        chunks = []
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise NoResponse(f"no complete answer within {timeout:.0f} s")
            try:
                data = sock.recv(65536)
            except socket.timeout:
                raise NoResponse(f"no complete answer within {timeout:.0f} s")
            except OSError as e:
                if chunks:
                    break
                raise NoResponse(f"connection error before any answer: {e}")
            if not data:
                break
            chunks.append(data)
            raw = b"".join(chunks)
            parsed = _parse_response(raw)
            if parsed is not None:
                return parsed
        raw = b"".join(chunks)
        if not raw:
            raise NoResponse("connection closed without an answer")
        parsed = _parse_response(raw, eof=True)
        if parsed is None:
            raise NoResponse(f"truncated answer: {raw[:200]!r}")
        return parsed
    finally:
        sock.close()


def _parse_response(raw, eof=False):
    """Parse raw as a full HTTP response, or return None when more bytes are needed."""
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = raw[:end].decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/\d\.\d (\d{3})", head[0])
    if not m:
        raise NoResponse(f"not an HTTP answer: {raw[:200]!r}")
    status = int(m.group(1))
    headers = {}
    for line in head[1:]:
        k, _, v = line.partition(":")
        k = k.strip().lower()
        # A header sent more than once (Set-Cookie) keeps every value, a line each.
        headers[k] = headers[k] + "\n" + v.strip() if k in headers else v.strip()
    rest = raw[end + 4:]
    if headers.get("content-type", "").startswith("text/event-stream"):
        return status, headers, b""  # a stream never ends by itself: the headers are enough
    if "content-length" in headers:
        n = int(headers["content-length"])
        return (status, headers, rest[:n]) if len(rest) >= n else None
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body, pos = b"", 0
        while True:
            nl = rest.find(b"\r\n", pos)
            if nl < 0:
                return None
            size = int(rest[pos:nl].split(b";")[0] or b"0", 16)
            if size == 0:
                return status, headers, body
            if len(rest) < nl + 2 + size + 2:
                return None
            body += rest[nl + 2:nl + 2 + size]
            pos = nl + 2 + size + 2
    if status in (204, 304) or 100 <= status < 200:
        return status, headers, b""
    return (status, headers, rest) if eof else None


# --------------------------------------------------------------------------------------------
# Hostile values. A JSON value is either a Python value (json.dumps'd) or Raw(text): a literal
# spliced into the body as is, for what Python's json can't write (1e400, NaN, lone surrogates,
# 10,000 levels of nesting, which json.dumps would refuse as too deep).


class Raw:
    def __init__(self, text, label=None):
        self.text = text
        self.label = label or (text if len(text) <= 40 else f"{text[:20]}…({len(text)} chars)")


def deep(n, open_="[", close="]"):
    return Raw(open_ * n + close * n, f"{n} levels of {open_}")


def label_of(v):
    if isinstance(v, Raw):
        return v.label
    text = json.dumps(v, ensure_ascii=True)
    return text if len(text) <= 60 else f"{text[:30]}…({len(text)} chars)"


def past_max_length(schema):
    """For a string schema with maxLength n: a value of n + 1 code points in one character (a
    letter and n combining accents), which a server counting characters would take; else None."""
    if schema_type(schema) != "string" or not isinstance(schema.get("maxLength"), int):
        return None
    return "a" + "\u0301" * schema["maxLength"]


def hostile_numbers(full):
    """For integer and number fields (ids, limits, counts, ratings, progress)."""
    vals = [1e300, -1e300, Raw("1e19"), 9223372036854775807, 9223372036854775808,
            -9223372036854775809, 18446744073709551616, -1, 0, 1.5, -0.5, Raw("-0"),
            Raw("1e400"), Raw("-1e400"), Raw("1E+2"), Raw("5e-324"),
            "NaN", "Infinity", "-0", "+1", "1e400", "0x10", "1"]
    if full:
        vals += [Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("0x10"), Raw("+1"), Raw("01"),
                 Raw("1" * 400, "a 400-digit integer"), 2147483648, -2147483649, 4294967296,
                 1e-300, 0.49999999999999994, 1.0000000000000002, 100000.5, Raw("1.0")]
    return vals


def hostile_strings(full):
    """For string fields (text, names, dates, enums, isbns, usernames)."""
    vals = ["", "a\u0000b", "\u0000", "\u0001\u0002\u0007\u0008\u001b\u001f\u007f",
            "line\r\nbreak\ttab", Raw('"\\ud800"', "lone surrogate \\ud800"),
            Raw('"a\udcff\udcfeb"', "invalid UTF-8 (bytes FF FE)"),
            "\u202eright-to-left", "é🙂\ufeff", "' OR 1=1 --", "%00", "../../etc/passwd",
            "NaN", "-1", "1e300", "9223372036854775808",
            "x" * 1_000_000,  # 1 MB: inside the 1 MiB body limit, so validation must reject it
            ]
    if full:
        vals += [" ", "\u00a0", "\u0085", "a" * 10_001, "😀" * 5001, "x" * 300_000,
                 "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", "null", "true",
                 "\\", "\"", "%s%s%s%n", "\u2028\u2029"]
    return vals


def wrong_types():
    """The wrong JSON type for whatever the field is; explicit null too."""
    return [None, True, {}, {"a": 1}, [], [1, "a"], 12, 1.5, "s", deep(10_000, "[", "]"),
            Raw('{"a":' * 10_000 + "1" + "}" * 10_000, "10000 levels of {")]


def hostile_values_for(schema, full):
    t = schema_type(schema)
    out = []
    if t in ("integer", "number"):
        out += hostile_numbers(full)
    elif t == "string":
        out += hostile_strings(full)
    elif t == "array":
        out += [[None], [{}], [[]], list(range(10_000)), ["x"] * 10_000, [1e300], ["\u0000"]]
    elif t == "boolean":
        out += ["true", 1, 0, "yes"]
    else:
        out += hostile_strings(False)[:6] + hostile_numbers(False)[:6]
    out += [v for v in wrong_types() if not _same_type(v, t)]
    return out


def _same_type(v, t):
    if isinstance(v, Raw):
        return False
    return {"string": isinstance(v, str), "boolean": isinstance(v, bool),
            "array": isinstance(v, list), "object": isinstance(v, dict)}.get(t, False)


PATH_IDS = ["0", "-1", "+1", "1e3", "1.5", "0x10", "01", "%201", "1%00", "%00", "NaN",
            "Infinity", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "99999999999999999999", "1e300", "%D9%A1", "%EF%BC%91",
            "%2e%2e", "a%2Fb", "%zz", "%", "abc", "x" * 4000]
PATH_IDS_FULL = ["1" * 2000, "%C0%AE", "%FF", "%E2%80%AE1", "1;1", "1,2", "-0", " 1 ".replace(" ", "%20")]

PATH_NAMES = ["", "%00", "a%00b", "%01%1F", "%2e%2e", "a%2Fb", "%zz", "%", "%FF%FE",
              "%C3%A9%F0%9F%99%82", "%E2%80%AE", "1e300", "-1", "99999999999999999999",
              "x" * 4000, "' OR 1=1 --".replace(" ", "%20").replace("'", "%27")]

QUERY_INTS = ["1e300", "-1e300", "-1", "0", "101", "1.5", "NaN", "Infinity", "+1", "0x10",
              "9223372036854775808", "-9223372036854775809", "18446744073709551616", "", "abc",
              "%00", "1%00", "x" * 4000]
CURSORS = ["garbage", "", "%00", "====", "-1", "1e300",
           base64.urlsafe_b64encode(b"\x00" * 64).decode(),
           base64.urlsafe_b64encode(b'{"id":1e300,"k":"\\u0000"}').decode(),
           base64.urlsafe_b64encode(b"9223372036854775808:18446744073709551616").decode(),
           base64.urlsafe_b64encode(b"x" * 6000).decode(),  # a huge cursor, still a legal URL
           base64.b64encode(b"\xff\xfe" * 100).decode().replace("+", "%2B").replace("/", "%2F")]
CURSORS_FULL = [base64.urlsafe_b64encode(b"y" * 45000).decode(), "%FF%FE", "a" * 10]
QUERY_STRINGS = ["", "%00", "a%00b", "%01%1F%7F", "%zz", "%", "%FF%FE", "x" * 6000, "1e300",
                 ",", ",,,", "id,id", "%2C", "not_a_field", "'%20OR%201=1%20--", "%E2%80%AE"]


# --------------------------------------------------------------------------------------------
# The OpenAPI document: $refs resolved, allOf merged, so each body is one object schema.


def schema_type(s):
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t is None and "properties" in s:
        t = "object"
    if t is None and "enum" in s:
        t = "string" if all(isinstance(e, str) for e in s["enum"]) else None
    return t


class Spec:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, s, depth=0):
        if depth > 20 or not isinstance(s, dict):
            return s or {}
        if "$ref" in s:
            node = self.doc
            for part in s["$ref"].lstrip("#/").split("/"):
                node = node[part]
            merged = dict(self.resolve(node, depth + 1))
            merged.update({k: v for k, v in s.items() if k != "$ref"})
            return merged
        if "allOf" in s:
            out = {"type": "object", "properties": {}, "required": []}
            for part in s["allOf"]:
                p = self.resolve(part, depth + 1)
                out["properties"].update(p.get("properties", {}))
                out["required"] += p.get("required", [])
                if "additionalProperties" in p:
                    out["additionalProperties"] = p["additionalProperties"]
            return out
        return s

    def operations(self):
        for path, item in self.doc["paths"].items():
            common = item.get("parameters", [])
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                params = [self.resolve(p) for p in common + op.get("parameters", [])]
                body = None
                rb = self.resolve(op.get("requestBody", {}))
                content = rb.get("content", {}).get("application/json")
                if content:
                    body = self.resolve(content.get("schema", {}))
                    body = dict(body, properties={k: self.resolve(v) for k, v in
                                                  body.get("properties", {}).items()})
                security = op.get("security", self.doc.get("security", []))
                needs_auth = bool(security) and {} not in security
                yield Operation(method.upper(), path, op.get("operationId", f"{method} {path}"),
                                params, body, bool(rb.get("required")), needs_auth, security)


class Operation:
    def __init__(self, method, path, op_id, params, body, body_required, needs_auth, security):
        self.method, self.path, self.op_id = method, path, op_id
        self.params, self.body, self.body_required = params, body, body_required
        self.needs_auth, self.security = needs_auth, security

    def __repr__(self):
        return f"{self.method} {self.path}"


# --------------------------------------------------------------------------------------------
# The suite.


class Suite:
    def __init__(self, args):
        u = urllib.parse.urlsplit(args.base_url)
        self.host, self.port = u.hostname, u.port or 80
        self.args = args
        self.full = args.budget == "full"
        self.skip = re.compile(args.skip) if args.skip else None
        self.passed = 0
        self.failures = []     # (operation, where, value label, auth, request, problem)
        self.accepted = []     # (operation, where, value label, status): hostile values answered 2xx
        self.last_request = None
        self.crashed = None
        self.counter = 0
        self.started = time.monotonic()
        self.timed_out = False

    # -- plumbing --------------------------------------------------------------------------

    def send(self, method, target, body=None, token=None, content_type="application/json",
             extra_headers=None, timeout=None):
        headers = {}
        if body is not None and content_type:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra_headers or {})
        self.last_request = (method, target, body, headers)
        return http_request(self.host, self.port, method, target, body, headers,
                            timeout=timeout or self.args.request_timeout)

    def alive(self):
        try:
            status, _, _ = http_request(self.host, self.port, "GET", "/healthz", timeout=10)
            return status == 200
        except NoResponse:
            return False

    def unique(self, prefix):
        self.counter += 1
        return f"{prefix}{int(time.time()) % 100000}{self.counter}"

    def json_call(self, method, target, obj=None, token=None, expect=(200, 201), source=None):
        body = None if obj is None else json.dumps(obj).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, headers, data = http_request(self.host, self.port, method, target, body, headers,
                                             timeout=self.args.request_timeout, source=source)
        if status not in expect:
            raise SystemExit(f"hostile: set-up {method} {target} answered {status}: {data[:300]!r}")
        return json.loads(data) if data else {}

    # -- set-up: a user and a little data, so that valid ids exist ---------------------------

    def setup(self):
        a = self.args
        if not a.token:
            a.username = a.username or self.unique("hostile")
            a.password = a.password or "hostile-password-1"
            self.json_call("POST", "/v1/accounts", {"username": a.username, "password": a.password,
                                                    "email": f"{a.username}@example.com"})
            # Failed sign-ins (a fuzzer's, or an earlier run's) throttle POST /v1/sessions per
            # client address; a loopback address of our own, when the server is on 127.0.0.1,
            # keeps that from blocking this sign-in.
            source = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}" \
                if self.host == "127.0.0.1" else None
            a.token = self.json_call("POST", "/v1/sessions", {"username": a.username,
                                                              "password": a.password}, source=source)["token"]
        me = self.json_call("GET", "/v1/me", token=a.token)
        self.username = me.get("username", a.username)
        self.token = a.token
        doc = self.json_call("GET", "/openapi.json")
        self.spec = Spec(doc)
        tok = self.token
        # A fixture id is never 1 (or 16, or 1000): a hostile "+1", "0x10" or "1e3" that the
        # server wrongly parsed would then land on nothing rather than delete a fixture.
        isbn = self._isbn13()
        ed = self.json_call("POST", "/v1/editions", {"title": "Hostile fixture", "authors": ["Hostile Author"],
                                                     "isbn_13": isbn}, tok)
        self.edition_id = ed["id"]
        self.isbn = ed.get("isbn_13") or isbn
        work = ed.get("work") or {}
        self.work_id = work.get("id") or ed.get("work_id") or 1
        authors = ed.get("authors") or [{}]
        self.author_id = authors[0].get("id", 1)
        self.review_id = self.json_call("POST", "/v1/statuses", {"type": "review", "edition_id": self.edition_id,
                                                                 "rating": 4, "body": "fixture review"}, tok)["id"]
        self.quotation_id = self.json_call("POST", "/v1/statuses", {"type": "quotation", "edition_id": self.edition_id,
                                                                    "quote": "fixture quote"}, tok)["id"]
        self.comment_id = self.json_call("POST", "/v1/statuses", {"type": "comment", "edition_id": self.edition_id,
                                                                  "body": "fixture comment", "progress": 3}, tok)["id"]
        self.shelf_id = self.json_call("POST", "/v1/shelves", {"name": self.unique("hostile shelf ")}, tok)["id"]
        self.readthrough_id = self.json_call("POST", f"/v1/editions/{self.edition_id}/readthroughs",
                                             {"started_on": "2024-01-02"}, tok)["id"]

    @staticmethod
    def _isbn13():
        # A fresh, valid ISBN-13 each run (978 + 9 digits + check digit), so reruns don't collide.
        digits = "978" + f"{int(time.time() * 1000) % 10**9:09d}"
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return digits + str((10 - total % 10) % 10)

    def path_value(self, op, name, field=None):
        """A valid value for a path parameter of op."""
        if name == "username":
            return self.username
        if name == "isbn":
            return self.isbn
        if name == "edition_id":
            return str(self.edition_id)
        prefix = op.path.split("/{")[0]
        if prefix.endswith("/statuses"):
            if field in ("quote", "position"):
                return str(self.quotation_id)
            if field == "progress":
                return str(self.comment_id)
            return str(self.review_id)
        return str({"/v1/editions": self.edition_id, "/v1/works": self.work_id,
                    "/v1/authors": self.author_id, "/v1/shelves": self.shelf_id,
                    "/v1/readthroughs": self.readthrough_id}.get(prefix, 2))

    def base_body(self, op, field):
        """A valid body for op, chosen so that `field` is one that body's type may carry."""
        if op.op_id == "registerAccount":
            name = self.unique("h")
            return {"username": name, "email": f"{name}@example.com", "password": "password123"}
        if op.op_id == "createSession":
            return {"username": self.username, "password": "hostile-wrong-password"}
        if op.op_id == "createStatus":
            if field in ("quote", "position"):
                return {"type": "quotation", "edition_id": self.edition_id, "quote": "q"}
            if field == "progress":
                return {"type": "comment", "edition_id": self.edition_id, "body": "b"}
            if field in ("in_reply_to_id", "privacy", "content_warning"):
                return {"type": "note", "body": "b"}
            return {"type": "review", "edition_id": self.edition_id, "rating": 3, "body": "b"}
        if op.op_id == "createShelf":
            return {"name": self.unique("s")}
        if op.op_id == "createEdition":
            return {"title": "t"}
        return {}  # every other body is all-optional

    # -- checking one answer -------------------------------------------------------------------

    def check(self, op, where, value_label, auth, req_desc, result, refuse=False):
        """Record pass/fail for one answer (with `refuse`, a 2xx is a failure too). Returns False
        when the server died."""
        if isinstance(result, NoResponse):
            if not self.alive():
                self.crashed = (op, where, value_label, auth, req_desc, str(result))
                self.failures.append((repr(op), where, value_label, auth, req_desc,
                                      f"SERVER DIED ({result})"))
                return False
            self.failures.append((repr(op), where, value_label, auth, req_desc,
                                  f"no answer, server still up ({result})"))
            return True
        status, headers, data = result
        problem = None
        if status == 400 and not data and where.startswith("header"):
            # A control character in a header is refused by NIO's HTTP parser before the request
            # reaches Quire: a bare 400 and a closed connection, which no middleware can dress.
            self.passed += 1
            return True
        if status >= 500:
            problem = f"{status}: {data[:300].decode('utf-8', 'replace')}"
        elif 400 <= status < 500:
            try:
                body = json.loads(data)
                err = body.get("error") if isinstance(body, dict) else None
                if not (isinstance(err, dict) and isinstance(err.get("code"), str)
                        and isinstance(err.get("message"), str)):
                    problem = f"{status} without an error object: {data[:200]!r}"
            except ValueError:
                problem = (f"{status} with a non-JSON body ({headers.get('content-type', 'no content-type')}):"
                           f" {data[:200]!r}")
        elif not (200 <= status < 300):
            problem = f"unexpected status {status}"
        elif refuse:
            problem = f"{status}: accepted a value the document refuses"
        if problem:
            self.failures.append((repr(op), where, value_label, auth, req_desc, problem))
        else:
            self.passed += 1
            if 200 <= status < 300:
                # Not a failure (the value may be valid), but worth a look: --verbose lists them.
                self.accepted.append((repr(op), where, value_label, status))
        return True

    def run_case(self, op, where, value_label, target, body=None, auth=True, content_type="application/json",
                 extra_headers=None, token=None, refuse=False):
        if self.crashed or self.out_of_time():
            return False
        case_id = f"{op.method} {op.path} {where}={value_label} {'auth' if auth else 'anon'}"
        if self.skip and self.skip.search(case_id):
            return True
        tok = token if token is not None else (self.token if auth else None)
        body_preview = None if body is None else (body[:160].decode("utf-8", "replace") +
                                                  (f"…({len(body)} bytes)" if len(body) > 160 else ""))
        req_desc = f"{op.method} {target[:200]}{'…' if len(target) > 200 else ''}" + \
                   "".join(f"  {k}: {v[:80]!r}" for k, v in (extra_headers or {}).items()) + \
                   (f"  body: {body_preview}" if body is not None else "")
        try:
            result = self.send(op.method, target, body, tok, content_type, extra_headers)
        except NoResponse as e:
            result = e
        return self.check(op, where, value_label, "auth" if auth else "anon", req_desc, result, refuse)

    def out_of_time(self):
        if time.monotonic() - self.started > self.args.max_seconds:
            self.timed_out = True
        return self.timed_out

    def batch_done(self, op, where):
        """After each operation+field batch: is the server still there?"""
        if self.crashed or self.alive():
            return not self.crashed
        m, t, b, _ = self.last_request
        self.crashed = (op, where, "?", "?", f"{m} {t[:200]}", "server gone after batch")
        self.failures.append((repr(op), where, "(after batch)", "?",
                              f"last request: {m} {t[:200]} body: {(b or b'')[:160]!r}",
                              "SERVER DIED (healthz no longer answers)"))
        return False

    # -- building requests -----------------------------------------------------------------------

    def target(self, op, path_values, query=""):
        path = op.path
        for name, value in path_values.items():
            path = path.replace("{" + name + "}", value)
        return path + (("?" + query) if query else "")

    def encode_body(self, obj, field=None, value=None, nested=None):
        """JSON body with obj[field] = value (value may be Raw); nested: put value inside a list."""
        sentinel = "\u0001HOSTILE\u0001"
        if field is None:
            return json.dumps(obj).encode()
        o = dict(obj)
        raw = isinstance(value, Raw)
        v = sentinel if raw else value
        o[field] = [v] if nested == "item" else v
        text = json.dumps(o, ensure_ascii=False)
        if raw:
            text = text.replace(json.dumps(sentinel, ensure_ascii=False), value.text)
        # surrogateescape: Raw text may carry \udc80-\udcff to stand for raw bytes 0x80-0xff
        # (invalid UTF-8), which no JSON encoder would write.
        return text.encode("utf-8", "surrogateescape")

    def run_operation(self, op):
        valid_path = {p["name"]: self.path_value(op, p["name"]) for p in op.params if p.get("in") == "path"}
        query_params = [p for p in op.params if p.get("in") == "query"]
        auths = [True, False]
        # Signing out with our token would end the suite's session: only anonymous/garbage here.
        if op.op_id == "deleteCurrentSession":
            auths = [False]

        # 1. Path parameters.
        for p in op.params:
            if p.get("in") != "path":
                continue
            name = p["name"]
            is_int = schema_type(p.get("schema", {})) in ("integer", "number")
            values = (PATH_IDS + (PATH_IDS_FULL if self.full else [])) if is_int else PATH_NAMES
            for auth in auths:
                for v in values:
                    pv = dict(valid_path, **{name: v})
                    body = self.encode_body(self.base_body(op, None)) if op.body is not None and op.body_required else None
                    if not self.run_case(op, f"path {name}", v, self.target(op, pv), body, auth):
                        return
            if not self.batch_done(op, f"path {name}"):
                return

        # 2. Query parameters, plus an unknown one and a repeated one.
        for p in query_params:
            name = p["name"]
            t = schema_type(p.get("schema", {}))
            if name == "cursor":
                values = CURSORS + (CURSORS_FULL if self.full else [])
            elif t in ("integer", "number"):
                values = QUERY_INTS
            else:
                values = QUERY_STRINGS
            for auth in auths:
                for v in values:
                    if not self.run_case(op, f"query {name}", v,
                                         self.target(op, valid_path, f"{name}={v}"), None, auth):
                        return
            schema = self.spec.resolve(p.get("schema", {}))
            long = past_max_length(schema)
            if long is not None and not self.run_case(
                    op, f"query {name}", "maxLength+1 code points in 1 character",
                    self.target(op, valid_path, f"{name}={urllib.parse.quote(long)}"), None, True, refuse=True):
                return
            # Each query parameter is one value: the same one twice is refused, not one of them
            # picked in silence.
            one = urllib.parse.quote(str((schema.get("enum") or [schema.get("minimum", 1) if t in ("integer", "number") else "a"])[0]))
            if not self.run_case(op, f"query {name}", "given twice", self.target(op, valid_path, f"{name}={one}&{name}={one}"),
                                 None, True, refuse=True):
                return
            if not self.batch_done(op, f"query {name}"):
                return
        if op.method == "GET":
            for q in ["zzz_unknown=1", "limit=5&limit=1e300", "fields=id&fields=%00", "%00=%00", "&&&=&"]:
                if not self.run_case(op, "query", q, self.target(op, valid_path, q), None, True):
                    return
            if not self.batch_done(op, "query extra"):
                return

        # 3. JSON body: every property (and array items), then the body as a whole. An operation
        # that takes no body still gets a few it did not ask for: they must not confuse it.
        if op.body is None and op.method != "GET":
            pv = {n: self.path_value(op, n) for n in valid_path}
            for label, junk in [("unexpected JSON", b'{"zzz": 1e300}'), ("unexpected non-JSON", b"\xff{"),
                                ("unexpected 10000 levels of [", b"[" * 10_000 + b"]" * 10_000)]:
                if not self.run_case(op, "body", label, self.target(op, pv), junk, auths[0]):
                    return
            if not self.batch_done(op, "body"):
                return
        if op.body is not None:
            props = op.body.get("properties", {})
            required = set(op.body.get("required", []))
            for field, fschema in props.items():
                values = hostile_values_for(fschema, self.full)
                if field in required and None not in values:
                    values.append(None)
                for v in values:
                    pv = {n: self.path_value(op, n, field) for n in valid_path}
                    body = self.encode_body(self.base_body(op, field), field, v)
                    if not self.run_case(op, f"body {field}", label_of(v), self.target(op, pv), body, True):
                        return
                long = past_max_length(self.spec.resolve(fschema))
                if long is not None:
                    pv = {n: self.path_value(op, n, field) for n in valid_path}
                    body = self.encode_body(self.base_body(op, field), field, long)
                    if not self.run_case(op, f"body {field}", "maxLength+1 code points in 1 character",
                                         self.target(op, pv), body, True, refuse=True):
                        return
                if schema_type(fschema) == "array":
                    item = self.spec.resolve(fschema.get("items", {}))
                    for v in hostile_values_for(item, False):
                        body = self.encode_body(self.base_body(op, field), field, v, nested="item")
                        if not self.run_case(op, f"body {field}[]", label_of(v), self.target(op, valid_path),
                                             body, True):
                            return
                    long = past_max_length(item)
                    if long is not None:
                        body = self.encode_body(self.base_body(op, field), field, long, nested="item")
                        if not self.run_case(op, f"body {field}[]", "maxLength+1 code points in 1 character",
                                             self.target(op, valid_path), body, True, refuse=True):
                            return
                if not self.batch_done(op, f"body {field}"):
                    return
            if not self.run_whole_body(op, valid_path, auths):
                return

    def run_whole_body(self, op, valid_path, auths):
        base = self.base_body(op, None)
        whole = [
            ("not JSON", b"{", "application/json"),
            ("empty", b"", "application/json"),
            ("null", b"null", "application/json"),
            ("array", b"[]", "application/json"),
            ("number", b"1e300", "application/json"),
            ("string", b'"s"', "application/json"),
            ("10000 levels of [", b"[" * 10_000 + b"]" * 10_000, "application/json"),
            ("10000 levels of {", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "application/json"),
            ("100000 levels of [ (unbalanced)", b"[" * 100_000, "application/json"),
            ("unknown field", self.encode_body(dict(base, zzz_unknown_field={"x": [1e300]})), "application/json"),
            ("duplicate key", self.encode_body(base)[:-1] + (b', "zzz":1, "zzz":"2"}' if base else b'"zzz":1,"zzz":2}'),
             "application/json"),
            ("invalid UTF-8", b'{"zzz": "\xff\xfe\xc0\xaf"}', "application/json"),
            ("UTF-8 BOM", b"\xef\xbb\xbf" + self.encode_body(base), "application/json"),
            ("text/plain", self.encode_body(base), "text/plain"),
            ("no content type", self.encode_body(base), None),
            ("2 MB body", self.encode_body(dict(base, zzz="x" * 2_000_000)), "application/json"),
        ]
        if self.full:
            whole += [("NUL bytes", b"\x00" * 1000, "application/json"),
                      ("trailing garbage", self.encode_body(base) + b"garbage", "application/json"),
                      ("50000 keys", json.dumps({f"k{i}": i for i in range(50_000)}).encode(), "application/json")]
        pv = {n: self.path_value(op, n) for n in valid_path}
        for auth in auths:
            for label, body, ctype in whole:
                if not self.run_case(op, "body", label, self.target(op, pv), body, auth, content_type=ctype):
                    return False
        # Explicit null for each field at once is in section 3; here every field null together.
        nulls = {k: None for k in op.body.get("properties", {})}
        if not self.run_case(op, "body", "every field null", self.target(op, pv), self.encode_body(nulls), True):
            return False
        return self.batch_done(op, "body")

    def run_auth_headers(self):
        """Hostile Authorization headers, on one authenticated operation."""
        op = Operation("GET", "/v1/me", "getMe", [], None, False, True, [])
        values = ["Bearer", "Bearer ", "Bearer  ", "Basic Zm9vOmJhcg==", "bearer " + "A" * 40,
                  "Bearer " + "A" * 6000, "Bearer \x01\x7f", "Bearer a b", "Bearer %00",
                  "Bearer " + self.token + "x", "Bearer " + self.token[:-1]]
        for v in values:
            if not self.run_case(op, "header Authorization", label_of(v), "/v1/me", None, False,
                                 extra_headers={"Authorization": v}):
                return
        self.batch_done(op, "header Authorization")

    def run(self):
        ops = list(self.spec.operations())
        # Deletes last: a hostile id the server wrongly parsed as valid must not remove a fixture
        # that later operations rely on.
        ops.sort(key=lambda o: o.method == "DELETE")
        for op in ops:
            if op.op_id in ("getOpenAPIDocument",):
                continue
            t0 = time.monotonic()
            n0 = self.passed + len(self.failures)
            self.run_operation(op)
            if self.args.verbose:
                print(f"  {op!r}: {self.passed + len(self.failures) - n0} cases, "
                      f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
            if self.crashed or self.timed_out:
                break
        if not self.crashed and not self.timed_out:
            self.run_auth_headers()

    # -- report ------------------------------------------------------------------------------

    def report(self):
        print(f"hostile: {self.passed + len(self.failures)} cases in {time.monotonic() - self.started:.0f} s")
        if self.crashed:
            op, where, label, auth, req, why = self.crashed
            print(f"hostile: SERVER CRASHED on {op!r} {where} = {label} ({auth}): {why}")
            print(f"hostile:   killing request: {req}")
            print("hostile:   the rest of the suite did not run")
        if self.timed_out:
            print(f"hostile: stopped at the {self.args.max_seconds:.0f} s budget (--max-seconds); the rest did not run")
        if self.args.verbose and self.accepted:
            groups = OrderedDict()
            for op, where, label, status in self.accepted:
                groups.setdefault((op, where), []).append(f"{label}→{status}")
            print(f"hostile: hostile values answered 2xx (fine when the value is valid; {len(self.accepted)}):")
            for (op, where), labels in groups.items():
                print(f"  2xx {op}  {where}: {', '.join(sorted(set(labels))[:15])}")
        # Group: operation + field + problem kind, listing the values.
        groups = OrderedDict()
        for op, where, label, auth, req, problem in self.failures:
            kind = problem.split(":")[0][:60]
            groups.setdefault((op, where, kind), []).append((label, auth, req, problem))
        if groups:
            print(f"hostile: {len(self.failures)} failures in {len(groups)} groups (operation, field, problem):")
        for (op, where, kind), items in groups.items():
            labels = sorted({label for label, _, _, _ in items})
            print(f"  FAIL {op}  {where}  [{kind}]  {len(items)}x  values: {', '.join(labels[:12])}"
                  f"{' …' if len(labels) > 12 else ''}")
            label, auth, req, problem = items[0]
            print(f"       e.g. ({auth}) {req}")
            print(f"       -> {problem[:300]}")


def require_loopback(base_url, who):
    """These suites send what breaks servers: never to one on another machine."""
    host = urllib.parse.urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        raise SystemExit(f"{who}: only loopback addresses are allowed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080 (loopback only)")
    ap.add_argument("--token", help="a valid bearer token; without it an account is registered")
    ap.add_argument("--username")
    ap.add_argument("--password")
    ap.add_argument("--budget", choices=["quick", "full"], default="quick")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop after this long (default: 240 for quick, 1200 for full)")
    ap.add_argument("--request-timeout", type=float, default=15.0)
    ap.add_argument("--skip", help="regex over 'METHOD /path where=value auth|anon': cases not sent")
    ap.add_argument("--verbose", action="store_true", help="time each operation on stderr")
    args = ap.parse_args()
    if args.max_seconds is None:
        args.max_seconds = 240 if args.budget == "quick" else 1200
    require_loopback(args.base_url, "hostile")
    suite = Suite(args)
    suite.setup()
    suite.run()
    suite.report()
    failed = len(suite.failures) + (1 if suite.timed_out else 0)
    print(f"{suite.passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
