"""End-to-end tests of `warden serve`: every endpoint and status over real
HTTP, streaming, files, auth, quotas and bad input (each a 4xx naming the
field, with the server still serving afterwards)."""

import socket
import sys
import tempfile
import threading
import time

from harness import (Client, Server, b64, expect_error, metric, parallel, parse_args, run_tests,
                     stop_and_check_exit, wat_module)

TRAP_WAT = '(module (memory (export "memory") 1) (func (export "_start") unreachable))'
HELLO_WAT = '''(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi from wasm\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))'''
MISSING_IMPORT_WAT = '(module (import "env" "nope" (func)) (func (export "_start")))'
# Starts threads that wait for ever until thread-spawn refuses (at most 100),
# then exits with how many it got.
THREAD_BOMB_WAT = '''(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    (loop $w (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $w)))
  (func (export "_start") (local $n i32)
    (block $refused
      (loop $more
        (br_if $refused (i32.ge_u (local.get $n) (i32.const 100)))
        (br_if $refused (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $more)))
    (call $exit (local.get $n))))'''


class Context:
    def __init__(self, server, scale, workdir):
        self.server = server
        self.scale = scale
        self.alpha = Client(server, "alpha", timeout=60 * scale)
        self.anon = Client(server, timeout=60 * scale)
        self.workdir = workdir


def wait_for_running(c, n):
    """Waits until n executions are on workers (timing-free ordering on a busy machine)."""
    deadline = time.monotonic() + 30 * c.scale
    while metric(c.server, "warden_running_executions") < n:
        assert time.monotonic() < deadline, f"fewer than {n} executions running"
        time.sleep(0.02)


# --- endpoints and statuses ---------------------------------------------

def test_healthz_and_metrics(c):
    r = c.anon.request("GET", "/healthz")
    assert r.status == 200 and r.json()["status"] == "ok", r
    assert r.json()["workers"] == 3, r
    m = c.anon.request("GET", "/metrics")
    assert m.status == 200 and m.headers["content-type"].startswith("text/plain"), m
    text = m.body.decode()
    for needle in ('warden_executions_total{status="ok"}', "warden_execution_duration_seconds_bucket",
                   "warden_live_sandboxes", "process_resident_memory_bytes"):
        assert needle in text, needle


def test_status_ok(c):
    r = c.alpha.execute({"code": "import sys\nprint('out', 6 * 7)\nprint('err', file=sys.stderr)"})
    assert r.status == 200, r
    j = r.json()
    assert j["status"] == "ok" and j["exit_code"] == 0, j
    assert j["stdout"] == "out 42\n" and j["stderr"] == "err\n", j
    assert j["duration_ms"] > 0 and j["fuel_used"] > 0 and j["memory_peak_bytes"] > 0, j
    assert j["output_truncated"] is False and j["files"] == [], j


def test_status_error(c):
    j = c.alpha.execute({"code": "raise ValueError('boom')"}).json()
    assert j["status"] == "error" and j["exit_code"] == 1, j
    assert "ValueError: boom" in j["stderr"], j


def test_status_timeout(c):
    t = int(300 * c.scale)
    j = c.alpha.execute({"code": "while True: pass", "limits": {"timeout_ms": t}}).json()
    assert j["status"] == "timeout", j
    assert j["duration_ms"] >= t * 0.9, j


def test_status_fuel_exhausted(c):
    j = c.alpha.execute({"code": "while True: pass", "limits": {"fuel": 20_000_000}}).json()
    assert j["status"] == "fuel_exhausted", j
    assert j["fuel_used"] >= 20_000_000 * 0.99, j


def test_status_memory_limit(c):
    j = c.alpha.execute({"code": "x = bytearray(200 * 1024 * 1024)\nprint('allocated')",
                         "limits": {"memory_bytes": 64 << 20}}).json()
    assert j["status"] == "memory_limit", j
    assert "allocated" not in j["stdout"], j
    assert j["memory_peak_bytes"] <= 64 << 20, j


