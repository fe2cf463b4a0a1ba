"""Shared pieces of the service tests: start the real `warden serve` on
127.0.0.1 port 0 with a test config, talk HTTP to it (stdlib only), and run
named test functions, printing `N passed, N failed` at the end."""

import argparse
import base64
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback

KEYS = {
    "alpha": "alpha-key-0123456789abcdef",
    "beta": "beta-key-0123456789abcdef0",
    "limited": "limited-key-0123456789abcd",
    "solo": "solo-key-0123456789abcdef0",
    "mallory": "mallory-key-0123456789abcd",
}


def config(scale, session_idle_s):
    """Two ordinary tenants, one with a tiny request rate, one allowed a
    single execution at a time, and one (mallory) capped at two so that
    another tenant always finds a free worker among three."""
    limits = {"memory_bytes": 256 << 20, "timeout_ms": int(10000 * scale), "output_bytes": 1 << 20}

    def tenant(name, **extra):
        entry = {"name": name, "api_keys": [KEYS[name]], "max_concurrent": 8, "max_sessions": 2,
                 "requests_per_minute": 100000, "limits": dict(limits)}
        entry.update(extra)
        return entry

    return {
        "workers": 3,
        "max_queue": 64,
        "max_body_bytes": 1 << 20,
        "read_timeout_ms": int(1000 * scale),
        "max_connections": 48,
        "session_idle_timeout_s": session_idle_s,
        "files": {"max_count": 8, "max_file_bytes": 64 << 10, "max_total_bytes": 256 << 10},
        "tenants": [
            tenant("alpha"),
            tenant("beta", limits=dict(limits, max_threads=3)),
            tenant("limited", requests_per_minute=3),
            tenant("solo", max_concurrent=1),
            tenant("mallory", max_concurrent=2),
        ],
    }


class Server:
    """`warden serve` in a child process; its JSON log goes to a file."""

    def __init__(self, warden, scale=1.0, session_idle_s=300, extra_args=(), sanitized=False):
        self.dir = tempfile.TemporaryDirectory(prefix="warden-service-test-")
        self.config_path = os.path.join(self.dir.name, "config.json")
        with open(self.config_path, "w") as f:
            json.dump(config(scale, session_idle_s), f)
        self.log_path = os.path.join(self.dir.name, "server.log")
        self.log = open(self.log_path, "w")
        env = dict(os.environ)
        if sanitized:
            # AddressSanitizer holds freed blocks in a quarantine (256 MiB by
            # default), which the RSS checks would count as the service's own.
            env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "quarantine_size_mb=16"]))
        self.proc = subprocess.Popen(
            [warden, "serve", "--listen", "127.0.0.1:0", "--config", self.config_path, *extra_args],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        self.port = None
        deadline = time.time() + 120 * scale
        # The first stdout line says where it listens.
        line = self.proc.stdout.readline()
        if "listening on http://127.0.0.1:" not in line or time.time() > deadline:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}; log: {self.log_text()[-2000:]}")
        self.port = int(line.rsplit(":", 1)[1])

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Client:
    def __init__(self, server, tenant=None, timeout=60):
        self.server = server
        self.key = KEYS.get(tenant) if tenant else None
        self.timeout = timeout

    def headers(self, extra=None):
        headers = {}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        headers.update(extra or {})
        return headers

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=self.timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            conn.request(method, path, body=body, headers=self.headers(headers))
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def execute(self, body, **kw):
        return self.request("POST", "/v1/executions", body, **kw)

    def stream(self, path, body):
        """POSTs with Accept: application/x-ndjson; returns (status, [(arrival time, line dict)])."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=self.timeout)
        try:
            conn.request("POST", path, body=json.dumps(body),
                         headers=self.headers({"Accept": "application/x-ndjson"}))
            resp = conn.getresponse()
            lines = []
            while True:
                line = resp.readline()
                if not line:
                    break
                lines.append((time.monotonic(), json.loads(line)))
            return resp.status, resp.getheader("Content-Type"), lines
        finally:
            conn.close()


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def wat_module(text, workdir, features=()):
    """Assembles WebAssembly text with wabt's wat2wasm (extra `features`, e.g.
    "--enable-threads"); returns base64."""
    src = os.path.join(workdir, "m.wat")
    out = os.path.join(workdir, "m.wasm")
    with open(src, "w") as f:
        f.write(text)
    subprocess.run(["wat2wasm", *features, src, "-o", out], check=True)
    with open(out, "rb") as f:
        return b64(f.read())


def metric(server, name):
    body = Client(server).request("GET", "/metrics").body.decode()
    for line in body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            if line.split(" ")[0] == name:
                return float(line.split(" ")[1])
    raise AssertionError(f"no metric {name}")


def expect_error(resp, status, field=None, code=None):
    assert resp.status == status, f"expected {status}, got {resp}"
    error = resp.json()["error"]
    assert error["message"], resp
    if field is not None:
        assert error.get("field") == field, f"expected field {field!r}, got {error}"
    if code is not None:
        assert error["code"] == code, f"expected code {code!r}, got {error}"
    return error


def stop_and_check_exit(server, timeout):
    """SIGTERM; the server must drain and exit 0 with no sanitizer report
    (a leak or UB report under ASan/UBSan makes the exit status non-zero)."""
    import signal
    server.proc.send_signal(signal.SIGTERM)
    status = server.proc.wait(timeout)
    log = server.log_text()
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        assert marker not in log, log[log.index(marker) - 200:][:3000]
    assert status == 0, (status, log[-2000:])


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warden", required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply timeouts (sanitizer builds are slower)")
    parser.add_argument("--only", help="run the tests whose name contains this")
    parser.add_argument("--sanitized", action="store_true", help="warden is an AddressSanitizer build")
    return parser.parse_args()


def run_tests(tests, context):
    """Runs each test(context); prints one line each and the summary."""
    passed = failed = 0
    for test in tests:
        started = time.monotonic()
        try:
            test(context)
            passed += 1
            print(f"PASS {test.__name__} ({time.monotonic() - started:.2f}s)", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {test.__name__} ({time.monotonic() - started:.2f}s)", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def parallel(functions):
    """Runs functions on threads; returns their results (re-raises the first error)."""
    results = [None] * len(functions)
    errors = []

    def call(i, fn):
        try:
            results[i] = fn()
        except Exception as e:  # noqa: BLE001 - reported to the caller
            errors.append(e)

    threads = [threading.Thread(target=call, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
