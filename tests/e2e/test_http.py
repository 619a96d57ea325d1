"""HTTP robustness: request ids, error shapes on every failure path, body limits, hostile JSON,
keep-alive and pipelining over one connection."""
import json
import re
import socket

import pytest
import requests

from e2e_helpers import DEFAULT_API_KEY, DEFAULT_API_SECRET, assert_error, check_error_shape


def raw_exchange(sock, request: bytes, buf: bytearray):
    """Sends nothing if `request` is empty; reads one full response (Content-Length framed)."""
    if request:
        sock.sendall(request)
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {bytes(buf)!r}"
        buf += chunk
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-body"
        rest += chunk
    body, remaining = rest[:length], rest[length:]
    buf[:] = remaining
    return status, headers, body


def get_request(path, host, extra=""):
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()


def test_request_id_on_every_kind_of_response(api):
    token = api.token()
    responses = [
        api.req("GET", "/_sandbox/health"),
        api.req("POST", "/_sandbox/clients", json={}),
        api.req("GET", "/api/v1/wallets", token=token),
        api.req("POST", "/api/v1/wallets", token=token, data="{"),
        api.req("GET", "/api/v1/wallets"),
        api.req("GET", "/api/v1/wallets/w_nope", token=token),
        api.req("DELETE", "/api/v1/wallets", token=token),
        api.req("GET", "/nowhere"),
        api.token_response(DEFAULT_API_KEY, DEFAULT_API_SECRET),
    ]
    assert [r.status_code for r in responses] == [200, 201, 200, 400, 401, 404, 405, 404, 200]
    seen = set()
    for r in responses:
        rid = r.headers.get("X-Request-Id")
        assert rid and re.fullmatch(r"[\x21-\x7e]{1,128}", rid), r.headers
        seen.add(rid)
    assert len(seen) == len(responses), "request ids must differ between requests"


@pytest.mark.parametrize("rid", ["my-trace-123", "req_ABC.def:42", "x" * 128])
def test_request_id_is_echoed(api, rid):
    for r in (api.req("GET", "/_sandbox/health", headers={"X-Request-Id": rid}),
              api.req("GET", "/api/v1/wallets", headers={"X-Request-Id": rid})):
        assert r.headers.get("X-Request-Id") == rid


def test_json_content_type_everywhere(api):
    for r in (api.req("GET", "/_sandbox/health"), api.req("GET", "/api/v1/wallets"), api.req("GET", "/x")):
        assert r.headers["Content-Type"].startswith("application/json"), r.headers


@pytest.mark.parametrize("path", ["/nowhere", "/api/v1", "/api/v1/", "/api/v1/unknown", "/api/v2/wallets",
                                  "/api/v1/wallets/w_x/accounts", "/api/v1/transfer/tx_1", "/api/v1/auth",
                                  "/api/v1/auth/token/extra", "/_sandbox/unknown", "/API/V1/WALLETS"])
def test_unknown_route_404_json(api, path):
    r = api.req("GET", path, token=api.token())
    assert_error(r, "not_found")


@pytest.mark.parametrize("method,path", [("DELETE", "/api/v1/wallets"), ("PUT", "/api/v1/wallets"),
                                         ("PATCH", "/api/v1/wallets/w_1"), ("POST", "/api/v1/wallets/w_1"),
                                         ("GET", "/api/v1/transfer"), ("DELETE", "/api/v1/transactions"),
                                         ("DELETE", "/api/v1/accounts/acc_1"), ("PUT", "/api/v1/assets"),
                                         ("GET", "/api/v1/auth/token"), ("DELETE", "/_sandbox/clients")])
def test_method_not_allowed_405_json(api, method, path):
    r = api.req(method, path, token=api.token())
    assert r.status_code == 405, r.text
    body = check_error_shape(r)
    assert body["code"] == "method_not_allowed"