def test_status_output_limit(c):
    j = c.alpha.execute({"code": "while True: print('x' * 100)", "limits": {"output_bytes": 1000}}).json()
    assert j["status"] == "output_limit", j
    assert j["output_truncated"] is True, j
    assert 0 < len(j["stdout"]) <= 1000, len(j["stdout"])


def test_status_write_limit(c):
    j = c.alpha.execute({"code": "with open('big.bin', 'wb') as f:\n  while True: f.write(b'w' * 4096); f.flush()",
                         "limits": {"write_bytes": 100000}}).json()
    assert j["status"] == "write_limit", j
    assert all(f["size"] <= 100000 for f in j["files"]), j["files"]


def test_status_trap_wasm(c):
    j = c.alpha.execute({"language": "wasm", "code": wat_module(TRAP_WAT, c.workdir)}).json()
    assert j["status"] == "trap", j
    assert "unreachable" in j["message"], j


def test_wasm_module_runs(c):
    j = c.alpha.execute({"language": "wasm", "code": wat_module(HELLO_WAT, c.workdir)}).json()
    assert j["status"] == "ok" and j["stdout"] == "hi from wasm\n", j


def test_wasm_bad_modules_are_4xx(c):
    expect_error(c.alpha.execute({"language": "wasm", "code": b64(b"\0asm\x01\0\0\0\xff")}), 422, "code", "invalid_module")
    expect_error(c.alpha.execute({"language": "wasm", "code": wat_module(MISSING_IMPORT_WAT, c.workdir)}),
                 422, "code", "instantiation_failed")
    expect_error(c.alpha.execute({"language": "wasm", "code": "not base64!"}), 400, "code")


def test_tenant_max_threads_holds(c):
    beta = Client(c.server, "beta", timeout=60 * c.scale)
    code = wat_module(THREAD_BOMB_WAT, c.workdir, ["--enable-threads"])
    j = beta.execute({"language": "wasm", "code": code}).json()
    assert j["exit_code"] == 3, j  # the tenant's cap: the 4th thread-spawn got EAGAIN
    j = beta.execute({"language": "wasm", "code": code, "limits": {"max_threads": 1}}).json()
    assert j["exit_code"] == 1, j  # a request may lower it
    expect_error(beta.execute({"language": "wasm", "code": code, "limits": {"max_threads": 4}}), 422,
                 field="limits.max_threads")  # never raise it
    # The threads (waiting for ever) ended with their sandboxes: the service goes on.
    j = beta.execute({"language": "wasm", "code": wat_module(HELLO_WAT, c.workdir)}).json()
    assert j["status"] == "ok", j


def test_stdin_env_args(c):
    code = "import os, sys\nprint(sys.stdin.read().upper(), os.environ.get('GREETING'), sys.argv[1:], sorted(os.environ))"
    j = c.alpha.execute({"code": code, "stdin": "abc", "env": {"GREETING": "hello"}, "args": ["a", "b"]}).json()
    assert j["status"] == "ok", j
    assert j["stdout"] == "ABC hello ['a', 'b'] ['GREETING']\n", j


# --- files ---------------------------------------------------------------

def test_files_in_and_changed_files_out(c):
    code = ("import os\n"
            "print(open('data/in.txt').read())\n"
            "open('data/in.txt', 'a').write('+more')\n"
            "open('new.bin', 'wb').write(bytes(range(256)))\n"
            "print(os.getcwd())")
    j = c.alpha.execute({"code": code, "files": [{"path": "data/in.txt", "content": b64("input")},
                                                 {"path": "same.txt", "content": b64("unchanged")}]}).json()
    assert j["status"] == "ok", j
    assert j["stdout"] == "input\n/work\n", j
    files = {f["path"]: f for f in j["files"]}
    assert set(files) == {"data/in.txt", "new.bin"}, files  # same.txt was not touched
    assert files["data/in.txt"]["content"] == b64("input+more"), files
    assert files["new.bin"]["content"] == b64(bytes(range(256))) and files["new.bin"]["size"] == 256, files
    assert j["files_truncated"] is False, j


