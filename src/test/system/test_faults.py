"""Faults an operator meets, as the supervisor tree must meet them: a full disk, kill -9 and SIGTERM mid-relay.

Nothing that got 250 may be lost; nothing not durable may get 250; the server must heal by itself.
"""
import glob
import json
import os
import re
import smtplib
import subprocess
import threading
import time
import unittest

from peers import SmtpSink, free_tcp_port
from quailtest import QuailTestCase, Server, quail, wait_until
from test_loadtest import Sink

BODY_KIB = 10


def message(token):
    filler = ("%s padding line to make the message about ten kibibytes long\r\n" % token) * (BODY_KIB * 1024 // 70)
    return ("Subject: fault %s\r\nX-Token: %s\r\n\r\n%s" % (token, token, filler)).encode()


def tokens_in(paths):
    seen = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                m = re.search(rb"\nX-Token: (\S+)\r?\n", f.read())
        except FileNotFoundError:
            continue
        if m:
            token = m.group(1).decode()
            seen[token] = seen.get(token, 0) + 1
    return seen


class Senders:
    """Clients sending one message per connection, as most do, recording what each answer was."""

    def __init__(self, port, count, recipient, prefix="m"):
        self.port, self.recipient, self.prefix = port, recipient, prefix
        self.acked, self.refused, self.errors = set(), [], []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(count)]
        for t in self.threads:
            t.start()

    def run(self, n):
        i = 0
        while not self.stopping.is_set():
            token = "%s-%d-%d" % (self.prefix, n, i)
            i += 1
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=60) as s:
                    s.sendmail("fault@example.org", [self.recipient], message(token))
                with self.lock:
                    self.acked.add(token)
            except smtplib.SMTPResponseException as e:
                with self.lock:
                    self.refused.append(e.smtp_code)
                time.sleep(0.2)
            except (smtplib.SMTPException, OSError) as e:
                with self.lock:
                    self.errors.append(repr(e))
                time.sleep(0.2)

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(90)


@unittest.skipUnless(os.geteuid() == 0, "mounts a tmpfs: needs root (CI runs as root)")
class DiskFull(QuailTestCase):
    """The home on a 96 MiB tmpfs, filled up while ten clients send: 4xx while full, never a lie, and it heals."""

    start_server = False

    def setUp(self):
        super().setUp()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", self.home], check=True)
        self.server = Server(self.home)
        self.server.start()

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            subprocess.run(["umount", "-l", self.home], check=False)
            if os.path.isdir(self.home) and not os.listdir(self.home):
                os.rmdir(self.home)

    def delivered(self):
        return tokens_in(glob.glob(os.path.join(self.maildir(), "new", "*")))

    def test_full_disk_refuses_with_4xx_loses_nothing_and_heals_within_seconds(self):
        senders = Senders(self.server.port, 10, "postmaster@localhost")
        wait_until(lambda: len(senders.acked) >= 100, 120, what="100 messages accepted")
        filler = os.path.join(self.home, "filler")
        subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=1M"], stderr=subprocess.DEVNULL)
        wait_until(lambda: len(senders.refused) >= 10, 60, what="4xx answers while the disk is full")
        time.sleep(3)
        self.assertIsNone(self.server.proc.poll(), "the server died on a full disk:\n" + self.server.output()[-3000:])
        self.assertTrue(all(400 <= c < 500 for c in senders.refused),
                        "a full disk is a temporary failure: %s" % sorted(set(senders.refused)))
        self.assertIn(452, senders.refused, "MAIL and RCPT hear 452 4.3.1 while the disk is full")

        os.remove(filler)
        freed = time.time()
        acked_before = len(senders.acked)
        wait_until(lambda: len(senders.acked) > acked_before + 10, 10, what="new mail accepted within 10 s")
        print("\ndisk full: accepted again %.1f s after the space came back" % (time.time() - freed))
        senders.stop()
        expected = set(senders.acked)
        wait_until(lambda: expected <= set(self.delivered()), 180, interval=1,
                   what="every acknowledged message delivered without a restart")

        self.server.kill9()
        self.server.start()
        time.sleep(3)
        lost = sorted(expected - set(self.delivered()))
        duplicates = sum(c - 1 for c in self.delivered().values() if c > 1)
        print("disk full: %d acknowledged, %d refused with 4xx, %d duplicates, %d lost"
              % (len(expected), len(senders.refused), duplicates, len(lost)))
        self.assertEqual(lost, [])


