"""Issue 17, qmail compatibility: the programs other software calls (qmail-queue, qmail-qmqpc, sendmail -bp and
mailq), the helpers .qmail files name (bouncesaying, condredirect, except, forward, preline, datemail, qreceipt),
`quail local -n` and `quail analog`. Each is run the way its users run it: shell pipelines, .qmail lines, the
environment qmail-local sets. IDs are the rows of docs/qmail-compat.md."""
import os
import re
import subprocess

from quailtest import QuailTestCase, ROOT, quail

BIN = os.path.join(ROOT, "bin")
RECEIVED = re.compile(rb"Received: \(qmail \d+ invoked by uid \d+\); \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0000\n")


def envelope(sender, *recipients):
    """qmail-queue's envelope (QQ-01)."""
    return b"F" + sender.encode() + b"\0" + b"".join(b"T" + r.encode() + b"\0" for r in recipients) + b"\0"


class CompatCase(QuailTestCase):
    """A home whose server is started by the test, so that programs can be run while it is down."""

    start_server = False

    def setUp(self):
        super().setUp()
        quail("user", "add", "--home", self.home, "postmaster@localhost")
        self.env = dict(os.environ, QUAIL_HOME=self.home)

    def file(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def sh(self, script, input=None, env=None):
        """Runs a shell command line as a qmail user would type it, with bin/ first on PATH."""
        e = dict(self.env, PATH=BIN + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        e.update(env or {})
        return subprocess.run(["/bin/sh", "-c", script], input=input, capture_output=True, env=e, timeout=120)


class QmailQueue(CompatCase):

    def test_shell_pipeline_with_the_envelope_file_on_fd1_queues_while_the_server_is_down(self):
        """QQ-01, QQ-02, QQ-03, QQ-04, ARCH-01, X-02: `qmail-queue <msg 1<envelope` as scripts call it. Broken
        envelopes exit 54 / 91 / 11 and queue nothing; a good one exits 0 with the server down, and once it starts
        the message arrives once, under exactly one qmail-queue Received line."""
        msg = self.file("msg", b"Subject: via qmail-queue\n\nhello\n")
        cases = [(envelope("joe@example.org", "postmaster@localhost")[:-1], 54),
                 (b"Tpostmaster@localhost\0\0", 91),
                 (b"Fjoe@example.org\0Xpostmaster@localhost\0\0", 91),
                 (envelope("joe@example.org", "a" * 1003 + "@localhost"), 11)]
        for data, code in cases:
            env = self.file("bad-envelope", data)
            p = self.sh("qmail-queue <%s 1<%s" % (msg, env))
            self.assertEqual(p.returncode, code, p.stderr)
        env = self.file("envelope", envelope("joe@example.org", "postmaster@localhost"))
        p = self.sh("qmail-queue <%s 1<%s" % (msg, env))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.server.start()
        [stored] = self.wait_messages(1)
        self.assertEqual(stored.count(b"Received: (qmail "), 1)
        head = stored.split(b"Received: (qmail ", 1)
        self.assertRegex(b"Received: (qmail " + head[1], RECEIVED)
        self.assertIn(b"Return-Path: <joe@example.org>", head[0])
        self.assertTrue(stored.endswith(b"Subject: via qmail-queue\n\nhello\n"))
        self.wait_log("end msg")
        self.assertEqual(len(self.messages()), 1, "the broken envelopes queued nothing")

    def test_a_program_writing_the_envelope_into_a_pipe_on_fd1(self):
        """QQ-01, ARCH-01: as qmail.c runs qmail-queue: message into fd 0, then the envelope into a pipe that is
        the child's fd 1; exit 0 means the running server has it."""
        self.server.start()
        r, w = os.pipe()
        p = subprocess.Popen([os.path.join(BIN, "qmail-queue")], stdin=subprocess.PIPE, stdout=r,
                             stderr=subprocess.PIPE, env=self.env)
        os.close(r)
        p.stdin.write(b"Subject: piped\n\nbody\n")
        p.stdin.close()
        os.write(w, envelope("", "postmaster@localhost"))
        os.close(w)
        with p.stderr:
            self.assertEqual(p.wait(60), 0, p.stderr.read())
        [stored] = self.wait_messages(1)
        self.assertRegex(stored, RECEIVED)
        self.assertIn(b"Return-Path: <>", stored)