def test_returned_files_are_bounded(c):
    # Config: at most 8 files, 64 KiB each.
    code = ("for i in range(12): open(f'f{i:02}.txt', 'w').write('x')\n"
            "open('big.bin', 'wb').write(b'y' * 100000)")
    j = c.alpha.execute({"code": code}).json()
    assert j["status"] == "ok", j
    assert len(j["files"]) == 8 and j["files_truncated"] is True, [f["path"] for f in j["files"]]
    big = c.alpha.execute({"code": "open('big.bin', 'wb').write(b'y' * 100000)"}).json()
    assert big["files"] == [{"path": "big.bin", "size": 100000, "content_omitted": True}], big["files"]
    assert big["files_truncated"] is True, big


def test_file_paths_are_checked(c):
    for path in ["../escape.txt", "/etc/passwd", "a/../../b", "a//b", "./x", ""]:
        r = c.alpha.execute({"code": "pass", "files": [{"path": path, "content": ""}]})
        expect_error(r, 400, "files[0].path")
    expect_error(c.alpha.execute({"code": "pass", "files": [{"path": "ok.txt", "content": "%%%"}]}), 400, "files[0].content")
    expect_error(c.alpha.execute({"code": "pass", "files": [{"path": "a", "content": ""}, {"path": "a", "content": ""}]}),
                 400, "files[1].path")
    too_many = [{"path": f"f{i}", "content": ""} for i in range(9)]
    expect_error(c.alpha.execute({"code": "pass", "files": too_many}), 413, "files")
    expect_error(c.alpha.execute({"code": "pass", "files": [{"path": "big", "content": b64(b"z" * (65 << 10))}]}),
                 413, "files[0].content")


def test_guest_sees_no_host_files(c):
    code = ("import os\n"
            "for path in ['/etc/passwd', '/work/../../etc/passwd', '/proc/self/environ']:\n"
            "  try:\n    open(path); print('opened', path)\n  except OSError:\n    print('denied')\n"
            "print(os.listdir('/work'))")
    j = c.alpha.execute({"code": code, "files": [{"path": "mine.txt", "content": ""}]}).json()
    assert j["status"] == "ok", j
    assert j["stdout"] == "denied\ndenied\ndenied\n['mine.txt']\n", j


# --- streaming -----------------------------------------------------------

def test_streaming_ndjson(c):
    code = "import sys, time\nprint('first', flush=True)\ntime.sleep(0.5)\nprint('oops', file=sys.stderr, flush=True)\nprint('last')"
    status, ctype, lines = c.alpha.stream("/v1/executions", {"code": code})
    assert status == 200 and ctype == "application/x-ndjson", (status, ctype)
    kinds = [line["type"] for _, line in lines]
    assert kinds[-1] == "result" and kinds.count("result") == 1, kinds
    out = "".join(line["data"] for _, line in lines if line["type"] == "stdout")
    err = "".join(line["data"] for _, line in lines if line["type"] == "stderr")
    assert out == "first\nlast\n" and err == "oops\n", (out, err)
    result = lines[-1][1]
    assert result["status"] == "ok" and "stdout" not in result and result["exit_code"] == 0, result
    # The first chunk arrived while the guest was still sleeping.
    assert lines[-1][0] - lines[0][0] >= 0.4, [t for t, _ in lines]


