"""Issue 11, the delivery side: what a remote server, a message or a program can do to Quail's deliveries is
bounded. A tarpit MX (one byte every 10 s) neither stalls mail to other destinations nor keeps its slot past
timeouttransaction; a 100 MB message relayed to a sink and delivered to a Maildir arrives byte for byte while the
server's RSS stays under its heap cap; a hung |program is killed at timeoutprogram, gives its concurrencylocal slot
back and the message is retried. Peers are Python servers on loopback (peers.Tarpit, peers.FileSink) and dnsmasq."""
import hashlib
import os
import smtplib
import socket
import subprocess
import tempfile
import threading
import time

import peers
import test_remote
from quailtest import quail, wait_until

MESSAGE = b"From: alice@quail.test\nSubject: limits\n\nhello\n"
HEAP_CAP_KIB = 768 * 1024  # the launcher's -Xmx768m

DNS = [
    "mx-host=tarpit.test,mx.tarpit.test,10",
    "host-record=mx.tarpit.test,127.0.90.2",
    "mx-host=fine.test,mx.fine.test,10",
    "host-record=mx.fine.test,127.0.90.3",
]


class LimitsCase(test_remote.RemoteCase):
    """test_remote's home (DNS from a dnsmasq on loopback, peers started per test before the server) with this
    file's DNS, local mailboxes and relaying for 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        cls.dns = peers.Dnsmasq(DNS)

    def setUp(self):
        super().setUp()
        self.control(locals="localhost\nquail.test", rcpthosts="localhost\nquail.test", relayclients="127.0.0.1")

    def add_user(self, address):
        """A mailbox, made before the server starts; returns its home."""
        quail("user", "add", "--home", self.home, address)
        return os.path.dirname(self.maildir(address))

    def submit(self, *recipients):
        """Over SMTP: no tool to start, so the message is queued within milliseconds."""
        with smtplib.SMTP("127.0.0.1", self.server.port, timeout=30) as client:
            client.sendmail("alice@quail.test", list(recipients), MESSAGE.replace(b"\n", b"\r\n"))


class Tarpit(LimitsCase):

    def test_a_tarpit_mx_does_not_stall_other_destinations_and_is_cut_at_timeouttransaction(self):
        tarpit = self.peer(peers.Tarpit("127.0.90.2", 25, interval=10))
        fine = self.peer(peers.Recorder([("127.0.90.3", 25)]))
        self.control(timeouttransaction="8")
        self.server.start()
        self.submit("slow@tarpit.test")
        wait_until(lambda: tarpit.connections, timeout=15, what="a connection to the tarpit")
        self.submit("quick@fine.test")
        wait_until(lambda: fine.recipients() == ["quick@fine.test"], timeout=10, what="mail to fine.test")
        served = time.time() - tarpit.connections[0]["opened"]
        self.assertIsNone(tarpit.connections[0]["closed"], "fine.test was served while the tarpit held on")
        self.wait_log("deferral: Connected to 127.0.90.2 but the transaction took more than 8 seconds. (#4.4.2)",
                      timeout=20)
        wait_until(lambda: tarpit.connections[0]["closed"], timeout=5, what="the tarpit's connection dropped")
        held = tarpit.connections[0]["closed"] - tarpit.connections[0]["opened"]
        self.assertGreaterEqual(held, 7.5)
        self.assertLess(held, 10, "cut at timeouttransaction, before the tarpit's second byte")
        print("\ntarpit: fine.test delivered %.1f s after the tarpit's connection opened; that one was cut after "
              "%.1f s" % (served, held))

    def test_the_slot_a_tarpit_held_is_given_back_at_timeouttransaction(self):
        tarpit = self.peer(peers.Tarpit("127.0.90.2", 25, interval=10))
        fine = self.peer(peers.Recorder([("127.0.90.3", 25)]))
        self.control(timeouttransaction="5", concurrencyremote="1")
        self.server.start()
        self.submit("slow@tarpit.test")
        wait_until(lambda: tarpit.connections, timeout=15, what="a connection to the tarpit")
        opened = tarpit.connections[0]["opened"]
        self.submit("quick@fine.test")
        wait_until(lambda: fine.recipients() == ["quick@fine.test"], timeout=20, what="mail to fine.test")
        waited = time.time() - opened
        self.assertGreater(waited, 4.5, "the only slot was the tarpit's until its deadline")
        self.assertLess(waited, 10)


class BigMessage(LimitsCase):
    SIZE = 100 * 1000 * 1000

    def write_message(self, path):
        """SIZE bytes of lines of varied length, many starting with a dot (dot-stuffing across every chunk and
        buffer boundary), some with "From " (mbox quoting), ending in LF; returns its SHA-256."""
        digest = hashlib.sha256()
        line = 0
        written = 0
        with open(path, "wb") as f:
            f.write(b"From: alice@quail.test\nSubject: a hundred megabytes\n\n")
            written = f.tell()
            digest.update(b"From: alice@quail.test\nSubject: a hundred megabytes\n\n")
            block = []
            while written < self.SIZE:
                text = (b"." if line % 3 == 0 else b"From " if line % 7 == 0 else b"") \
                    + b"line %d " % line + b"x" * (line * 37 % 150) + b"\n"
                block.append(text)
                written += len(text)
                line += 1
                if len(block) == 10000:
                    data = b"".join(block)
                    f.write(data)
                    digest.update(data)
                    block = []
            data = b"".join(block)
            f.write(data)
            digest.update(data)
        return digest.hexdigest(), written

    def send(self, path, recipients):
        """An SMTP client that streams the file: dots stuffed, LF made CRLF, a block at a time."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=300) as s:
            replies = s.makefile("rb")

            def expect(code, *commands):
                for command in commands:
                    s.sendall(command.encode() + b"\r\n")
                for _ in commands or [None]:
                    while True:
                        reply = replies.readline()
                        if reply[3:4] != b"-":
                            break
                    self.assertTrue(reply.startswith(code.encode()), reply)

            expect("220")
            expect("250", "EHLO client.test")
            expect("250", "MAIL FROM:<alice@quail.test> SIZE=%d" % os.path.getsize(path))
            for r in recipients:
                expect("250", "RCPT TO:<%s>" % r)
            expect("354", "DATA")
            with open(path, "rb") as f:
                carry = b""
                while True:
                    block = f.read(1 << 20)
                    if not block:
                        break
                    block = carry + block
                    cut = block.rfind(b"\n") + 1
                    block, carry = block[:cut], block[cut:]
                    stuffed = (b"." if block.startswith(b".") else b"") + block.replace(b"\n.", b"\n..")
                    s.sendall(stuffed.replace(b"\n", b"\r\n"))
            expect("250", ".")
            expect("221", "QUIT")

    @staticmethod
    def sha256_of_tail(path, length):
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            f.seek(os.path.getsize(path) - length)
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                digest.update(block)
        return digest.hexdigest()

    def rss_sampler(self):
        """Samples the server's resident set every 0.2 s until stopped; returns (stop, samples in KiB)."""
        samples, stop = [], threading.Event()
        status = "/proc/%d/status" % self.server.proc.pid

        def sample():
            while not stop.is_set():
                try:
                    with open(status) as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                samples.append(int(line.split()[1]))
                except OSError:
                    return
                stop.wait(0.2)

        threading.Thread(target=sample, daemon=True).start()
        return stop, samples

    def test_a_100_mb_message_is_relayed_over_tls_and_delivered_byte_for_byte_under_the_heap_cap(self):
        work = tempfile.mkdtemp(prefix="quail-big-", dir=self.home)
        sink = self.peer(peers.FileSink("127.0.90.4", 2525, work, tls=self_signed(work)))
        self.control(databytes="0", smtproutes="sink.test:127.0.90.4:2525")
        self.add_user("alice@localhost")
        self.server.start()
        path = os.path.join(work, "original")
        digest, size = self.write_message(path)
        stop, rss = self.rss_sampler()
        wait_until(lambda: rss, timeout=5, what="an RSS sample")
        idle = rss[0]
        start = time.time()
        try:
            self.send(path, ["big@sink.test", "alice@localhost"])
            accepted = time.time() - start
            wait_until(lambda: sink.messages, timeout=120, what="the message at the sink")
            new = os.path.join(self.maildir("alice@localhost"), "new")
            [stored] = wait_until(lambda: [os.path.join(new, n) for n in os.listdir(new)], timeout=120,
                                  what="the message in the Maildir")
            self.wait_log("end msg ", timeout=60)
            delivered = time.time() - start
        finally:
            stop.set()
        sender, recipients, relayed, secure = sink.messages[0]
        self.assertEqual((sender, recipients, secure), ("alice@quail.test", ["big@sink.test"], True))
        self.assertEqual(digest, self.sha256_of_tail(relayed, size), "relayed byte for byte")
        with open(relayed, "rb") as f:
            self.assertTrue(f.read(9) == b"Received:", "Quail's Received line, then the message")
        self.assertEqual(digest, self.sha256_of_tail(stored, size), "delivered byte for byte")
        with open(stored, "rb") as f:
            self.assertEqual(f.readline(), b"Return-Path: <alice@quail.test>\n")
            self.assertEqual(f.readline(), b"Delivered-To: alice@localhost\n")
        peak = max(rss)
        print("\n100 MB: accepted in %.1f s, relayed over TLS and delivered in %.1f s; server RSS %d MiB idle, "
              "%d MiB at most (heap cap %d MiB)" % (accepted, delivered, idle // 1024, peak // 1024,
                                                    HEAP_CAP_KIB // 1024))
        self.assertLess(peak, HEAP_CAP_KIB, "RSS under the heap cap")


class HungProgram(LimitsCase):

    def test_a_hung_program_is_killed_at_timeoutprogram_its_slot_freed_and_the_message_retried(self):
        self.control(timeoutprogram="2", concurrencylocal="1")
        dot_qmail = os.path.join(self.add_user("alice@localhost"), ".qmail-hang")
        with open(dot_qmail, "w") as f:
            f.write("|echo going to sleep; exec sleep 987\n")
        self.server.start()
        start = time.time()
        self.inject("alice-hang@localhost")
        self.wait_log("to local alice-hang@localhost", timeout=15)
        self.inject("alice@localhost")
        self.wait_log("deferral: going to sleep/Program timed out after 2 seconds. (#4.3.0)", timeout=15)
        self.wait_messages(1, "alice@localhost", timeout=10)
        waited = time.time() - start
        self.assertLess(waited, 10, "the one local slot came back at the limit")
        self.assertNotIn("sleep 987", command_lines(), "the program was killed")
        with open(dot_qmail, "w") as f:
            f.write("./Maildir/\n")
        quail("flush", "--home", self.home)
        messages = self.wait_messages(2, "alice@localhost", timeout=30)
        self.assertTrue(any(b"Delivered-To: alice-hang@localhost\n" in m for m in messages), "retried")


def command_lines():
    """The command lines of this machine's processes, as one text."""
    lines = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                lines.append(f.read().replace(b"\0", b" ").decode("latin-1"))
        except OSError:
            pass
    return "\n".join(lines)


def self_signed(directory):
    """openssl's self-signed certificate for sink.test: (certificate file, key file)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=sink.test"],
                   check=True, capture_output=True)
    return cert, key
