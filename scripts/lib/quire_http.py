"""One JSON request to a Quire server, for the load scripts (mixed_load.py, db_fault.py).
Standard library only."""
import json
import urllib.error
import urllib.request


def call(base, method, path, token=None, body=None, timeout=30):
    """(status, parsed JSON body or None); status 0 when no answer came (refused, timed out)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            return response.status, (json.loads(payload) if payload else None)
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload)
        except ValueError:
            return error.code, {"not_json": payload[:200].decode("utf-8", "replace")}
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, {"failed": str(error)}