def test_streaming_server_sent_events(c):
    import http.client
    import json
    conn = http.client.HTTPConnection("127.0.0.1", c.server.port, timeout=60 * c.scale)
    conn.request("POST", "/v1/executions", body=json.dumps({"code": "print('a', flush=True)\nprint('b')"}),
                 headers=c.alpha.headers({"Accept": "text/event-stream"}))
    r = conn.getresponse()
    assert r.status == 200 and r.getheader("Content-Type") == "text/event-stream", r.status
    events = [e for e in r.read().decode().split("\n\n") if e]
    conn.close()
    parsed = []
    for event in events:
        name_line, data_line = event.split("\n")
        assert name_line.startswith("event: ") and data_line.startswith("data: "), event
        data = json.loads(data_line[len("data: "):])
        assert data["type"] == name_line[len("event: "):], event
        parsed.append(data)
    assert "".join(p["data"] for p in parsed if p["type"] == "stdout") == "a\nb\n", parsed
    assert parsed[-1]["type"] == "result" and parsed[-1]["status"] == "ok", parsed


def test_streaming_ends_with_limit_status(c):
    status, _, lines = c.alpha.stream("/v1/executions", {"code": "while True: print('y' * 50)",
                                                         "limits": {"output_bytes": 500}})
    assert status == 200, status
    assert lines[-1][1]["status"] == "output_limit", lines[-1]
    assert sum(len(line["data"]) for _, line in lines[:-1]) <= 500


def test_streaming_error_before_start_is_plain_json(c):
    status, ctype, lines = c.alpha.stream("/v1/executions", {"code": 5})
    assert status == 400 and ctype == "application/json", (status, ctype)
    assert lines[0][1]["error"]["field"] == "code", lines


def test_streaming_keeps_utf8_characters_whole(c):
    code = "import sys\nfor b in 'é€😀'.encode():\n  sys.stdout.buffer.write(bytes([b])); sys.stdout.buffer.flush()"
    status, _, lines = c.alpha.stream("/v1/executions", {"code": code})
    out = "".join(line["data"] for _, line in lines if line["type"] == "stdout")
    assert status == 200 and out == "é€😀", (status, out, lines)


# --- auth and quotas -----------------------------------------------------

def test_auth(c):
    r = c.anon.execute({"code": "print(1)"})
    expect_error(r, 401, "Authorization", "unauthorized")
    assert r.headers.get("www-authenticate") == "Bearer", r.headers
    r = c.anon.execute({"code": "print(1)"}, headers={"Authorization": "Bearer wrong-key-0123456789"})
    expect_error(r, 401, "Authorization")
    r = c.anon.execute({"code": "print(1)"}, headers={"Authorization": "Basic YWxwaGE6eA=="})
    expect_error(r, 401, "Authorization")


def test_rate_limit_429_with_retry_after(c):
    limited = Client(c.server, "limited")
    statuses = [limited.request("GET", "/v1/sessions/none").status for _ in range(3)]
    assert statuses == [404, 404, 404], statuses  # three per minute allowed
    r = limited.execute({"code": "print(1)"})
    expect_error(r, 429, code="rate_limited")
    assert 1 <= int(r.headers["retry-after"]) <= 60, r.headers
    # Other tenants are unaffected.
    assert c.alpha.execute({"code": "print(1)"}).status == 200


def test_concurrency_limit_429(c):
    solo = Client(c.server, "solo", timeout=60 * c.scale)
    started = threading.Event()

    def slow():
        started.set()
        return solo.execute({"code": "import time\ntime.sleep(1.5)\nprint('done')"})

    def second():
        started.wait()
        wait_for_running(c, 1)
        return solo.execute({"code": "print(2)"})

    slow_r, second_r = parallel([slow, second])
    assert slow_r.status == 200 and slow_r.json()["stdout"] == "done\n", slow_r
    expect_error(second_r, 429, code="too_many_concurrent")
    assert "retry-after" in second_r.headers, second_r.headers


def test_limits_above_tenant_maximum_are_422(c):
    expect_error(c.alpha.execute({"code": "pass", "limits": {"timeout_ms": 10**9}}), 422, "limits.timeout_ms",
                 "limit_exceeds_tenant")
    expect_error(c.alpha.execute({"code": "pass", "limits": {"memory_bytes": 1 << 40}}), 422, "limits.memory_bytes")


