"""The admin listener over real HTTP (quail start --http): accounts, sessions, tokens, CSRF, health, the API."""
import hashlib
import http.client
import json
import os
import re
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


def samples(body):
    """Prometheus' text format as {"name{labels}": value}."""
    values = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


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


class Api(HttpCase):
    """The JSON API on a queue holding deferred messages (a mailbox whose Maildir is gone defers every delivery)."""

    def prepare(self):
        quail("user", "add", "--home", self.home, "bob@localhost")
        self.bob = self.maildir("bob@localhost")
        shutil.rmtree(self.bob)

    def setUp(self):
        super().setUp()
        self.auth = {"Authorization": "Bearer " + self.token()}

    def send(self, sender="alice@example.org", to="bob@localhost", subject="api"):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail(sender, [to], ("Subject: %s\r\n\r\nbody\r\n" % subject).encode())

    def get(self, path):
        status, body = self.web.json("GET", path, headers=self.auth)
        self.assertEqual(status, 200, (path, body))
        return body

    def post(self, path, method="POST"):
        return self.web.json(method, path, headers=self.auth)

    def cli(self, *args):
        return json.loads(quail(*args, "--home", self.home, "--json").stdout)

    def deferred(self, n):
        wait_until(lambda: self.server.log().count("deferral: Unable to chdir to maildir") >= n, 30,
                   what="%d deferrals" % n)

    def test_every_api_route_refuses_a_caller_without_credentials(self):
        self.send()
        self.deferred(1)
        [m] = self.get("/api/v1/messages")["messages"]
        routes = [("GET", "/api/v1/queue"), ("GET", "/api/v1/queue/stat"), ("GET", "/api/v1/messages"),
                  ("GET", "/api/v1/messages/%s" % m["id"]), ("GET", "/api/v1/messages/%s/trace" % m["id"]),
                  ("GET", "/api/v1/messages/nonexistent"), ("POST", "/api/v1/messages/%s/hold" % m["id"]),
                  ("POST", "/api/v1/messages/%s/release" % m["id"]), ("POST", "/api/v1/messages/%s/flush" % m["id"]),
                  ("DELETE", "/api/v1/messages/%s" % m["id"]), ("POST", "/api/v1/queue/hold?sender=alice"),
                  ("POST", "/api/v1/queue/flush"), ("GET", "/api/v1/sites"), ("GET", "/api/v1/tcpto"),
                  ("POST", "/api/v1/sites/example.net/suspend?seconds=60"),
                  ("POST", "/api/v1/sites/example.net/resume")]
        stranger = Http(self.http_port)
        for method, path in routes:
            status, _, body = stranger.request(method, path)
            self.assertEqual(status, 401, (method, path, body))
        # Signed in by cookie, every state change without the CSRF token is refused and changes nothing.
        self.signed_in()
        for method, path in routes:
            if method != "GET":
                self.assertEqual(self.web.request(method, path)[0], 403, (method, path))
        self.assertFalse(self.cli("qread")["messages"][0]["held"])

    def test_summary_list_and_one_message_answer_as_the_command_line_does(self):
        self.send(subject="one")
        self.send(sender="carol@example.com", subject="two")
        self.send(to="postmaster@localhost")
        self.deferred(2)
        self.wait_messages(1)
        shape = self.get("/api/v1/queue")
        self.assertEqual(shape, self.cli("qshape"))
        self.assertEqual(shape["messages"], 2)
        self.assertEqual(shape["states"], {"new": 0, "deferred": 2, "held": 0})
        self.assertEqual(shape["channels"], {"local": 2, "remote": 0})
        [row] = shape["destinations"]
        self.assertEqual((row["destination"], row["total"], row["counts"][0]), ("localhost", 2, 2))
        self.assertEqual(self.get("/api/v1/queue/stat")["messages"], 2)

        listed = self.get("/api/v1/messages")
        self.assertEqual(listed, self.cli("qread", "--limit", "100"))
        self.assertEqual(listed["total"], 2)
        first, second = listed["messages"]
        self.assertEqual(first["sender"], "alice@example.org")
        self.assertEqual(first["state"], "deferred")
        self.assertEqual(self.get("/api/v1/messages?sender=CAROL")["messages"][0]["id"], second["id"])
        self.assertEqual(self.get("/api/v1/messages?recipient=bob@&state=deferred&age=0")["total"], 2)
        self.assertEqual(self.get("/api/v1/messages?destination=localhost")["total"], 2)
        self.assertEqual(self.get("/api/v1/messages?destination=example.org")["total"], 0)
        self.assertEqual(self.get("/api/v1/messages?age=3600")["total"], 0)
        page = self.get("/api/v1/messages?offset=1&limit=1")
        self.assertEqual((page["total"], [m["id"] for m in page["messages"]]), (2, [second["id"]]))
        for bad in ("state=gone", "age=soon", "limit=x", "colour=red"):
            status, body = self.web.json("GET", "/api/v1/messages?" + bad, headers=self.auth)
            self.assertEqual(status, 400, (bad, body))
        status, _ = self.web.json("GET", "/api/v1/messages?sender=a%20b", headers=self.auth)
        self.assertEqual(status, 400)

        one = self.get("/api/v1/messages/" + first["id"])
        self.assertEqual(one, self.cli("qread", first["id"]))
        self.assertEqual(one["recipients"][0]["address"], "bob@localhost")
        kinds = [e["event"] for e in one["events"]]
        self.assertEqual(kinds[0], "accepted")
        self.assertIn("deferred", kinds)
        attempt = next(e for e in one["events"] if e["event"] == "deferred")
        self.assertEqual(attempt["recipient"], "bob@localhost")
        self.assertIn("Unable to chdir to maildir", attempt["report"])
        self.assertEqual(self.web.json("GET", "/api/v1/messages/nosuch", headers=self.auth)[0], 404)

    def test_hold_release_flush_delete_by_id_and_by_filter(self):
        self.send(subject="kept")
        self.send(sender="spammer@example.net", subject="junk 1")
        self.send(sender="spammer@example.net", subject="junk 2")
        self.deferred(3)
        ids = {m["sender"]: m["id"] for m in self.get("/api/v1/messages")["messages"]}
        kept = ids["alice@example.org"]
        self.assertEqual(self.post("/api/v1/messages/%s/hold" % kept), (200, {"result": "held %s" % kept}))
        self.wait_log("admin root: queue hold " + kept)
        self.assertTrue(self.cli("qread", "--sender", "alice")["messages"][0]["held"])
        self.assertEqual(self.get("/api/v1/messages?state=held")["total"], 1)
        self.assertEqual(self.post("/api/v1/messages/%s/release" % kept)[0], 200)
        self.assertEqual(self.post("/api/v1/messages/nosuch/hold")[0], 404)
        self.assertEqual(self.post("/api/v1/messages/%s/bake" % kept)[0], 400)

        self.assertEqual(self.post("/api/v1/queue/hold"), (400, {"error": "name the messages with a filter"}))
        self.assertEqual(self.post("/api/v1/queue/hold?sender=spammer"), (200, {"result": "held 2 messages"}))
        self.assertEqual(self.get("/api/v1/queue")["states"]["held"], 2)
        self.assertEqual(self.post("/api/v1/queue/delete?sender=spammer@example.net"),
                         (200, {"result": "deleted 2 messages"}))
        self.wait_log("admin root: queue delete sender=spammer@example.net")
        wait_until(lambda: [m["id"] for m in self.get("/api/v1/messages")["messages"]] == [kept], 30,
                   what="the deleted messages to leave the journal")

        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.bob, sub))
        self.assertEqual(self.post("/api/v1/messages/%s/flush" % kept), (200, {"result": "flushed 1 messages"}))
        [stored] = self.wait_messages(1, "bob@localhost")
        self.assertIn(b"Subject: kept", stored)
        wait_until(lambda: self.get("/api/v1/messages")["total"] == 0, 30, what="the queue to empty")
        self.assertEqual(self.post("/api/v1/messages/%s" % kept, method="DELETE")[0], 404)

    def test_events_jsonl_has_a_line_per_event_after_the_journal_and_each_admin_action(self):
        self.send(subject="evented")
        self.deferred(1)
        [m] = self.get("/api/v1/messages")["messages"]
        self.post("/api/v1/messages/%s/hold" % m["id"])
        path = os.path.join(self.home, "log", "events.jsonl")

        def events():
            if not os.path.exists(path):
                return []
            with open(path) as f:
                return [json.loads(line) for line in f if line.strip()]
        wait_until(lambda: any(e["event"] == "admin" for e in events()), 10, what="the admin line")
        kinds = {e["event"]: e for e in events()}
        self.assertEqual((kinds["reception"]["id"], kinds["reception"]["sender"], kinds["reception"]["recipients"]),
                         (m["id"], "alice@example.org", 1))
        failure = kinds["transient failure"]
        self.assertEqual((failure["id"], failure["recipient"], failure["channel"]), (m["id"], "bob@localhost", "local"))
        self.assertIn("Unable to chdir to maildir", failure["report"])
        self.assertEqual((kinds["admin"]["admin"], kinds["admin"]["action"]), ("root", "queue hold " + m["id"]))
        self.assertIn("quail_events_dropped_total 0.0", self.web.request("GET", "/metrics", headers=self.auth)[2]
                      .decode())

    def test_the_trace_streams_the_journal_then_each_new_attempt(self):
        self.send(subject="traced")
        self.deferred(1)
        [m] = self.get("/api/v1/messages")["messages"]
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        c.request("GET", "/api/v1/messages/%s/trace" % m["id"], headers=self.auth)
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        self.assertTrue(r.getheader("Content-Type").startswith("text/event-stream"))

        def next_event():
            data = None
            while True:
                line = r.fp.readline().decode().rstrip("\n")
                if line.startswith("data:"):
                    data = json.loads(line[5:])
                elif line == "" and data is not None:
                    return data

        events = [next_event(), next_event()]
        self.assertEqual(events[0]["event"], "accepted")
        self.assertEqual(events[0]["sender"], "alice@example.org")
        self.assertEqual(events[1]["event"], "deferred")
        while events[-1]["event"] != "retry":
            events.append(next_event())
        self.post("/api/v1/messages/%s/flush" % m["id"])
        attempt = next_event()
        self.assertEqual(attempt["event"], "deferred", "a new attempt, live")
        self.assertGreater(attempt["seq"], events[-1]["seq"])
        c.close()

    def test_the_trace_shows_the_delivery_then_ends(self):
        self.send(subject="delivered while traced")
        self.deferred(1)
        [m] = self.get("/api/v1/messages")["messages"]
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        self.addCleanup(c.close)
        c.request("GET", "/api/v1/messages/%s/trace" % m["id"], headers=self.auth)
        r = c.getresponse()
        self.assertEqual(r.status, 200)

        def next_event():
            """The next event's data, or None once the server has ended the stream."""
            data = None
            while True:
                line = r.readline()
                if not line:
                    return None
                line = line.decode().rstrip("\n")
                if line.startswith("data:"):
                    data = json.loads(line[5:])
                elif line == "" and data is not None:
                    return data

        events = [next_event()]
        while events[-1]["event"] != "retry":
            events.append(next_event())
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.bob, sub))
        self.post("/api/v1/messages/%s/flush" % m["id"])
        while events[-1] is not None:
            events.append(next_event())
        kinds = [e["event"] for e in events[:-1]]
        self.assertEqual(kinds[-1], "delivered", kinds)
        self.assertEqual(events[-2]["recipient"], "bob@localhost")
        self.assertEqual([e["seq"] for e in events[:-1]], list(range(1, len(kinds) + 1)), "each event once, in order")
        self.wait_messages(1, "bob@localhost")
        trace = "/api/v1/messages/%s/trace" % m["id"]
        wait_until(lambda: self.web.request("GET", trace, headers=self.auth)[0] == 404, 30,
                   what="the finished message to leave the journal")


    def test_metrics_count_the_queue_and_the_age_of_its_oldest_message(self):
        def scrape():
            status, _, body = self.web.request("GET", "/metrics", headers=self.auth)
            self.assertEqual(status, 200)
            return samples(body)
        sent = time.time()
        self.send(subject="oldest")
        self.deferred(1)
        self.send(subject="younger")
        m = wait_until(lambda: (lambda m: m if m["quail_queue_messages"] == 2
                                and m["quail_queue_oldest_message_age_seconds"] >= 1 else None)(scrape()),
                       30, what="2 queued, the oldest at least a second old")
        self.assertLessEqual(m["quail_queue_oldest_message_age_seconds"], time.time() - sent + 1)
        self.assertEqual(m["quail_queue_messages"], self.cli("qstat")["messages"])


