"""Issue 2, the straight paper path: SMTP in (swaks, smtplib), inject and sendmail, journal, Maildir out."""
import os
import shutil
import smtplib
import socket
import subprocess
import unittest

from quailtest import QuailTestCase, Server, quail, SENDMAIL, wait_until

MESSAGE = (b"From: Alice <alice@example.org>\r\n"
           b"To: postmaster@localhost\r\n"
           b"Subject: caf\xc3\xa9 au lait\r\n"
           b"\r\n"
           b"8-bit body: \xe2\x82\xac and \xff raw\r\n"
           b".leading dot line\r\n"
           b"last line\r\n")


def body_of(stored):
    """The message as the sender wrote it: the stored copy minus the lines Quail prepends."""
    head, _, _ = stored.partition(b"\n\n")
    lines = stored.split(b"\n")
    i = 0
    while lines[i].startswith((b"Return-Path:", b"Delivered-To:", b"Received:", b" ", b"\t")):
        i += 1
    return b"\n".join(lines[i:])


class SmtpToMaildir(QuailTestCase):

    def test_swaks_delivers_to_postmaster(self):
        p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(self.server.port),
                            "--to", "postmaster@localhost", "--from", "alice@example.org",
                            "--header", "Subject: hello from swaks"], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        [stored] = self.wait_messages(1)
        self.assertTrue(stored.startswith(b"Return-Path: <alice@example.org>\nDelivered-To: postmaster@localhost\n"),
                        stored[:200])
        self.assertIn(b"Received: from ", stored)
        self.assertIn(b"[127.0.0.1]", stored)
        self.assertIn(b"Subject: hello from swaks", stored)
        self.assertNotIn(b"\r\n", stored, "Maildir files use LF line ends")

    def test_smtplib_8bit_body_is_stored_byte_for_byte(self):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.ehlo("client.example.org")
            self.assertTrue(s.has_extn("8bitmime") and s.has_extn("pipelining") and s.has_extn("size"))
            s.sendmail("alice@example.org", ["postmaster@localhost"], MESSAGE)
        [stored] = self.wait_messages(1)
        self.assertEqual(body_of(stored), MESSAGE.replace(b"\r\n", b"\n"))
        self.assertIn(b"Received: from unknown (HELO client.example.org) ([127.0.0.1])\n", stored)

    def test_the_log_follows_the_message(self):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["postmaster@localhost"], MESSAGE)
        self.wait_messages(1)
        self.wait_log("end msg ")
        log = self.server.log()
        for line in ("new msg ", "info msg ", "from <alice@example.org>", "starting delivery 1: msg ",
                     "to local postmaster@localhost", "delivery 1: success", "status: local "):
            self.assertIn(line, log)

    def test_unknown_local_mailbox_is_a_logged_permanent_failure(self):
        # SEC-06 refuses it at RCPT; a local injection reaches qmail-local, which fails it for good.
        quail("inject", "--home", self.home, "-f", "alice@localhost", "nobody@localhost", input=MESSAGE)
        self.wait_log("failure: Sorry, no mailbox here by that name. (#5.1.1)")

    def test_relaying_is_refused(self):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.mail("alice@example.org")
            code, text = s.rcpt("bob@elsewhere.example")
        self.assertEqual(code, 553)
        self.assertIn(b"rcpthosts", text)

    def test_sigterm_exits_zero_and_keeps_the_queue(self):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["postmaster@localhost"], MESSAGE)
        self.wait_messages(1)
        self.assertEqual(self.server.stop(), 0)
        self.assertIn("status: exiting", self.server.log())