# --- bad input -----------------------------------------------------------

def test_bad_json_and_fields(c):
    ex = c.alpha.execute
    expect_error(ex("{not json"), 400, "body", "malformed_json")
    expect_error(ex("[1, 2]"), 400, "body")
    expect_error(ex({}), 400, "code")
    expect_error(ex({"code": 5}), 400, "code")
    expect_error(ex({"code": "pass", "surprise": True}), 400, "surprise")
    expect_error(ex({"code": "pass", "language": "ruby"}), 400, "language")
    expect_error(ex({"code": "pass", "stdin": ["x"]}), 400, "stdin")
    expect_error(ex({"code": "pass", "args": ["ok", 3]}), 400, "args[1]")
    expect_error(ex({"code": "pass", "env": {"A": 1}}), 400, "env.A")
    expect_error(ex({"code": "pass", "env": {"A=B": "x"}}), 400, "env.A=B")
    expect_error(ex({"code": "pass", "env": ["A"]}), 400, "env")
    expect_error(ex({"code": "pass", "limits": {"fuel": -1}}), 400, "limits.fuel")
    expect_error(ex({"code": "pass", "limits": {"fuel": 1.5}}), 400, "limits.fuel")
    expect_error(ex({"code": "pass", "limits": {"cpu": 1}}), 400, "limits.cpu")
    expect_error(ex({"code": "pass", "limits": 7}), 400, "limits")
    expect_error(ex({"code": "pass", "files": {"a": "b"}}), 400, "files")
    expect_error(ex({"code": "pass", "files": [{"path": "a", "content": "", "mode": 7}]}), 400, "files[0].mode")
    expect_error(ex({"code": "pass", "network": {"allow": ["example.com:443"]}}), 422, "network.allow")
    expect_error(ex({"code": "pass", "network": {"deny": []}}), 400, "network.deny")
    assert ex({"code": "print(1)", "network": {"allow": []}}).json()["status"] == "ok"


def test_oversize_body_413(c):
    r = c.alpha.execute({"code": "#" * (1 << 20)})
    expect_error(r, 413, "body", "body_too_large")
    assert c.alpha.request("GET", "/healthz").status == 200


def test_unknown_endpoint_and_method(c):
    expect_error(c.alpha.request("GET", "/v2/nothing"), 404, code="not_found")
    r = c.alpha.request("GET", "/v1/executions")
    expect_error(r, 405, code="method_not_allowed")
    assert r.headers["allow"] == "POST", r.headers
    r = c.alpha.request("PATCH", "/v1/sessions/abc")
    assert r.status == 405 and r.headers["allow"] == "GET, DELETE", r


def raw_exchange(server, data, timeout):
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return b"".join(chunks), False
            except ConnectionResetError:  # closed with our request unread
                return b"".join(chunks), True
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)


def test_malformed_http_is_400_and_closed(c):
    reply, closed = raw_exchange(c.server, b"BLAH / HTTP/9.9\r\nfoo\r\n\r\n", 10 * c.scale)
    assert reply.startswith(b"HTTP/1.1 400"), reply
    assert b'"code":"bad_request"' in reply and closed, reply


def test_slow_client_is_cut_off(c):
    # A request that never finishes its headers is dropped after read_timeout_ms (1 s x scale),
    # and the server answers others meanwhile.
    started = time.monotonic()
    result = {}

    def slow():
        result["reply"], result["closed"] = raw_exchange(c.server, b"POST /v1/executions HTTP/1.1\r\nHost: x\r\n", 10 * c.scale)

    t = threading.Thread(target=slow)
    t.start()
    assert c.alpha.execute({"code": "print(1)"}).status == 200
    t.join()
    waited = time.monotonic() - started
    assert result["closed"] and result["reply"] == b"", result
    assert waited < 5 * c.scale, waited


