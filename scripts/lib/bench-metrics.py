#!/usr/bin/env python3
"""What a benchmark scenario cost the server, from two scrapes of its /metrics (before and after).

    bench-metrics.py BEFORE AFTER
    bench-metrics.py --all BEFORE AFTER
    bench-metrics.py --finished KIND BEFORE AFTER

Prints one line: route method requests statements_per_request process_statements_per_request

- The scenario's route is the (route, method) whose request count grew the most; with --all
  (a scenario of many routes, the mixed load) it is every route but /metrics together, printed
  as "all -", and a second line follows with each in-process cache's hit rate over the run:
  "users 99.2% (12345 hits, 101 misses), ..." ("no cache was used" when none was), then a third
  with how many of its reads (GET) and of its writes (any other method) took the server longer
  than 25 ms: "reads 0 of 45210, writes 2021 of 4987" (quire_http_request_duration_seconds, by
  route and method), which says which of them a mixed run's p99 is made of.
- statements_per_request: the requests' own SQL statements (quire_http_request_statements).
- --finished KIND prints instead how many jobs of KIND this process finished successfully
  between the scrapes (quire_jobs_total{kind=KIND,state="succeeded"}).
- process_statements_per_request: every statement the process ran (quire_sql_statements_total,
  so batched enqueues, the job worker and its idle polling too) over the same requests.
"""
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(path):
    with open(path) as text:
        for line in text:
            match = SAMPLE.match(line.strip())
            if match:
                name, labels, value = match.groups()
                yield name, dict(LABEL.findall(labels or "")), float(value)


def totals(path, every_route=False):
    statements, requests, sql = {}, {}, 0.0
    for name, labels, value in samples(path):
        key = (labels.get("route"), labels.get("method"))
        if every_route and key[0] != "/metrics":
            key = ("all", "-")
        if name == "quire_http_request_statements_sum":
            statements[key] = statements.get(key, 0.0) + value
        elif name == "quire_http_request_statements_count":
            requests[key] = requests.get(key, 0.0) + value
        elif name == "quire_sql_statements_total":
            sql += value
    return statements, requests, sql


def cache_counts(path):
    counts = {}
    for name, labels, value in samples(path):
        if name in ("quire_cache_hits_total", "quire_cache_misses_total"):
            pair = counts.setdefault(labels.get("cache", "?"), [0.0, 0.0])
            pair[0 if name == "quire_cache_hits_total" else 1] += value
    return counts


def hit_rates(before, after):
    c0, c1 = cache_counts(before), cache_counts(after)
    rates = []
    for cache in sorted(c1):
        hits = c1[cache][0] - c0.get(cache, [0.0, 0.0])[0]
        misses = c1[cache][1] - c0.get(cache, [0.0, 0.0])[1]
        if hits + misses > 0:
            rates.append(f"{cache} {100 * hits / (hits + misses):.1f}% ({int(hits)} hits, {int(misses)} misses)")
    return ", ".join(rates) or "no cache was used"


# The duration histogram's bucket the mixed rows' latency goal (p99 <= 25 ms) falls on.
SLOW_SECONDS = "0.025"


def slow_counts(path):
    """(requests, requests past SLOW_SECONDS) of reads and of writes, every route but /metrics."""
    counts = {"reads": [0.0, 0.0], "writes": [0.0, 0.0]}
    for name, labels, value in samples(path):
        if name != "quire_http_request_duration_seconds_bucket" or labels.get("route") == "/metrics":
            continue
        pair = counts["reads" if labels.get("method") == "GET" else "writes"]
        if labels.get("le") == "+Inf":
            pair[0] += value
            pair[1] += value
        elif labels.get("le") == SLOW_SECONDS:
            pair[1] -= value
    return counts


def slow_shares(before, after):
    c0, c1 = slow_counts(before), slow_counts(after)
    return ", ".join(f"{kind} {int(c1[kind][1] - c0[kind][1])} of {int(c1[kind][0] - c0[kind][0])}" for kind in ("reads", "writes"))


def finished(path, kind):
    return sum(value for name, labels, value in samples(path)
               if name == "quire_jobs_total" and labels.get("kind") == kind and labels.get("state") == "succeeded")


def main():
    if sys.argv[1] == "--finished":
        kind, before, after = sys.argv[2], sys.argv[3], sys.argv[4]
        print(int(finished(after, kind) - finished(before, kind)))
        return
    every_route = sys.argv[1] == "--all"
    before, after = sys.argv[-2], sys.argv[-1]
    (s0, r0, q0), (s1, r1, q1) = totals(before, every_route), totals(after, every_route)
    grown = {key: r1[key] - r0.get(key, 0.0) for key in r1 if key[0] != "/metrics"}
    if not grown or max(grown.values()) <= 0:
        print("- - 0 - -")
        return
    key = max(grown, key=grown.get)
    count = grown[key]
    own = (s1.get(key, 0.0) - s0.get(key, 0.0)) / count
    process = (q1 - q0) / count
    print(f"{key[0]} {key[1]} {int(count)} {own:.2f} {process:.2f}")
    if every_route:
        print(hit_rates(before, after))
        print(slow_shares(before, after))


if __name__ == "__main__":
    main()