class Sites(HttpCase):
    def test_sites_suspend_and_resume(self):
        auth = {"Authorization": "Bearer " + self.token()}
        status, body = self.web.json("GET", "/api/v1/sites", headers=auth)
        self.assertEqual((status, body), (200, {"sites": []}))
        status, body = self.web.json("POST", "/api/v1/sites/example.net/suspend?seconds=600&reason=maintenance",
                                     headers=auth)
        self.assertEqual(status, 200, body)
        self.wait_log("admin root: suspend example.net 600 maintenance")
        [site] = self.web.json("GET", "/api/v1/sites", headers=auth)[1]["sites"]
        self.assertEqual(site["reason"], "maintenance")
        self.assertEqual(self.web.json("GET", "/api/v1/sites", headers=auth)[1],
                         json.loads(quail("sites", "--home", self.home, "--json").stdout))
        self.assertEqual(self.web.json("POST", "/api/v1/sites/example.net/suspend?seconds=soon",
                                       headers=auth)[0], 400)
        self.assertEqual(self.web.json("POST", "/api/v1/sites/example.net/resume", headers=auth)[0], 200)
        self.assertEqual(self.web.json("POST", "/api/v1/sites/example.net/resume", headers=auth)[0], 404)
        status, body = self.web.json("GET", "/api/v1/tcpto", headers=auth)
        self.assertEqual((status, body), (200, {"hosts": []}))