def test_connection_cap(c):
    # The config allows 48 connections: idle ones fill it, the next is closed
    # at once, and closing some lets requests in again.
    idle = [socket.create_connection(("127.0.0.1", c.server.port), timeout=10) for _ in range(48)]
    try:
        time.sleep(0.2 * c.scale)  # let the server accept them all
        refused, closed = raw_exchange(c.server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 10 * c.scale)
        assert refused == b"" and closed, refused
    finally:
        for s in idle:
            s.close()
    # The server sees the closes as it gets to them; then it answers again.
    deadline = time.monotonic() + 10 * c.scale
    while True:
        try:
            if c.anon.request("GET", "/healthz").status == 200:
                break
        except (ConnectionError, OSError):
            pass
        assert time.monotonic() < deadline, "still refusing connections"
        time.sleep(0.05)
    assert 'warden_rejected_total{reason="connections"}' in c.anon.request("GET", "/metrics").body.decode()


def test_keep_alive_serves_many_requests_on_one_connection(c):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", c.server.port, timeout=60 * c.scale)
    for i in range(3):
        conn.request("POST", "/v1/executions", body='{"code": "print(%d)"}' % i, headers=c.alpha.headers())
        r = conn.getresponse()
        assert r.status == 200 and b'"stdout":"%d\\n"' % i in r.read()
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200
    conn.close()


def test_still_serving_and_logging(c):
    assert c.server.alive()
    assert c.alpha.execute({"code": "print('alive')"}).json()["stdout"] == "alive\n"
    log = c.server.log_text()
    assert '"event":"http"' in log and '"tenant":"alpha"' in log and '"status":413' in log, log[-2000:]
    assert metric(c.server, "warden_running_executions") == 0


def test_sigterm_drains_running_executions(c):
    # Last: stops the server. An execution in flight still gets its answer.
    result = {}

    def slow():
        try:
            result["r"] = c.alpha.execute({"code": "import time\ntime.sleep(1)\nprint('finished')"})
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = e

    t = threading.Thread(target=slow)
    t.start()
    wait_for_running(c, 1)  # signal only once the execution is on a worker
    stop_and_check_exit(c.server, 60 * c.scale)  # returns once the server has exited
    t.join()
    assert "r" in result and result["r"].status == 200 and result["r"].json()["stdout"] == "finished\n", result
    assert '"event":"stopping"' in c.server.log_text()


TESTS = [
    test_healthz_and_metrics, test_status_ok, test_status_error, test_status_timeout, test_status_fuel_exhausted,
    test_status_memory_limit, test_status_output_limit, test_status_write_limit, test_status_trap_wasm, test_wasm_module_runs,
    test_wasm_bad_modules_are_4xx,
    test_tenant_max_threads_holds, test_stdin_env_args, test_files_in_and_changed_files_out,
    test_returned_files_are_bounded, test_file_paths_are_checked, test_guest_sees_no_host_files,
    test_streaming_ndjson, test_streaming_server_sent_events, test_streaming_ends_with_limit_status, test_streaming_error_before_start_is_plain_json,
    test_streaming_keeps_utf8_characters_whole, test_auth, test_rate_limit_429_with_retry_after,
    test_concurrency_limit_429, test_limits_above_tenant_maximum_are_422, test_bad_json_and_fields,
    test_oversize_body_413, test_unknown_endpoint_and_method, test_malformed_http_is_400_and_closed,
    test_slow_client_is_cut_off, test_connection_cap, test_keep_alive_serves_many_requests_on_one_connection, test_still_serving_and_logging,
    test_sigterm_drains_running_executions,
]


def main():
    args = parse_args()
    server = Server(args.warden, args.scale)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            tests = [t for t in TESTS if not args.only or args.only in t.__name__]
            return run_tests(tests, Context(server, args.scale, workdir))
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
