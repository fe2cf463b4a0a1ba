"""Sessions over HTTP: globals and files survive between executions, files
go in and out, sessions of one tenant are invisible (404) to another, the
per-tenant cap, delete, and expiry after the idle time."""

import sys
import time

from harness import Client, Server, b64, expect_error, metric, parse_args, run_tests, stop_and_check_exit


class Context:
    def __init__(self, server, scale):
        self.server = server
        self.scale = scale
        self.alpha = Client(server, "alpha", timeout=120 * scale)
        self.beta = Client(server, "beta", timeout=120 * scale)


def create(client, body=None):
    r = client.request("POST", "/v1/sessions", body if body is not None else {})
    assert r.status == 201, r
    return r.json()["id"]


def run(client, session, code, **extra):
    r = client.request("POST", f"/v1/sessions/{session}/executions", {"code": code, **extra})
    assert r.status == 200, r
    return r.json()


def test_globals_survive_between_executions(c):
    sid = create(c.alpha)
    try:
        assert run(c.alpha, sid, "x = 41\nimport json")["status"] == "ok"
        j = run(c.alpha, sid, "x += 1\nprint(x, json.dumps([x]))")
        assert j["status"] == "ok" and j["stdout"] == "42 [42]\n" and j["session_id"] == sid, j
        info = c.alpha.request("GET", f"/v1/sessions/{sid}").json()
        assert info["id"] == sid and info["executions"] == 2 and info["busy"] is False, info
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_session_streaming(c):
    sid = create(c.alpha)
    try:
        run(c.alpha, sid, "n = 3")
        status, ctype, lines = c.alpha.stream(f"/v1/sessions/{sid}/executions",
                                              {"code": "for i in range(n): print(i, flush=True)"})
        assert status == 200 and ctype == "application/x-ndjson", (status, ctype)
        out = "".join(line["data"] for _, line in lines if line["type"] == "stdout")
        assert out == "0\n1\n2\n", lines
        assert lines[-1][1]["type"] == "result" and lines[-1][1]["session_id"] == sid, lines[-1]
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_session_busy_is_409(c):
    import threading
    sid = create(c.alpha)
    try:
        started = threading.Event()
        result = {}

        def slow():
            started.set()
            result["r"] = run(c.alpha, sid, f"import time\ntime.sleep({1.5 * c.scale})")

        t = threading.Thread(target=slow)
        t.start()
        started.wait()
        deadline = time.monotonic() + 30 * c.scale
        while not c.alpha.request("GET", f"/v1/sessions/{sid}").json()["busy"]:
            assert time.monotonic() < deadline, "the first execution never started"
            time.sleep(0.02)
        expect_error(c.alpha.request("POST", f"/v1/sessions/{sid}/executions", {"code": "print(1)"}), 409,
                     code="session_busy")
        t.join()
        assert result["r"]["status"] == "ok", result
        assert run(c.alpha, sid, "print('free')")["stdout"] == "free\n"
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_session_env_and_memory_from_creation(c):
    sid = create(c.alpha, {"env": {"MODE": "test"}, "limits": {"memory_bytes": 64 << 20}})
    try:
        assert run(c.alpha, sid, "import os\nprint(os.environ['MODE'])")["stdout"] == "test\n"
        j = run(c.alpha, sid, "b = bytearray(200 * 1024 * 1024)")
        assert j["status"] == "memory_limit", j
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_session_files_up_and_down(c):
    sid = create(c.alpha)
    try:
        r = c.alpha.request("PUT", f"/v1/sessions/{sid}/files/data/in.txt", b"uploaded")
        assert r.status == 200 and r.json() == {"path": "data/in.txt", "size": 8}, r
        j = run(c.alpha, sid, "s = open('data/in.txt').read()\nopen('out.txt', 'w').write(s.upper())")
        assert j["status"] == "ok", j
        assert [f["path"] for f in j["files"]] == ["out.txt"], j["files"]
        r = c.alpha.request("GET", f"/v1/sessions/{sid}/files/out.txt")
        assert r.status == 200 and r.body == b"UPLOADED" and r.headers["content-type"] == "application/octet-stream", r
        # Files also arrive with an execution.
        j = run(c.alpha, sid, "print(open('extra.txt').read())", files=[{"path": "extra.txt", "content": b64("more")}])
        assert j["stdout"] == "more\n", j
        expect_error(c.alpha.request("GET", f"/v1/sessions/{sid}/files/missing.txt"), 404, "path", "file_not_found")
        expect_error(c.alpha.request("GET", f"/v1/sessions/{sid}/files/a/%2E%2E/%2E%2E/etc/passwd"), 400, "path")
        expect_error(c.alpha.request("PUT", f"/v1/sessions/{sid}/files/..%2Fescape", b"x"), 400, "path")
        expect_error(c.alpha.request("PUT", f"/v1/sessions/{sid}/files/big", b"z" * (65 << 10)), 413, "body")
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_session_bad_inputs(c):
    expect_error(c.alpha.request("POST", "/v1/sessions", {"limits": {"fuel": 5}}), 400, "limits.fuel")
    expect_error(c.alpha.request("POST", "/v1/sessions", {"env": {"A": 2}}), 400, "env.A")
    expect_error(c.alpha.request("POST", "/v1/sessions", "{oops"), 400, "body")
    sid = create(c.alpha)
    try:
        path = f"/v1/sessions/{sid}/executions"
        expect_error(c.alpha.request("POST", path, {"code": "pass", "language": "python"}), 400, "language")
        expect_error(c.alpha.request("POST", path, {"code": "pass", "limits": {"memory_bytes": 1 << 20}}), 400,
                     "limits.memory_bytes")
        expect_error(c.alpha.request("POST", path, {}), 400, "code")
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_tenant_isolation(c):
    sid = create(c.alpha)
    try:
        c.alpha.request("PUT", f"/v1/sessions/{sid}/files/secret.txt", b"alpha only")
        for method, path, body in [("GET", f"/v1/sessions/{sid}", None),
                                   ("POST", f"/v1/sessions/{sid}/executions", {"code": "print(1)"}),
                                   ("GET", f"/v1/sessions/{sid}/files/secret.txt", None),
                                   ("PUT", f"/v1/sessions/{sid}/files/planted.txt", b"x"),
                                   ("DELETE", f"/v1/sessions/{sid}", None)]:
            expect_error(c.beta.request(method, path, body), 404, code="session_not_found")
        # Same answer as for an id that never existed.
        assert c.beta.request("GET", "/v1/sessions/" + "0" * 32).json()["error"]["code"] == "session_not_found"
        assert c.alpha.request("GET", f"/v1/sessions/{sid}/files/secret.txt").body == b"alpha only"
        assert c.alpha.request("GET", f"/v1/sessions/{sid}/files/planted.txt").status == 404
    finally:
        c.alpha.request("DELETE", f"/v1/sessions/{sid}")