class InjectAndSendmail(QuailTestCase):

    def test_inject_with_recipient_arguments(self):
        quail("inject", "--home", self.home, "postmaster@localhost",
              input=b"Subject: injected\n\nhello\n")
        [stored] = self.wait_messages(1)
        self.assertIn(b"Subject: injected", stored)
        for header in (b"\nDate: ", b"\nMessage-ID: <", b"\nFrom: "):
            self.assertIn(header, stored)

    def test_inject_takes_recipients_from_the_header_and_drops_bcc(self):
        quail("inject", "--home", self.home, "-f", "robot@example.org",
              input=b"To: Postmaster <postmaster@localhost>\nBcc: secret@localhost\nSubject: hdr\n\nbody\n")
        [stored] = self.wait_messages(1)
        self.assertTrue(stored.startswith(b"Return-Path: <robot@example.org>\n"))
        self.assertNotIn(b"Bcc:", stored)
        self.assertNotIn(b"secret@localhost", stored)

    def test_inject_without_recipients_is_refused(self):
        p = quail("inject", "--home", self.home, input=b"Subject: none\n\nx\n", check=False)
        self.assertEqual(p.returncode, 100, p.stderr)

    def test_sendmail_t(self):
        p = subprocess.run([SENDMAIL, "-t", "-i", "-oi"], input=b"To: postmaster@localhost\nSubject: via sendmail\n\nhi\n",
                           env=dict(os.environ, QUAIL_HOME=self.home), capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        [stored] = self.wait_messages(1)
        self.assertIn(b"Subject: via sendmail", stored)

    def test_sendmail_f_sets_sender_and_from(self):
        subprocess.run([SENDMAIL, "-f", "list-owner@example.org", "-F", "The List", "postmaster@localhost"],
                       input=b"Subject: f\n\nhi\n", env=dict(os.environ, QUAIL_HOME=self.home), check=True,
                       timeout=60)
        [stored] = self.wait_messages(1)
        self.assertTrue(stored.startswith(b"Return-Path: <list-owner@example.org>\n"))
        self.assertIn(b"From: The List <list-owner@example.org>", stored)

    def test_sendmail_bs_speaks_smtp_on_stdin(self):
        session = (b"HELO me\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<postmaster@localhost>\r\nDATA\r\n"
                   b"Subject: bs\r\n\r\nbody\r\n.\r\nQUIT\r\n")
        p = subprocess.run([SENDMAIL, "-bs"], input=session, env=dict(os.environ, QUAIL_HOME=self.home),
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"\r\n250 2.0.0 ok", p.stdout)
        self.assertTrue(p.stdout.rstrip().split(b"\r\n")[-1].startswith(b"221"), p.stdout)
        [stored] = self.wait_messages(1)
        self.assertIn(b"Subject: bs", stored)

    def test_sendmail_unknown_option_is_a_usage_error(self):
        p = subprocess.run([SENDMAIL, "-q"], input=b"", env=dict(os.environ, QUAIL_HOME=self.home),
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 100)


class InjectWhileStopped(QuailTestCase):
    start_server = False

    def test_inject_queues_durably_while_the_server_is_down(self):
        quail("user", "add", "--home", self.home, "postmaster@localhost")
        quail("inject", "--home", self.home, "postmaster@localhost", input=b"Subject: offline\n\nqueued\n")
        self.server.start()
        [stored] = self.wait_messages(1)
        self.assertIn(b"Subject: offline", stored)


class HomeCommands(QuailTestCase):
    start_server = False

    def test_config_fast_writes_qmail_control_files(self):
        quail("config-fast", "--home", self.home, "mail.example.com")
        control = os.path.join(self.home, "control")
        read = lambda name: open(os.path.join(control, name)).read().split()
        self.assertEqual(read("me"), ["mail.example.com"])
        self.assertEqual(read("defaultdomain"), ["example.com"])
        self.assertEqual(read("plusdomain"), ["example.com"])
        self.assertIn("mail.example.com", read("locals"))
        self.assertIn("mail.example.com", read("rcpthosts"))

    def test_user_add_creates_a_maildir_and_list_shows_it(self):
        p = quail("user", "add", "--home", self.home, "alice@example.net")
        path = p.stdout.decode().strip()
        self.assertTrue(path.endswith("Maildir"), path)
        for sub in ("tmp", "new", "cur"):
            self.assertTrue(os.path.isdir(os.path.join(path, sub)))
        listing = quail("user", "list", "--home", self.home).stdout.decode()
        self.assertIn("alice@example.net", listing)
        self.server.start()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("bob@example.org", ["alice@example.net"], b"Subject: virtual\r\n\r\nhi\r\n")
        [stored] = self.wait_messages(1, "alice@example.net")
        self.assertIn(b"Delivered-To: example.net-alice@example.net\n", stored)


if __name__ == "__main__":
    unittest.main()