class SigtermMidRelay(QuailTestCase):
    """SIGTERM while a slow relay is receiving: exit 0 within timeoutshutdown, and every message gets through."""

    start_server = False

    def test_every_message_is_delivered_once_or_retried_after_the_restart(self):
        port = free_tcp_port("127.0.0.1")
        dump = os.path.join(self.home, "sink")
        os.makedirs(dump)
        os.chmod(self.home, 0o711)
        os.chmod(dump, 0o777)  # smtp-sink writes as nobody
        os.makedirs(os.path.join(self.home, "control"))
        for name, value in {"smtproutes": ":127.0.0.1:%d" % port, "timeoutshutdown": "10",
                            "relayclients": "127.0.0.1"}.items():
            with open(os.path.join(self.home, "control", name), "w") as f:
                f.write(value + "\n")
        with SmtpSink("127.0.0.1", port, ["-w", "2", "-d", os.path.join(dump, "%H%M%S.")]):
            self.server.start()
            tokens = ["r-%d" % i for i in range(30)]
            with smtplib.SMTP("127.0.0.1", self.server.port, timeout=60) as s:
                for token in tokens:
                    s.sendmail("fault@example.org", ["someone@far.example"], message(token))
            wait_until(lambda: len(glob.glob(os.path.join(dump, "*"))) >= 3, 60, what="the relay to be under way")
            stopped = time.time()
            self.assertEqual(self.server.stop(timeout=40), 0)
            took = time.time() - stopped
            self.assertLess(took, 10 + 15, "a graceful stop is bounded by timeoutshutdown")
            self.assertIn("status: exiting", self.server.log())
            self.server.start()
            wait_until(lambda: set(tokens) <= set(tokens_in(glob.glob(os.path.join(dump, "*")))), 180, interval=1,
                       what="every message at the relay after the restart")
        seen = tokens_in(glob.glob(os.path.join(dump, "*")))
        print("\nsigterm mid-relay: stopped in %.1f s, %d messages, %d duplicates"
              % (took, len(tokens), sum(c - 1 for c in seen.values() if c > 1)))


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmHWM:"))


def server_pid(home):
    """The JVM of `quail start --home HOME` (the launcher execs it, so it is the process the harness started)."""
    out = subprocess.run(["pgrep", "-f", "start --home " + home], capture_output=True, text=True).stdout.split()
    return int(out[0])


class DeadMxBacklog(QuailTestCase):
    """1,200 messages of 1 MB queued behind a dead MX survive kill -9, with bounded memory, and all go out.

    1.2 GB of bodies is more than the 768 MiB heap could hold, and three times maxlive (400 here), so most of the
    backlog sleeps in the due-time index, as a deep backlog does at the default maxlive.
    """

    start_server = False
    MESSAGES = 1200
    RSS_CAP_MIB = 1024  # ./quail start's 768 MiB heap and the JVM's own memory

    def test_a_large_backlog_survives_kill_9_in_bounded_memory_and_is_delivered_when_the_mx_comes_up(self):
        port = free_tcp_port("127.0.0.1")
        os.makedirs(os.path.join(self.home, "control"))
        for name, value in {"smtproutes": ":127.0.0.1:%d" % port, "relayclients": "127.0.0.1",
                            "maxlive": "400"}.items():
            with open(os.path.join(self.home, "control", name), "w") as f:
                f.write(value + "\n")
        self.server.start()
        sent = quail("loadtest", "--target", "127.0.0.1:%d" % self.server.port, "--messages", str(self.MESSAGES),
                     "--concurrency", "10", "--size", str(1 << 20), "--to", "someone@far.example", "--json",
                     timeout=900)
        self.assertEqual(json.loads(sent.stdout)["accepted"], self.MESSAGES)
        wait_until(lambda: self.server.log().count("Sorry, I wasn't able to establish an SMTP connection")
                   >= self.MESSAGES, 300, interval=1, what="every message deferred by the dead MX")
        filled = peak_rss_mib(server_pid(self.home))

        self.server.kill9()
        self.server.start()
        pid = server_pid(self.home)
        sink = Sink(port=port)
        try:
            quail("flush", "--home", self.home)
            wait_until(lambda: sink.stat()["messages"] >= self.MESSAGES, 900, interval=2,
                       what="%d messages at the sink" % self.MESSAGES)
            delivered = peak_rss_mib(pid)
        finally:
            sink.cleanup()
        print("\ndead MX backlog: %d x 1 MB, peak RSS %d MiB while queueing, %d MiB after kill -9 through delivery"
              % (self.MESSAGES, filled, delivered))
        self.assertLess(filled, self.RSS_CAP_MIB)
        self.assertLess(delivered, self.RSS_CAP_MIB)


if __name__ == "__main__":
    unittest.main()