def test_delete(c):
    sid = create(c.alpha)
    r = c.alpha.request("DELETE", f"/v1/sessions/{sid}")
    assert r.status == 204 and r.body == b"", r
    expect_error(c.alpha.request("GET", f"/v1/sessions/{sid}"), 404)
    expect_error(c.alpha.request("DELETE", f"/v1/sessions/{sid}"), 404)


def test_max_sessions_per_tenant(c):
    ids = [create(c.alpha), create(c.alpha)]  # the config allows two
    try:
        r = c.alpha.request("POST", "/v1/sessions", {})
        expect_error(r, 429, code="too_many_sessions")
        assert "retry-after" in r.headers, r.headers
        assert metric(c.server, "warden_open_sessions") == 2
    finally:
        for sid in ids:
            c.alpha.request("DELETE", f"/v1/sessions/{sid}")
    create_and_delete = create(c.alpha)
    c.alpha.request("DELETE", f"/v1/sessions/{create_and_delete}")


def test_idle_sessions_expire(c):
    sid = create(c.alpha)
    idle = c.alpha.request("GET", f"/v1/sessions/{sid}").json()["idle_timeout_s"]
    deadline = time.monotonic() + idle + 5
    while time.monotonic() < deadline and metric(c.server, "warden_open_sessions") > 0:
        time.sleep(0.25)
    expect_error(c.alpha.request("GET", f"/v1/sessions/{sid}"), 404)
    assert '"event":"session_expired"' in c.server.log_text()


def test_clean_exit_with_open_sessions(c):
    create(c.alpha)  # left open: closed at exit, without leaks
    stop_and_check_exit(c.server, 60 * c.scale)


TESTS = [test_globals_survive_between_executions, test_session_streaming, test_session_busy_is_409,
         test_session_env_and_memory_from_creation,
         test_session_files_up_and_down, test_session_bad_inputs, test_tenant_isolation, test_delete,
         test_max_sessions_per_tenant, test_idle_sessions_expire, test_clean_exit_with_open_sessions]


def main():
    args = parse_args()
    # Sessions expire quickly here so the expiry test is short; every other
    # test keeps its session busy or touched well within that time.
    server = Server(args.warden, args.scale, session_idle_s=max(2, int(2 * args.scale)))
    try:
        tests = [t for t in TESTS if not args.only or args.only in t.__name__]
        return run_tests(tests, Context(server, args.scale))
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