class MailboxesApi(HttpCase):
    def test_add_password_forward_list_and_remove(self):
        auth = {"Authorization": "Bearer " + self.token()}
        stranger = Http(self.http_port)
        for method, path in [("GET", "/api/v1/mailboxes"), ("POST", "/api/v1/mailboxes"),
                             ("DELETE", "/api/v1/mailboxes/postmaster@localhost"),
                             ("DELETE", "/api/v1/mailboxes/nobody@localhost"),
                             ("POST", "/api/v1/mailboxes/postmaster@localhost/password"),
                             ("POST", "/api/v1/mailboxes/nobody@localhost/password"),
                             ("POST", "/api/v1/mailboxes/postmaster@localhost/forwards"),
                             ("POST", "/api/v1/mailboxes/postmaster@localhost/autoresponder"),
                             ("DELETE", "/api/v1/mailboxes/nobody@localhost/autoresponder")]:
            status, _, body = stranger.request(method, path, form={"password": "x"})
            self.assertEqual((status, json.loads(body)["error"]), (401, "sign in or send a bearer token"),
                             "the same answer whether the mailbox exists or not")

        status, body = self.web.json("POST", "/api/v1/mailboxes", headers=auth,
                                     form={"address": "carol@localhost", "password": "pw1"})
        self.assertEqual((status, body), (200, {"result": "added carol@localhost"}))
        self.wait_log("admin root: user add carol@localhost")
        with open(os.path.join(self.home, "users", "passwords")) as f:
            self.assertIn("carol@localhost:$2", f.read())
        self.assertEqual(self.web.json("POST", "/api/v1/mailboxes", headers=auth, form={"address": "nodomain"})[0],
                         400)
        status, body = self.web.json("POST", "/api/v1/mailboxes/carol@localhost/password", headers=auth,
                                     form={"password": "pw2"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.web.json("POST", "/api/v1/mailboxes/nobody@localhost/password", headers=auth,
                                       form={"password": "pw2"})[0], 404)

        status, body = self.web.json("POST", "/api/v1/mailboxes/carol@localhost/forwards", headers=auth,
                                     form={"to": "postmaster@localhost", "keep": "1"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.web.json("POST", "/api/v1/mailboxes/carol@localhost/forwards", headers=auth,
                                       form={"to": "|rm -rf /"})[0], 400, "a forward is an address, never a program")
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["carol@localhost"], b"Subject: fwd\r\n\r\nbody\r\n")
        [copy] = self.wait_messages(1, "carol@localhost")
        [forwarded] = self.wait_messages(1, "postmaster@localhost")
        self.assertIn(b"Subject: fwd", forwarded)

        status, body = self.web.json("GET", "/api/v1/mailboxes", headers=auth)
        carol = next(m for m in body["mailboxes"] if m["address"] == "carol@localhost")
        self.assertEqual(carol["forwards"], ["postmaster@localhost"])
        listed = quail("user", "list", "--home", self.home).stdout.decode()
        self.assertEqual(sorted(m["address"] for m in body["mailboxes"]),
                         sorted(line.split("\t")[0] for line in listed.splitlines() if "\t=" in line))

        self.assertEqual(self.web.json("DELETE", "/api/v1/mailboxes/carol@localhost", headers=auth)[0], 200)
        self.assertEqual(self.web.json("DELETE", "/api/v1/mailboxes/carol@localhost", headers=auth)[0], 404)
        self.assertTrue(os.path.isdir(self.maildir("carol@localhost")), "the mail itself is kept")

    def test_an_autoresponder_answers_a_sender_once_from_the_null_sender_and_stops(self):
        auth = {"Authorization": "Bearer " + self.token()}
        self.assertEqual(self.web.json("POST", "/api/v1/mailboxes", headers=auth,
                                       form={"address": "carol@localhost"})[0], 200)
        for form, status in [({"subject": "a\r\nBcc: x@y.org", "text": "t"}, 400), ({"text": "t", "days": "0"}, 400),
                             ({"text": "t", "days": "soon"}, 400)]:
            self.assertEqual(self.web.json("POST", "/api/v1/mailboxes/carol@localhost/autoresponder", headers=auth,
                                           form=form)[0], status, form)
        self.assertEqual(self.web.json("POST", "/api/v1/mailboxes/nobody@localhost/autoresponder", headers=auth,
                                       form={"text": "t"})[0], 404)
        status, body = self.web.json("POST", "/api/v1/mailboxes/carol@localhost/autoresponder", headers=auth,
                                     form={"subject": "Away: %S", "text": "Back on Monday.\r\n", "days": "3"})
        self.assertEqual((status, body), (200, {"result": "autoresponder on for carol@localhost"}))
        self.wait_log("admin root: user autorespond carol@localhost --days 3 --subject Away:")
        status, body = self.web.json("GET", "/api/v1/mailboxes", headers=auth)
        carol = next(m for m in body["mailboxes"] if m["address"] == "carol@localhost")
        self.assertEqual((carol["autoresponder"], carol["keep"]),
                         ({"subject": "Away: %S", "text": "Back on Monday.\n", "days": 3}, True))

        def send(subject):
            with smtplib.SMTP("127.0.0.1", self.server.port) as s:
                s.sendmail("postmaster@localhost", ["carol@localhost"],
                           ("To: carol@localhost\r\nSubject: %s\r\nMessage-ID: <%s@localhost>\r\n\r\nhi\r\n"
                            % (subject, subject)).encode())
        send("lunch")
        self.wait_messages(1, "carol@localhost")
        [answer] = self.wait_messages(1, "postmaster@localhost")
        for line in [b"Return-Path: <>", b"Subject: Away: lunch", b"Auto-Submitted: auto-replied",
                     b"In-Reply-To: <lunch@localhost>", b"Back on Monday."]:
            self.assertIn(line, answer)
        send("dinner")
        self.wait_messages(2, "carol@localhost")
        self.wait_log("postmaster@localhost was answered within 259200 seconds")
        self.assertEqual(len(self.messages("postmaster@localhost")), 1, "one answer per sender per period")

        status, body = self.web.json("DELETE", "/api/v1/mailboxes/carol@localhost/autoresponder", headers=auth)
        self.assertEqual((status, body), (200, {"result": "autoresponder off for carol@localhost"}))
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.maildir("carol@localhost")), ".qmail")),
                         "no forwards and no autoresponder: the default delivery again")


