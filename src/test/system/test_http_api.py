"""The admin listener over real HTTP (quail start --http): accounts, sessions, tokens, CSRF, health, the API."""
import http.client
import json
import os
import shutil
import smtplib
import stat
import time
import urllib.parse

from quailtest import QuailTestCase, free_port, quail, wait_until


class Http:
    """A tiny HTTP client that keeps the session cookie, as a browser would."""

    def __init__(self, port):
        self.port = port
        self.cookie = None

    def request(self, method, path, body=None, headers=None, form=None):
        h = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = self.cookie
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            set_cookie = r.getheader("Set-Cookie")
            if set_cookie and set_cookie.startswith("quail_session="):
                self.cookie = set_cookie.split(";", 1)[0]
                self.set_cookie = set_cookie
            return r.status, dict(r.getheaders()), data
        finally:
            c.close()

    def json(self, method, path, **kw):
        status, headers, data = self.request(method, path, **kw)
        return status, json.loads(data) if data.strip() else None


class HttpCase(QuailTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        self.http_port = free_port()
        quail("admin", "add", "--home", self.home, "root", input=b"s3cret\n")
        self.server.extra = ["--http", "127.0.0.1:%d" % self.http_port]
        self.prepare()
        self.server.start()
        self.wait_log("http admin listening on")
        self.web = Http(self.http_port)

    def prepare(self):
        pass

    def signed_in(self):
        status, body = self.web.json("POST", "/login", form={"name": "root", "password": "s3cret"})
        self.assertEqual(status, 200, body)
        return body["csrf"]

    def token(self):
        return quail("admin", "token", "--home", self.home, "root").stdout.decode().strip()


class Accounts(HttpCase):
    def test_admin_add_keeps_a_bcrypt_hash_in_a_private_file(self):
        path = os.path.join(self.home, "users", "admins")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            text = f.read()
        self.assertTrue(text.startswith("root:$2"), text)
        self.assertNotIn("s3cret", text)
        p = quail("admin", "add", "--home", self.home, "bad:name", input=b"x\n", check=False)
        self.assertEqual(p.returncode, 100)
        p = quail("admin", "add", "--home", self.home, "nopass", input=b"", check=False)
        self.assertEqual(p.returncode, 100)
        p = quail("admin", "token", "--home", self.home, "nobody", check=False)
        self.assertEqual(p.returncode, 100)

    def test_every_path_needs_a_credential(self):
        for method, path in [("GET", "/api/v1/session"), ("GET", "/healthz"), ("GET", "/readyz"),
                             ("POST", "/logout")]:
            status, headers, body = self.web.request(method, path)
            self.assertEqual(status, 401, path)
            self.assertIn("Bearer", headers.get("WWW-Authenticate", ""))
        status, _, _ = self.web.request("GET", "/api/v1/session", headers={"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)

    def test_a_bearer_token_works_and_a_new_one_replaces_it(self):
        old = self.token()
        status, body = self.web.json("GET", "/api/v1/session", headers={"Authorization": "Bearer " + old})
        self.assertEqual((status, body["admin"], body["csrf"]), (200, "root", None))
        new = self.token()
        path = os.path.join(self.home, "users", "admintokens")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertNotIn(new, f.read(), "only the token's hash is kept")
        self.assertEqual(self.web.request("GET", "/api/v1/session", headers={"Authorization": "Bearer " + old})[0],
                         401)
        self.assertEqual(self.web.request("GET", "/api/v1/session", headers={"Authorization": "Bearer " + new})[0],
                         200)

    def test_login_sets_a_strict_http_only_cookie_and_logout_ends_it(self):
        status, body = self.web.json("POST", "/login", form={"name": "root", "password": "wrong"})
        self.assertEqual(status, 401)
        self.assertIsNone(self.web.cookie)
        csrf = self.signed_in()
        flags = [f.strip().lower() for f in self.web.set_cookie.split(";")]
        self.assertIn("httponly", flags)
        self.assertIn("samesite=strict", flags)
        self.assertNotIn("secure", flags, "plain HTTP: a Secure cookie would never come back")
        status, body = self.web.json("GET", "/api/v1/session")
        self.assertEqual((status, body["admin"], body["csrf"]), (200, "root", csrf))
        self.wait_log("admin login ok root from 127.0.0.1")
        self.assertEqual(self.web.request("POST", "/logout")[0], 403, "a state change without the CSRF token")
        self.assertEqual(self.web.request("POST", "/logout", headers={"X-CSRF-Token": "forged"})[0], 403)
        self.assertEqual(self.web.request("POST", "/logout", form={"csrf": csrf})[0], 200)
        self.assertEqual(self.web.request("GET", "/api/v1/session")[0], 401)

    def test_logins_are_throttled_per_address_at_authfailures(self):
        with open(os.path.join(self.home, "control", "authfailures"), "w") as f:
            f.write("2\n")
        quail("reload", "--home", self.home)
        started = time.time()
        for _ in range(2):
            self.assertEqual(self.web.request("POST", "/login", form={"name": "root", "password": "no"})[0], 401)
        self.assertGreaterEqual(time.time() - started, 1.0, "each refusal is answered after a delay")
        status, _, _ = self.web.request("POST", "/login", form={"name": "root", "password": "s3cret"})
        self.assertEqual(status, 429, "the right password is not even checked once the allowance is spent")
        self.wait_log("admin login throttled root from 127.0.0.1")


class Health(HttpCase):
    def test_healthz_and_readyz_with_a_token(self):
        auth = {"Authorization": "Bearer " + self.token()}
        status, _, body = self.web.request("GET", "/healthz", headers=auth)
        self.assertEqual((status, body), (200, b"ok\n"))
        status, body = self.web.json("GET", "/readyz", headers=auth)
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"ready": True, "journal": {"ok": True, "detail": body["journal"]["detail"]},
                                "listeners": True, "disk": True})

    def test_readyz_says_503_when_the_disk_is_below_queueminfree(self):
        with open(os.path.join(self.home, "control", "queueminfree"), "w") as f:
            f.write("%d\n" % (1 << 60))
        quail("reload", "--home", self.home)
        auth = {"Authorization": "Bearer " + self.token()}
        status, body = wait_until(lambda: (lambda r: r if r[0] == 503 else None)(
            self.web.json("GET", "/readyz", headers=auth)), 10, what="readyz to say 503")
        self.assertFalse(body["ready"])
        self.assertFalse(body["disk"])
        self.assertTrue(body["journal"]["ok"])


class OpenOnLoopback(HttpCase):
    def prepare(self):
        with open(os.path.join(self.home, "control", "httploopbackopen"), "w") as f:
            f.write("1\n")

    def test_health_is_open_on_loopback_when_httploopbackopen_says_so(self):
        self.assertEqual(self.web.request("GET", "/healthz")[0], 200)
        self.assertEqual(self.web.request("GET", "/readyz")[0], 200)
        self.assertEqual(self.web.request("GET", "/api/v1/session")[0], 401, "the API stays closed")