def test_oversize_body_413(launch):
    srv = launch("--max-body-bytes", "1024")
    api = srv.api
    token = api.token()
    # A body of exactly the limit is accepted.
    name = "n" * 50
    exact = ('{"wallet_name":"%s","description":"%s"}' % (name, "d" * 0))
    padded = exact[:-1] + " " * (1024 - len(exact)) + "}"
    assert len(padded.encode()) == 1024
    r = api.req("POST", "/api/v1/wallets", token=token, data=padded)
    assert r.status_code == 200, r.text
    # One byte more is not.
    over = padded[:-1] + " }"
    r = requests.post(api.base + "/api/v1/wallets", data=over,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413, r.text
    body = check_error_shape(r)
    assert "X-Request-Id" in r.headers
    assert body["code"]
    big = requests.post(api.base + "/api/v1/wallets", data="x" * 100_000,
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert big.status_code == 413
    check_error_shape(big)
    # Nothing was created by the rejected requests, and the server still answers.
    assert requests.get(api.base + "/api/v1/wallets", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).json()["total"] == 1


@pytest.mark.parametrize("kind", ["arrays", "objects", "unterminated", "in-field"])
def test_deeply_nested_json_is_a_400(api, tenant, kind):
    depth = 10_000
    body = {
        "arrays": "[" * depth + "]" * depth,
        "objects": '{"a":' * depth + "1" + "}" * depth,
        "unterminated": "[" * depth,
        "in-field": '{"wallet_name":' + "[" * depth + "]" * depth + "}",
    }[kind]
    before = tenant.snapshot()
    r = tenant.req("POST", "/api/v1/wallets", data=body)
    assert r.status_code == 400, r.text[:200]
    err = check_error_shape(r)
    assert err["code"] in ("bad_request", "invalid_parameter")
    assert err["type"] == "invalid_request_error"
    assert tenant.snapshot() == before
    assert api.req("GET", "/_sandbox/health").status_code == 200


@pytest.mark.parametrize("raw", [b'{"wallet_name":"\xff\xfe"}', b"\xef\xbb", b'{"wallet_name":"a","wallet_name":}',
                                 b'{"wallet_name":"a"}\x00', b'{"wallet_name":"a"}\x00{"trailing": "garbage"}'],
                         ids=["invalid-utf8", "truncated-bom", "dangling-member", "trailing-nul",
                              "trailing-nul-then-garbage"])
def test_invalid_bytes_bad_request(tenant, raw):
    """Not valid JSON (RFC 8259: invalid UTF-8, or bytes after the value that are not whitespace)."""
    before = tenant.snapshot()
    r = tenant.req("POST", "/api/v1/wallets", data=raw)
    assert_error(r, "bad_request")
    assert tenant.snapshot() == before


def test_escaped_lone_low_surrogate_is_bad_request(tenant):
    """An escaped low surrogate with no high one before it decodes to no character: the body is refused
    and nothing is stored; an escaped pair is one character and is stored as UTF-8."""
    before = tenant.snapshot()
    for raw in [b'{"wallet_name":"x\\udeaay"}', b'{"wallet_name":"\\udc00"}', b'{"x\\udfff":1,"wallet_name":"a"}',
                b'{"wallet_name":"a","extra":[[{"k":"\\udc01"}]]}']:
        r = tenant.req("POST", "/api/v1/wallets", data=raw)
        err = assert_error(r, "bad_request")
        assert "DC00-DFFF" in err["message"], raw
    assert tenant.snapshot() == before
    r = tenant.req("POST", "/api/v1/wallets", data=b'{"wallet_name":"smile \\ud83d\\ude00 \\u00e9"}')
    assert r.status_code == 200, r.text
    assert r.content.count("smile \U0001F600 \u00e9".encode()) == 1
    assert r.json()["wallet_name"] == "smile \U0001F600 \u00e9"


def test_every_error_has_exactly_code_type_message(api):
    token = api.token()
    cases = [
        api.req("POST", "/api/v1/wallets", token=token, data="[1]"),
        api.req("POST", "/api/v1/wallets", token=token, json={"wallet_name": 1}),
        api.req("POST", "/api/v1/wallets", token=token, json={"wallet_name": "x" * 101}),
        api.req("GET", "/api/v1/wallets"),
        api.req("GET", "/api/v1/wallets", token="bad"),
        api.req("GET", "/api/v1/wallets/none", token=token),
        api.req("PUT", "/api/v1/wallets", token=token),
        api.req("GET", "/zzz"),
        api.req("POST", "/_sandbox/assets/none/balance", json={"balance": "1"}),
        api.req("POST", "/_sandbox/clients", data="{"),
    ]
    for r in cases:
        assert r.status_code >= 400
        check_error_shape(r)


def test_keep_alive_over_one_session(api):
    with requests.Session() as s:
        token = s.post(api.base + "/api/v1/auth/token",
                       headers={"X-API-Key": DEFAULT_API_KEY, "X-API-Secret": DEFAULT_API_SECRET}).json()["token"]
        h = {"Authorization": f"Bearer {token}"}
        statuses = [s.get(api.base + "/api/v1/wallets", headers=h).status_code for _ in range(5)]
        statuses.append(s.get(api.base + "/api/v1/wallets/missing", headers=h).status_code)
        statuses.append(s.get(api.base + "/api/v1/wallets", headers=h).status_code)
        assert statuses == [200] * 5 + [404, 200]


def test_keep_alive_raw_socket_sequential_and_pipelined(server):
    host = f"127.0.0.1:{server.port}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        buf = bytearray()
        token_req = (f"POST /api/v1/auth/token HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {DEFAULT_API_KEY}\r\n"
                     f"X-API-Secret: {DEFAULT_API_SECRET}\r\nContent-Length: 0\r\n\r\n").encode()
        status, headers, body = raw_exchange(sock, token_req, buf)
        assert status == 200

        token = json.loads(body)["token"]
        auth = f"Authorization: Bearer {token}\r\n"
        for _ in range(3):
            status, headers, body = raw_exchange(sock, get_request("/api/v1/wallets", host, auth), buf)
            assert status == 200
            assert headers.get("connection", "").lower() != "close"
            assert set(json.loads(body)) == {"data", "total", "has_more"}
        # An error response keeps the connection too.
        status, headers, body = raw_exchange(sock, get_request("/nope", host), buf)
        assert status == 404 and json.loads(body)["code"] == "not_found"
        # Two pipelined requests, answered in order.
        sock.sendall(get_request("/_sandbox/health", host, "X-Request-Id: first\r\n") +
                     get_request("/api/v1/wallets/none", host, auth + "X-Request-Id: second\r\n"))
        s1, h1, _ = raw_exchange(sock, b"", buf)
        s2, h2, _ = raw_exchange(sock, b"", buf)
        assert (s1, h1["x-request-id"]) == (200, "first")
        assert (s2, h2["x-request-id"]) == (404, "second")
        # A POST with a body on the same connection.
        payload = b'{"wallet_name":"over raw socket"}'
        post = (f"POST /api/v1/wallets HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
        status, _, body = raw_exchange(sock, post, buf)
        assert status == 200 and json.loads(body)["wallet_name"] == "over raw socket"


def test_connection_close_is_honoured(server):
    host = f"127.0.0.1:{server.port}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        buf = bytearray()
        status, _, _ = raw_exchange(sock, get_request("/_sandbox/health", host, "Connection: close\r\n"), buf)
        assert status == 200
        assert sock.recv(1) == b""  # the server closed its side


def test_malformed_http_request_gets_a_json_400(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 400"), data[:100]
    body = data.partition(b"\r\n\r\n")[2]

    err = json.loads(body)
    assert set(err) == {"code", "type", "message"} and err["code"] == "bad_request"


def test_health(api):
    h = api.health()
    assert h["status"] == "ok"
    assert isinstance(h["version"], str) and h["version"]