class ListsApi(HttpCase):
    """/api/v1/lists against `quail list`: the same lists, read and changed through either."""

    LIST = "news@localhost"

    def prepare(self):
        self.cli("create", self.LIST, "--owner", "boss@localhost", "--subscribers-only")

    def setUp(self):
        super().setUp()
        self.auth = {"Authorization": "Bearer " + self.token()}

    def cli(self, *args):
        return quail("list", args[0], "--home", self.home, *args[1:]).stdout.decode()

    def api(self, method, path, **kw):
        return self.web.json(method, "/api/v1/lists" + path, headers=self.auth, **kw)

    def test_every_list_route_refuses_a_caller_without_credentials(self):
        routes = [("GET", ""), ("POST", ""), ("GET", "/" + self.LIST), ("DELETE", "/" + self.LIST),
                  ("GET", "/nosuch@localhost"), ("GET", "/%s/members" % self.LIST), ("GET", "/%s/bounces" % self.LIST),
                  ("POST", "/%s/subscribe" % self.LIST), ("POST", "/%s/unsubscribe" % self.LIST)]
        stranger = Http(self.http_port)
        for method, path in routes:
            status, _, body = stranger.request(method, "/api/v1/lists" + path, form={"address": "eve@example.org"})
            self.assertEqual((status, json.loads(body)["error"]), (401, "sign in or send a bearer token"),
                             (method, path, "the same answer whether the list exists or not"))
        self.signed_in()
        for method, path in routes:
            if method != "GET":
                status, _, _ = self.web.request(method, "/api/v1/lists" + path, form={"address": "eve@example.org"})
                self.assertEqual(status, 403, (method, path, "a state change without the CSRF token"))
        self.assertNotIn("eve@example.org", self.cli("members", self.LIST))
        self.assertIn("list: " + self.LIST, self.cli("show", self.LIST))

    def test_lists_answer_and_change_as_the_command_line_does(self):
        """One server for all of it: each step is a few requests, a start is seconds."""
        self.subscribe_page_through_members_unsubscribe_and_show()
        self.bounces_as_the_command_line_says_them()
        self.create_and_delete_with_the_command_line_s_options()

    def subscribe_page_through_members_unsubscribe_and_show(self):
        status, body = self.api("POST", "/%s/subscribe" % self.LIST,
                                form={"address": "ann@example.org, Bob@Example.ORG\ncid@example.org"})
        self.assertEqual((status, body), (200, {"result": self.LIST + ": 3 subscribed, 0 unchanged"}))
        self.wait_log("admin root: list subscribe %s ann@example.org, Bob@Example.ORG?cid@example.org" % self.LIST)
        members = self.cli("members", self.LIST).split()
        self.assertEqual(sorted(members), ["Bob@example.org", "ann@example.org", "cid@example.org"])
        self.assertEqual(self.api("POST", "/%s/subscribe" % self.LIST, form={"address": "ann@example.org"}),
                         (200, {"result": self.LIST + ": 0 subscribed, 1 unchanged"}))
        status, body = self.api("POST", "/%s/subscribe" % self.LIST, form={"address": "dan@example.org, <dan>"})
        self.assertEqual(status, 400)
        self.assertIn("<dan>", body["error"])
        self.assertEqual(self.api("POST", "/%s/subscribe" % self.LIST, form={"address": " "})[0], 400)
        self.assertNotIn("dan@example.org", self.cli("members", self.LIST), "a bad address changes nothing")

        status, first = self.api("GET", "/%s/members?limit=2" % self.LIST)
        self.assertEqual((status, first["total"], first["offset"], first["limit"]), (200, 3, 0, 2))
        status, rest = self.api("GET", "/%s/members?offset=2&limit=2" % self.LIST)
        self.assertEqual(first["members"] + rest["members"], members, "the pages, in the command line's order")
        self.assertEqual(self.api("GET", "/%s/members" % self.LIST)[1]["members"], members)
        for bad in ("limit=x", "offset=-1"):
            self.assertEqual(self.api("GET", "/%s/members?%s" % (self.LIST, bad))[0], 400, bad)

        status, body = self.api("POST", "/%s/unsubscribe" % self.LIST, form={"address": "bob@example.org"})
        self.assertEqual((status, body), (200, {"result": self.LIST + ": 1 unsubscribed, 0 unchanged"}))
        status, shown = self.api("GET", "/" + self.LIST)
        self.assertEqual(status, 200)
        cli = dict(line.split(": ", 1) for line in self.cli("show", self.LIST).splitlines())
        self.assertEqual(shown, {"address": cli["list"], "owner": cli["owner"], "moderated": False,
                                 "subscribersOnly": cli["subscribers-only"] == "yes", "members": int(cli["members"]),
                                 "posts": int(cli["posts"]), "bouncing": int(cli["bouncing"]),
                                 "bounceTimeout": int(cli["bounce timeout"].split()[0]),
                                 "unsubscribeUrl": cli["unsubscribe url"], "directory": cli["directory"]})
        self.assertEqual((shown["members"], shown["subscribersOnly"]), (2, True))
        self.assertEqual(self.api("GET", ""), (200, {"lists": [shown]}))
        self.assertEqual(self.api("GET", "/nosuch@localhost")[0], 404)
        self.assertEqual(self.api("GET", "/nosuch@localhost/members")[0], 404)
        self.assertEqual(self.api("GET", "/no%20list")[0], 400)

    def bounces_as_the_command_line_says_them(self):
        self.cli("subscribe", self.LIST, "gone@example.net")
        self.assertEqual(self.api("GET", "/%s/bounces" % self.LIST), (200, {"bounces": []}))
        # A record as the list's bounce handling writes it (BounceStore): a member that bounced twice, then was warned.
        name = "h" + hashlib.sha256(b"gone@example.net").hexdigest()[:32]
        with open(os.path.join(self.home, "lists", "localhost", "news", "bounce", name), "w") as f:
            f.write("gone@example.net\n1764633600\n2\nWARNED\n1764640000\n5.1.1\n")
        self.assertEqual(self.cli("bounces", self.LIST),
                         "gone@example.net first=2025-12-02T00:00:00Z count=2 state=warned status=5.1.1\n")
        self.assertEqual(self.api("GET", "/%s/bounces" % self.LIST), (200, {"bounces": [
            {"member": "gone@example.net", "first": "2025-12-02T00:00:00Z", "count": 2, "state": "warned",
             "status": "5.1.1"}]}))

    def create_and_delete_with_the_command_line_s_options(self):
        status, body = self.api("POST", "", form={"address": "team@localhost", "owner": "boss@localhost",
                                                  "moderated": "1"})
        self.assertEqual((status, body), (200, {"result": "created team@localhost"}))
        self.wait_log("admin root: list create team@localhost --owner boss@localhost --moderated")
        shown = self.cli("show", "team@localhost")
        self.assertIn("moderated: yes", shown)
        self.assertIn("subscribers-only: no", shown)
        self.assertIn("owner: boss@localhost", shown)
        self.assertEqual(self.api("POST", "", form={"address": "team@localhost"}),
                         (400, {"error": "team@localhost already exists"}))
        self.assertEqual(self.api("POST", "", form={"address": "bad/name@localhost"})[0], 400)
        self.assertEqual(self.api("POST", "", form={"address": "x@localhost", "owner": "nobody"})[0], 400)
        self.assertEqual([l["address"] for l in self.api("GET", "")[1]["lists"]].count("team@localhost"), 1)
        self.assertEqual(self.api("DELETE", "/team@localhost"), (200, {"result": "deleted team@localhost"}))
        self.assertEqual(self.api("DELETE", "/team@localhost")[0], 404)
        self.assertFalse(os.path.exists(os.path.join(self.home, "lists", "localhost", "team")))


