"""Harness for Quail's black-box system tests: a packaged server on a free loopback port, in a temp home.

Only the distribution (./quail) and real third-party clients are used; nothing here reaches into the code.
"""
import mailbox
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import peers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
QUAIL = os.path.join(ROOT, "quail")
SENDMAIL = os.path.join(ROOT, "bin", "sendmail")


def free_port():
    """A loopback port for a server (peers.free_tcp_port)."""
    return peers.free_tcp_port("127.0.0.1")


def wait_until(predicate, timeout=30.0, interval=0.05, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out after %.0fs waiting for %s" % (timeout, what))


def quail(*args, input=None, env=None, check=True, timeout=120):
    """Runs a quail command; returns the CompletedProcess."""
    cmd = [QUAIL] + list(args)
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, input=input, capture_output=True, env=e, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d\nstdout: %s\nstderr: %s" % (cmd, p.returncode, p.stdout, p.stderr))
    return p


class Server:
    """One `quail start` process."""

    def __init__(self, home, port=None, extra=(), env=None, launcher=QUAIL):
        self.launcher = launcher
        self.home = home
        self.port = port or free_port()
        self.extra = list(extra)
        self.env = env
        self.proc = None
        self.out = None

    def start(self, timeout=60):
        self.out = open(os.path.join(self.home, "server.out"), "ab")
        self.proc = subprocess.Popen(
            [self.launcher, "start", "--home", self.home, "--smtp", "127.0.0.1:%d" % self.port] + self.extra,
            stdout=self.out, stderr=subprocess.STDOUT, env=self.env)
        wait_until(lambda: self._listening() or self._died(), timeout, what="the server to listen")
        if self.proc.poll() is not None:
            raise AssertionError("server exited %s:\n%s" % (self.proc.returncode, self.output()))
        return self

    def _died(self):
        return self.proc.poll() is not None

    def _listening(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def output(self):
        path = os.path.join(self.home, "server.out")
        if not os.path.exists(path):
            return "(the server was not started)"
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log(self):
        path = os.path.join(self.home, "log", "quail.log")
        if not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, timeout=60):
        """SIGTERM; returns the exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.out.close()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.out.close()


def failed(test):
    """Whether the test now ending (called from its tearDown) has failed or raised."""
    return any(err for t, err in (test._outcome.result.errors + test._outcome.result.failures) if t is test)


class QuailTestCase(unittest.TestCase):
    """A fresh home and a started server per test; the home is kept when the test fails."""

    start_server = True

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="quail-st-")
        self.server = Server(self.home)
        if self.start_server:
            self.server.start()

    def tearDown(self):
        if self.server.proc is not None:
            self.server.stop()
        if failed(self):
            print("\n--- server output (%s) ---\n%s" % (self.home, self.server.output()[-6000:]))
        else:
            shutil.rmtree(self.home, ignore_errors=True)

    def maildir(self, address="postmaster@localhost"):
        local, domain = address.rsplit("@", 1)
        return os.path.join(self.home, "mailboxes", domain.lower(), local.lower(), "Maildir")

    def messages(self, address="postmaster@localhost"):
        md = mailbox.Maildir(self.maildir(address), factory=None, create=False)
        return [md.get_bytes(k) for k in md.keys()]

    def wait_messages(self, n, address="postmaster@localhost", timeout=60):
        def enough():
            new = os.path.join(self.maildir(address), "new")
            cur = os.path.join(self.maildir(address), "cur")
            count = len(os.listdir(new)) + len(os.listdir(cur))
            return count >= n
        wait_until(enough, timeout, what="%d message(s) for %s" % (n, address))
        return self.messages(address)

    def wait_log(self, text, timeout=30):
        return wait_until(lambda: text in self.server.log(), timeout, what="log line %r" % text)


def far_qmtp_server(test, mailbox):
    """A second Quail for `mailbox`'s domain with QMTP on a free loopback port, stopped and removed after the test,
    and the test's own home routed to it (control/qmtproutes): the far end of a qmtproutes relay. Returns a function
    that waits for the first message in `mailbox` there and returns it."""
    local, domain = mailbox.split("@")
    far_home = tempfile.mkdtemp(prefix="quail-st-far-")
    test.addCleanup(shutil.rmtree, far_home, True)
    os.makedirs(os.path.join(far_home, "control"))
    for name in ("me", "locals"):
        with open(os.path.join(far_home, "control", name), "w") as f:
            f.write(domain + "\n")
    quail("user", "add", "--home", far_home, mailbox)
    port = free_port()
    far = Server(far_home, extra=["--qmtp", "127.0.0.1:%d" % port]).start()
    test.addCleanup(far.stop)
    os.makedirs(os.path.join(test.home, "control"), exist_ok=True)
    with open(os.path.join(test.home, "control", "qmtproutes"), "w") as f:
        f.write("%s:127.0.0.1:%d\n" % (domain, port))
    box = os.path.join(far_home, "mailboxes", domain, local, "Maildir", "new")

    def first_message():
        wait_until(lambda: os.listdir(box), 60, what="the message at the far end")
        with open(os.path.join(box, os.listdir(box)[0]), "rb") as f:
            return f.read()
    return first_message
