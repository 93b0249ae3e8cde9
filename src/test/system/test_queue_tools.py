"""Queue tools against a running server (qstat, qread, flush, hold/release/delete) and qmail-send's bounces."""
import json
import os
import shutil
import signal
import smtplib

from quailtest import QuailTestCase, quail, wait_until


class QueueTools(QuailTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        quail("user", "add", "--home", self.home, "bob@localhost")
        # A mailbox whose Maildir is gone defers every delivery: the message stays queued.
        self.bob = self.maildir("bob@localhost")
        shutil.rmtree(self.bob)
        self.server.start()

    def send(self, to, sender="alice@example.org", subject="tools"):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail(sender, [to], ("Subject: %s\r\n\r\nbody\r\n" % subject).encode())

    def qread(self):
        return json.loads(quail("qread", "--home", self.home, "--json").stdout)["messages"]

    def test_qstat_and_qread_show_a_deferred_message(self):
        self.assertIn(b"messages in queue: 0\n", quail("qstat", "--home", self.home).stdout)
        self.send("bob@localhost")
        self.wait_log("deferral: Unable to chdir to maildir")
        out = quail("qstat", "--home", self.home).stdout.decode()
        self.assertIn("messages in queue: 1\n", out)
        self.assertIn("messages in queue but not yet preprocessed: 0\n", out)
        self.assertIn("journal: ok\n", out)
        text = quail("qread", "--home", self.home).stdout.decode()
        self.assertRegex(text, r"\d+ \w{3} \d{4} \d\d:\d\d:\d\d GMT  #\w+  \d+  <alice@example.org> \n\tlocal\tbob@localhost\n")
        [m] = self.qread()
        self.assertEqual(m["sender"], "alice@example.org")
        self.assertEqual(m["recipients"][0]["status"], "pending")
        self.assertIn("Unable to chdir to maildir", m["recipients"][0]["report"])
        self.assertIn("nextLocal", m)
        stat = json.loads(quail("qstat", "--home", self.home, "--json").stdout)
        self.assertEqual(stat["messages"], 1)
        self.assertTrue(stat["journal"]["ok"])

    def test_sighup_rereads_controls_and_sigalrm_retries_at_once(self):
        """SEND-01: as qmail-send, SIGHUP rereads control files (here a change the periodic check cannot see: same
        size, same mtime) and SIGALRM retries every queued message now."""
        def says(name):
            with smtplib.SMTP("127.0.0.1", self.server.port) as s:
                return s.ehlo()[1].startswith(name)
        greeting = os.path.join(self.home, "control", "smtpgreeting")
        with open(greeting, "w") as f:
            f.write("before.example\n")
        wait_until(lambda: says(b"before.example"), what="the first greeting")
        stat = os.stat(greeting)
        with open(greeting, "w") as f:
            f.write("hangup.example\n")
        os.utime(greeting, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        self.server.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: says(b"hangup.example"), what="the greeting reread on SIGHUP")
        self.send("bob@localhost", subject="alarm")
        self.wait_log("deferral: Unable to chdir to maildir")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.bob, sub))
        self.server.proc.send_signal(signal.SIGALRM)
        self.wait_log("SIGALRM: retrying every queued message")
        [stored] = self.wait_messages(1, "bob@localhost", timeout=30)
        self.assertIn(b"Subject: alarm", stored)

    def test_rejuvenate_retries_at_once_and_restarts_the_lifetime(self):
        """Q-46: `quail queue rejuvenate ID` (qmail's touch info/ID) tries a deferred message at once (its new
        birth: MessageTest); an id no longer queued is refused."""
        self.send("bob@localhost", subject="old")
        self.wait_log("deferral: Unable to chdir to maildir")
        [m] = self.qread()
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.bob, sub))
        self.assertEqual(quail("queue", "--home", self.home, "rejuvenate", m["id"]).stdout,
                         ("rejuvenated %s\n" % m["id"]).encode())
        self.wait_log("rejuvenate msg " + m["id"])
        [stored] = self.wait_messages(1, "bob@localhost", timeout=30)
        self.assertIn(b"Subject: old", stored)
        # Delivered, the message leaves the journal (qmail-clean): its history is gone, not kept as "done".
        wait_until(lambda: b"no such message" in quail("qread", "--home", self.home, m["id"], check=False).stderr,
                   what="the delivered message cleaned from the journal")
        p = quail("queue", "--home", self.home, "rejuvenate", m["id"], check=False)
        self.assertEqual(p.returncode, 111)
        self.assertIn(b"no such message", p.stderr)

    def test_flush_retries_now_and_hold_release_delete(self):
        self.send("bob@localhost", subject="held one")
        self.wait_log("deferral: Unable to chdir to maildir")
        [m] = self.qread()
        quail("queue", "--home", self.home, "hold", m["id"])
        self.assertTrue(self.qread()[0]["held"])
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.bob, sub))
        quail("flush", "--home", self.home)
        self.wait_log("hold msg " + m["id"])
        self.assertEqual(os.listdir(os.path.join(self.bob, "new")), [], "a held message is not delivered")
        quail("queue", "--home", self.home, "release", m["id"])
        [stored] = self.wait_messages(1, "bob@localhost")
        self.assertIn(b"Subject: held one", stored)
        wait_until(lambda: b"messages in queue: 0" in quail("qstat", "--home", self.home).stdout)

        shutil.rmtree(self.bob)
        self.send("bob@localhost", subject="to delete")
        wait_until(lambda: len(self.qread()) == 1)
        victim = self.qread()[0]["id"]
        quail("queue", "--home", self.home, "delete", victim)
        wait_until(lambda: self.qread() == [])
        p = quail("queue", "--home", self.home, "delete", victim, check=False)
        self.assertEqual(p.returncode, 111)
        self.assertIn(b"no such message", p.stderr)

    def test_commands_fail_clearly_without_a_server(self):
        self.server.stop()
        p = quail("qstat", "--home", self.home, check=False)
        self.assertEqual(p.returncode, 111)
        self.assertIn(b"not running", p.stderr)


class Bounces(QuailTestCase):

    def test_unknown_local_mailbox_bounces_to_the_sender_in_qsbmf(self):
        # The sender is local, so the bounce lands in a Maildir we can read. Injected: SMTP refuses the address at
        # RCPT (SEC-06).
        quail("inject", "--home", self.home, "-f", "postmaster@localhost", "nobody@localhost",
              input=b"Subject: lost\n\nwhere?\n")
        [bounce] = self.wait_messages(1)
        self.assertTrue(bounce.startswith(b"Return-Path: <>\nDelivered-To: postmaster@localhost\n"), bounce[:120])
        self.assertIn(b"Subject: failure notice\n", bounce)
        self.assertIn(b"\nHi. This is the qmail-send program at ", bounce)
        self.assertIn(b"\n<nobody@localhost>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n", bounce)
        self.assertIn(b"--- Below this line is a copy of the message.\n\nReturn-Path: <postmaster@localhost>\n", bounce)
        self.assertIn(b"Subject: lost\n", bounce)
        self.wait_log("bounce msg ")

    def test_a_bounce_that_fails_becomes_a_double_bounce_to_postmaster(self):
        quail("inject", "--home", self.home, "-f", "ghost@localhost", "nobody@localhost",
              input=b"Subject: twice\n\nx\n")
        [double] = self.wait_messages(1)
        self.assertTrue(double.startswith(b"Return-Path: <#@[]>\n"), double[:80])
        self.assertIn(b"but the bounce bounced!", double)
        self.assertIn(b"<ghost@localhost>:\nSorry, no mailbox here by that name. (#5.1.1)", double)
