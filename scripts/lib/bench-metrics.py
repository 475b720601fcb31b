#!/usr/bin/env python3
"""What a benchmark scenario cost the server, from two scrapes of its /metrics (before and after).

    bench-metrics.py BEFORE AFTER

Prints one line: route method requests statements_per_request process_statements_per_request

- The scenario's route is the (route, method) whose request count grew the most.
- statements_per_request: the requests' own SQL statements (quire_http_request_statements).
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


def totals(path):
    statements, requests, sql = {}, {}, 0.0
    for name, labels, value in samples(path):
        key = (labels.get("route"), labels.get("method"))
        if name == "quire_http_request_statements_sum":
            statements[key] = value
        elif name == "quire_http_request_statements_count":
            requests[key] = value
        elif name == "quire_sql_statements_total":
            sql += value
    return statements, requests, sql


def main():
    (s0, r0, q0), (s1, r1, q1) = totals(sys.argv[1]), totals(sys.argv[2])
    grown = {key: r1[key] - r0.get(key, 0.0) for key in r1 if key[0] != "/metrics"}
    if not grown or max(grown.values()) <= 0:
        print("- - 0 - -")
        return
    key = max(grown, key=grown.get)
    count = grown[key]
    own = (s1.get(key, 0.0) - s0.get(key, 0.0)) / count
    process = (q1 - q0) / count
    print(f"{key[0]} {key[1]} {int(count)} {own:.2f} {process:.2f}")


if __name__ == "__main__":
    main()