class Metrics(HttpCase):
    def prepare(self):
        import peers
        self.sink_dir = os.path.join(self.home, "sink")
        os.makedirs(self.sink_dir)
        port = free_port()
        self.sink = peers.FileSink("127.0.0.1", port, self.sink_dir)
        with open(os.path.join(self.home, "control", "smtproutes"), "w") as f:
            f.write(":127.0.0.1:%d\n" % port)
        with open(os.path.join(self.home, "control", "relayclients"), "w") as f:
            f.write("127.0.0.1\n")
        with open(os.path.join(self.home, "control", "httploopbackopen"), "w") as f:
            f.write("1\n")

    def scrape(self):
        status, headers, body = self.web.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        return samples(body)

    def test_a_scrape_after_a_scripted_run_equals_the_maildir_and_the_sink(self):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            for n in range(6):
                s.sendmail("alice@example.org", ["postmaster@localhost"], b"Subject: local\r\n\r\nbody\r\n")
            for n in range(4):
                s.sendmail("alice@example.org", ["dave@remote.test"], b"Subject: remote\r\n\r\nbody\r\n")
        maildir = self.wait_messages(6)
        wait_until(lambda: len(self.sink.messages) == 4, 60, what="4 messages at the sink")
        wait_until(lambda: self.scrape().get(
            'quail_recipients_delivered_total{channel="remote",domain="remote.test"}') == 4, 30,
            what="the remote deliveries counted")
        m = self.scrape()
        self.assertEqual(m['quail_messages_accepted_total{origin="smtp"}'], 10)
        self.assertEqual(m['quail_recipients_delivered_total{channel="local",domain="local"}'], len(maildir))
        self.assertEqual(m['quail_recipients_delivered_total{channel="remote",domain="remote.test"}'],
                         len(self.sink.messages))
        self.assertNotIn('quail_recipients_bounced_total{channel="local",domain="local"}', m)
        self.assertIn('quail_connections_open{listener="smtp"}', m)
        self.assertIn("quail_queue_live_messages", m)
        self.assertGreaterEqual(m['quail_journal_write_seconds_count{fsync="true"}'], 10,
                                "each acceptance was a synced journal write")
        self.assertTrue(any(k.startswith('quail_journal_write_seconds_bucket{fsync="true"') for k in m),
                        "a latency histogram")
        self.assertTrue(any(k.startswith("jvm_memory_used_bytes") for k in m), "the JVM's own metrics")
        self.signed_in()
        status, _, page = self.web.request("GET", "/")
        self.assertEqual(status, 200)
        found = re.search(r'<td id="total-accepted">(\d+)</td><td id="rate-accepted">([0-9.]+)/min</td>', page.decode())
        self.assertIsNotNone(found, page)
        self.assertEqual(found.group(1), "10")
        self.assertGreater(float(found.group(2)), 0, "the dashboard's rate over the minute since start")


class Https(QuailTestCase):
    start_server = False

    def test_over_https_the_session_cookie_is_secure(self):
        import ssl
        port = free_port()
        quail("admin", "add", "--home", self.home, "root", input=b"s3cret\n")
        self.server.extra = ["--https", "127.0.0.1:%d" % port]
        self.server.start()
        self.wait_log("http admin listening on")
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ssl._create_unverified_context())
        c.request("POST", "/login", body=urllib.parse.urlencode({"name": "root", "password": "s3cret"}),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        c.close()
        self.assertEqual(r.status, 200)
        flags = [f.strip().lower() for f in r.getheader("Set-Cookie").split(";")]
        self.assertIn("secure", flags)
        self.assertIn("httponly", flags)
        self.assertIn("samesite=strict", flags)
