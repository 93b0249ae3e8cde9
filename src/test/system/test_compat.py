"""Issue 17, qmail compatibility: the programs other software calls (qmail-queue, qmail-qmqpc, sendmail -bp and
mailq), the helpers .qmail files name (bouncesaying, condredirect, except, forward, preline, datemail, qreceipt),
`quail local -n` and `quail analog`. Each is run the way its users run it: shell pipelines, .qmail lines, the
environment qmail-local sets. IDs are the rows of docs/qmail-compat.md."""
import json
import mailbox
import os
import re
import shutil
import smtplib
import subprocess

from quailtest import QuailTestCase, ROOT, far_qmtp_server, free_port, quail, wait_until

BIN = os.path.join(ROOT, "bin")
RECEIVED = rb"Received: \(quail \d+ invoked by uid \d+\); \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0000\n"


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
        # Program deliveries find the home the way bin/ programs do: $QUAIL_HOME (see docs/qmail-compat.md).
        self.server.env = self.env

    def add_user(self, address):
        quail("user", "add", "--home", self.home, address)
        local, domain = address.rsplit("@", 1)
        return os.path.join(self.home, "mailboxes", domain, local)

    def wait_maildir(self, path, n):
        wait_until(lambda: sum(len(os.listdir(os.path.join(path, d))) for d in ("new", "cur")) >= n,
                   60, what="%d message(s) in %s" % (n, path))
        md = mailbox.Maildir(path, factory=None, create=False)
        return [md.get_bytes(k) for k in md.keys()]

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
        self.assertEqual(stored.count(b"Received: (quail "), 1)
        head = stored.split(b"Received: (quail ", 1)
        self.assertRegex(b"Received: (quail " + head[1], RECEIVED)
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


def qmail_local_env(home, local, sender, ext="", newsender=None, host="localhost"):
    """The environment qmail-local gives a |program line (DQ-32) for a delivery to local@host."""
    return {"SENDER": sender, "NEWSENDER": sender if newsender is None else newsender,
            "RECIPIENT": "%s@%s" % (local, host), "USER": local, "HOME": home, "HOST": host, "LOCAL": local,
            "EXT": ext, "DTLINE": "Delivered-To: %s@%s\n" % (local, host),
            "RPLINE": "Return-Path: <%s>\n" % sender, "UFLINE": "From %s Thu Jan 01 00:00:00 1970\n" % (sender or "MAILER-DAEMON")}


SPAM = b"Subject: cheap pills\n\nSPAM SPAM SPAM\n"
HAM = b"Subject: lunch\n\nsee you at noon\n"


class DotQmailHelpers(CompatCase):
    """Each helper run as qmail-local runs a .qmail line: `sh -c LINE` in the mailbox's home, qmail-local's
    environment, the message on stdin; the exit code is what .qmail processing reads (DQ-31)."""

    def setUp(self):
        super().setUp()
        self.alice = self.add_user("alice@localhost")
        self.bob = self.add_user("bob@localhost")

    def line(self, text, message, sender="joe@example.org", **kw):
        """Runs the .qmail line `|text` for alice@localhost."""
        env = qmail_local_env(self.alice, "alice", sender, **kw)
        p = subprocess.run(["/bin/sh", "-c", text], input=message, capture_output=True, cwd=self.alice,
                           env=dict(self.env, PATH=BIN + ":" + os.environ.get("PATH", "/usr/bin:/bin"), **env),
                           timeout=120)
        return p.returncode, (p.stdout + p.stderr).decode()

    def test_bouncesaying_bounces_always_or_when_the_program_says_so(self):
        """BS-01: `|bouncesaying 'gone'` bounces with its text; `|bouncesaying 'no spam' grep -q SPAM` bounces only
        what grep finds; the program's 111 is passed on; a program that cannot run lets the file go on."""
        code, out = self.line("bouncesaying 'This address is gone. Write to bob@localhost.'", HAM)
        self.assertEqual(code, 100)
        self.assertIn("This address is gone. Write to bob@localhost.", out)
        self.assertEqual(self.line("bouncesaying 'no spam here' grep -q SPAM", SPAM), (100, "no spam here\n"))
        self.assertEqual(self.line("bouncesaying 'no spam here' grep -q SPAM", HAM), (0, ""))
        self.assertEqual(self.line("bouncesaying 'x' sh -c 'exit 111'", HAM)[0], 111)
        self.assertEqual(self.line("bouncesaying 'x' /nonexistent/program", HAM)[0], 0)
        self.assertEqual(self.line("bouncesaying", HAM)[0], 100)

    def test_except_turns_success_into_a_bounce(self):
        """EXCEPT-01: `|except grep -q SPAM`: found is 100, not found 0, 111 stays 111."""
        self.assertEqual(self.line("except grep -q SPAM", SPAM)[0], 100)
        self.assertEqual(self.line("except grep -q SPAM", HAM)[0], 0)
        self.assertEqual(self.line("except sh -c 'exit 111'", HAM)[0], 111)

    def test_preline_puts_qmail_locals_lines_on_top_for_procmail_like_programs(self):
        """PRELINE-01: `|preline procmail`-like: the program reads UFLINE, RPLINE, DTLINE and the message; -f and -d
        drop the From_ and Delivered-To lines; the program's exit code is preline's; no variables is 100."""
        code, _ = self.line("preline sh -c 'cat > procmail.in'", HAM)
        self.assertEqual(code, 0)
        with open(os.path.join(self.alice, "procmail.in"), "rb") as f:
            self.assertEqual(f.read(), b"From joe@example.org Thu Jan 01 00:00:00 1970\n"
                             b"Return-Path: <joe@example.org>\nDelivered-To: alice@localhost\n" + HAM)
        self.line("preline -fd sh -c 'cat > procmail.in'", HAM)
        with open(os.path.join(self.alice, "procmail.in"), "rb") as f:
            self.assertEqual(f.read(), b"Return-Path: <joe@example.org>\n" + HAM)
        self.assertEqual(self.line("preline sh -c 'cat >/dev/null; exit 75'", HAM)[0], 75)
        p = self.sh("preline cat", input=HAM)
        self.assertEqual(p.returncode, 100, "no UFLINE, RPLINE, DTLINE: not run by qmail-local")

    def test_condredirect_and_forward_queue_through_qmail_queue(self):
        """CR-01, FWD-01, QQ-02, DQ-34: `|condredirect bob@localhost grep -q SPAM` redirects spam from $SENDER and
        stops the file (99); ham goes on (0). `|forward bob@localhost` forwards from $NEWSENDER. Both put $DTLINE on
        top, print their qp, and refuse to run without their variables."""
        self.server.start()
        code, out = self.line("condredirect bob@localhost grep -q SPAM", SPAM)
        self.assertEqual(code, 99, out)
        self.assertRegex(out, r"^condredirect: qp \S+\n$")
        self.assertEqual(self.line("condredirect bob@localhost grep -q SPAM", HAM), (0, ""))
        code, out = self.line("forward bob@localhost", HAM, newsender="alice-owner@localhost")
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"^forward: qp \S+\n$")
        messages = sorted(self.wait_messages(2, "bob@localhost"), key=lambda m: b"lunch" in m)
        spam, ham = messages
        self.assertIn(b"Return-Path: <joe@example.org>", spam)
        self.assertIn(b"Return-Path: <alice-owner@localhost>", ham)
        for m in messages:
            self.assertRegex(m, RECEIVED + rb"Delivered-To: alice@localhost\n")
        self.assertTrue(spam.endswith(SPAM) and ham.endswith(HAM))
        p = self.sh("condredirect bob@localhost true", input=HAM)
        self.assertEqual(p.returncode, 100, "no SENDER, DTLINE")
        p = self.sh("forward bob@localhost", input=HAM)
        self.assertEqual(p.returncode, 100, "no NEWSENDER, DTLINE")

    def test_qreceipt_answers_a_notice_request_naming_the_delivery_address(self):
        """QBIFF/QRECEIPT: `|qreceipt alice@localhost` sends a success notice from <> to the sender when the header
        asks for one naming alice@localhost, and nothing otherwise."""
        self.server.start()
        asked = (b"Message-ID: <42@example.org>\n"
                 b"Notice-Requested-Upon-Delivery-To: Alice <alice@localhost>,\n carol@localhost\n"
                 b"Subject: did it arrive?\n\nbody\n")
        self.assertEqual(self.line("qreceipt alice@localhost", HAM, sender="bob@localhost"), (0, ""))
        self.assertEqual(self.line("qreceipt alice@localhost", asked, sender="")[0], 0)
        code, out = self.line("qreceipt alice@localhost", asked, sender="bob@localhost")
        self.assertEqual(code, 0, out)
        [notice] = self.wait_messages(1, "bob@localhost")
        self.assertIn(b"Return-Path: <>", notice)
        self.assertIn(b"Subject: success notice", notice)
        self.assertIn(b"alice@localhost", notice)
        self.assertIn(b"Message-ID: <42@example.org>", notice)

    def test_datemail_dates_the_message_in_local_time(self):
        """DATEMAIL-01: `datemail -t` is sendmail with a Date: line in local time and a numeric zone on top."""
        self.server.start()
        p = self.sh("datemail -t", input=b"To: bob@localhost\nSubject: dated\n\nbody\n", env={"TZ": "Asia/Kolkata"})
        self.assertEqual(p.returncode, 0, p.stderr)
        [stored] = self.wait_messages(1, "bob@localhost")
        self.assertRegex(stored, rb"\nDate: \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0530\n")
        self.assertEqual(stored.count(b"\nDate: "), 1)


class DotQmailThroughTheServer(CompatCase):

    def write(self, path, text):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)

    def test_the_reference_qmail_lines_through_the_server(self):
        """BS-01, CR-01, FWD-01, PRELINE-01, DQ-30, DQ-31, DQ-32: the reference's .qmail lines in real deliveries.
        Program deliveries do not have bin/ on their PATH yet, so the lines name the programs by their full path:
        `|condredirect alice-spam@localhost grep -q SPAM` then ./Maildir/, `|bouncesaying '...'`,
        `|preline <procmail-like>`, `|forward bob@localhost`."""
        alice = self.add_user("alice@localhost")
        bob = self.add_user("bob@localhost")
        quail("maildirmake", os.path.join(alice, "spam"))
        self.write(os.path.join(alice, ".qmail"),
                   "|%s/condredirect alice-spam@localhost grep -q SPAM\n./Maildir/\n" % BIN)
        self.write(os.path.join(alice, ".qmail-spam"), "./spam/\n")
        self.write(os.path.join(alice, ".qmail-old"), "|%s/bouncesaying 'alice-old is gone: write to alice'\n" % BIN)
        self.write(os.path.join(alice, ".qmail-proc"), "|%s/preline /bin/sh -c 'cat > procmail.in'\n" % BIN)
        self.write(os.path.join(alice, ".qmail-fwd"), "|%s/forward bob@localhost\n" % BIN)
        shown = quail("local", "-n", "--home", self.home, "alice@localhost").stdout.decode()
        self.assertTrue(shown.endswith("file .qmail\nprogram %s/condredirect alice-spam@localhost grep -q SPAM\n"
                                       "maildir ./Maildir/\n" % BIN), shown)
        self.server.start()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            for rcpt, body in (("alice", SPAM), ("alice", HAM), ("alice-old", HAM), ("alice-proc", HAM),
                               ("alice-fwd", HAM)):
                s.sendmail("bob@localhost", [rcpt + "@localhost"], body.replace(b"\n", b"\r\n"))
        [ham] = self.wait_messages(1, "alice@localhost")
        self.assertTrue(ham.endswith(HAM))
        [spam] = self.wait_maildir(os.path.join(alice, "spam"), 1)
        self.assertRegex(spam, rb"Delivered-To: alice-spam@localhost\n" + RECEIVED + rb"Delivered-To: alice@localhost\n")
        self.assertIn(b"Return-Path: <bob@localhost>", spam)
        bounce, forwarded = sorted(self.wait_messages(2, "bob@localhost"), key=lambda m: b"failure notice" not in m)
        self.assertIn(b"alice-old is gone: write to alice", bounce)
        self.assertIn(b"Delivered-To: alice-fwd@localhost\n", forwarded)
        self.assertTrue(forwarded.endswith(HAM))
        procmail = os.path.join(alice, "procmail.in")
        def delivered():  # the program's delivery is not among the mails waited for above
            if os.path.exists(procmail):
                with open(procmail, "rb") as f:
                    text = f.read()
                return text if text.endswith(HAM) else None
        self.assertRegex(wait_until(delivered, what=procmail),
                         rb"^From bob@localhost \w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}\n"
                         rb"Return-Path: <bob@localhost>\nDelivered-To: alice-proc@localhost\n")


class RecipientChecks(CompatCase):

    def rcpt_replies(self, *recipients):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.mail("alice@example.org")
            return [s.rcpt(r) for r in recipients]

    def test_unknown_local_recipients_are_refused_at_rcpt_and_a_guesser_is_sent_away(self):
        """SEC-06, SMTP-05: what no users/assign line, alias or .qmail(-default) takes hears 550 5.1.1 at RCPT; a
        virtual domain's too. unknownrcpts (here 3) such addresses a minute, then every local RCPT of that client
        hears 421 4.7.0 and the connection ends. checkrcpt 0 is qmail's behaviour: accepted, bounced later."""
        self.add_user("carol@localhost")
        self.add_user("dave@virtual.test")
        alias = os.path.join(self.home, "alias")
        os.makedirs(alias)
        with open(os.path.join(alias, ".qmail-abuse"), "w") as f:
            f.write("&postmaster@localhost\n")
        with open(os.path.join(self.home, "control", "unknownrcpts"), "w") as f:
            f.write("3\n")
        self.server.start()
        no_mailbox = (550, b"5.1.1 sorry, no mailbox here by that name (#5.1.1)")
        self.assertEqual(self.rcpt_replies("carol@localhost", "Abuse@localhost", "dave@virtual.test",
                                           "nobody@localhost", "carol-ext@localhost", "eve@virtual.test"),
                         [(250, b"2.1.5 ok")] * 3 + [no_mailbox] * 3)
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.mail("alice@example.org")
            self.assertEqual(s.rcpt("carol@localhost"),
                             (421, b"4.7.0 too many unknown recipients, closing connection (#4.7.0)"))
            self.assertRaises(smtplib.SMTPServerDisconnected, s.noop)
        with open(os.path.join(self.home, "control", "checkrcpt"), "w") as f:
            f.write("0\n")
        quail("reload", "--home", self.home)
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("postmaster@localhost", ["nobody@localhost"], b"Subject: old way\r\n\r\nx\r\n")
        bounce = wait_until(lambda: [m for m in self.messages() if b"failure notice" in m], 60, what="the bounce")[0]
        self.assertIn(b"<nobody@localhost>:\nSorry, no mailbox here by that name. (#5.1.1)", bounce)


class ReceivedLines(CompatCase):

    def test_every_way_into_the_queue_adds_qmail_queues_line_in_quails_words(self):
        """SMTP-41, QQ-02: SMTP mail starts with `Received: (quail ID invoked from network); DATE` on top of the SMTP
        Received line, ID its queue id in the log; quail inject's and sendmail's with `invoked by uid U`; a bounce's
        with `invoked for bounce`. Each message has exactly one such line."""
        self.server.start()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["postmaster@localhost"], b"Subject: network\r\n\r\nx\r\n")
        [network] = self.wait_messages(1)
        date = rb"; \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0000\n"
        match = re.search(rb"\nReceived: \(quail (\w+) invoked from network\)" + date + rb"Received: from ", network)
        self.assertTrue(match, network[:300])
        self.assertIn("new msg %s" % match.group(1).decode(), self.server.log())
        quail("inject", "--home", self.home, "-f", "postmaster@localhost", "postmaster@localhost", "nobody@localhost",
              input=b"Subject: local\n\ny\n")
        self.sh("sendmail postmaster@localhost", input=b"Subject: sendmail\n\nz\n")
        mails = self.wait_messages(4)
        for subject in (b"local", b"sendmail"):
            [m] = [m for m in mails if b"Subject: %s\n" % subject in m and b"failure notice" not in m]
            self.assertRegex(m, rb"\nReceived: \(quail \d+ invoked by uid %d\)" % os.getuid() + date)
        [bounce] = [m for m in mails if b"failure notice" in m]
        self.assertRegex(bounce, rb"\nReceived: \(quail \w+ invoked for bounce\)" + date)
        for m in mails:
            self.assertEqual(m.count(b"Received: (quail "), 1 if m is not bounce else 2, m[:400])


class QmailQueueHook(CompatCase):
    """A scanner in qmail-queue's place, written as qmail-scanner and simscan are: it reads the message on fd 0 and
    the envelope on fd 1, refuses a virus for good, and queues what it lets through (here with a header of its own)
    by running bin/qmail-queue itself."""

    def scanner(self):
        path = self.file("scanner", (
            "#!/bin/sh\n"
            "dir=$(mktemp -d) && cat > $dir/msg && cat <&1 > $dir/env || exit 54\n"
            "grep -q VIRUS $dir/msg && exit 31\n"
            "{ echo 'X-Scanned: clean'; cat $dir/msg; } | %s/qmail-queue 1<$dir/env\n" % BIN).encode())
        os.chmod(path, 0o755)
        return path

    def test_control_qmailqueue_and_QMAILQUEUE_put_a_scanner_in_qmail_queues_place(self):
        """ARCH-01, QQ-01, QQ-04: control/qmailqueue for SMTP: a clean message is queued by the scanner (its header
        on top, one quail line), a virus hears 554 5.3.0 (a scanner that hangs: SmtpEdgeTest). $QMAILQUEUE for quail
        inject: the same scanner decides; a virus is exit 100."""
        scanner = self.scanner()
        self.file("control/qmailqueue", scanner.encode() + b"\n")
        self.server.start()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["postmaster@localhost"], b"Subject: clean\r\n\r\nhello\r\n")
            s.mail("alice@example.org")
            s.rcpt("postmaster@localhost")
            self.assertEqual(s.data(b"Subject: bad\r\n\r\nVIRUS\r\n"),
                             (554, b"5.3.0 mail server permanently rejected message (#5.3.0)"))
        [clean] = self.wait_messages(1)
        self.assertRegex(clean, rb"^Return-Path: <alice@example.org>\nDelivered-To: postmaster@localhost\n"
                                rb"Received: \(quail \d+ invoked by uid \d+\); [^\n]*\nX-Scanned: clean\n"
                                rb"Received: from ")
        self.assertEqual(clean.count(b"Received: (quail "), 1)
        env = dict(self.env, QMAILQUEUE=scanner)
        p = quail("inject", "--home", self.home, "postmaster@localhost", input=b"Subject: local\n\nVIRUS\n",
                  env=env, check=False)
        self.assertEqual((p.returncode, p.stderr), (100, b"quail-inject: fatal: 5.3.0 mail server permanently "
                                                         b"rejected message (#5.3.0)\n"))
        quail("inject", "--home", self.home, "postmaster@localhost", input=b"Subject: local\n\nfine\n", env=env)
        local = [m for m in self.wait_messages(2) if b"Subject: local" in m]
        self.assertIn(b"X-Scanned: clean\n", local[0])
        self.assertEqual(len(self.messages()), 2, "neither virus was queued")


class InjectN(CompatCase):

    def test_inject_n_prints_the_completed_message_and_queues_nothing(self):
        """INJ-02: `qmail-inject -n` prints the message, header completed (Date, Message-ID, From; Bcc gone), instead
        of queueing it."""
        p = quail("inject", "--home", self.home, "-n", "-f", "robot@example.org",
                  input=b"To: postmaster@localhost\nBcc: secret@localhost\nSubject: dry run\n\nbody\n")
        self.assertRegex(p.stdout, rb"\nDate: [^\n]+\n")
        for line in (b"\nMessage-ID: <", b"\nFrom: ", b"Subject: dry run\n", b"\n\nbody\n"):
            self.assertIn(line, p.stdout)
        self.assertNotIn(b"Bcc", p.stdout)
        self.assertNotIn(b"Received:", p.stdout)
        new = os.path.join(self.home, "queue", "maildrop", "new")
        self.assertEqual(os.listdir(new) if os.path.isdir(new) else [], [])


class Analog(CompatCase):

    def analog(self, *args):
        return quail("analog", "--home", self.home, *args).stdout.decode()

    def test_qmailanalog_reports_from_the_servers_own_log(self):
        """SEND-05 (qmailanalog, matchup + zoverall/zddist/zrecipients/zsenders/zfailures/zdeferrals): one message
        delivered, one failed (its bounce delivered), one deferred and still queued, read back from log/quail.log."""
        carol = self.add_user("carol@localhost")
        shutil.rmtree(os.path.join(carol, "Maildir"))
        self.server.start()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            for rcpt in ("postmaster@localhost", "carol@localhost"):
                s.sendmail("postmaster@localhost", [rcpt], b"Subject: analog\r\n\r\nbody\r\n")
        # SMTP refuses nobody@ at RCPT (SEC-06): injected, it fails at delivery.
        quail("inject", "--home", self.home, "-f", "postmaster@localhost", "nobody@localhost",
              input=b"Subject: analog\n\nbody\n")
        self.wait_messages(2)
        self.wait_log("deferral: Unable to chdir to maildir")
        report = wait_until(lambda: (lambda r: r if r["zoverall"]["completedMessages"] == 3 else None)(
            json.loads(self.analog("--json"))), what="three completed messages in the log")
        overall = report["zoverall"]
        self.assertEqual((overall["successes"], overall["failures"]), (2, 1))
        self.assertGreaterEqual(overall["deferrals"], 1)
        self.assertEqual(overall["recipients"], 3)
        self.assertEqual([r["reason"] for r in report["zfailures"]], ["Sorry, no mailbox here by that name. (#5.1.1)"])
        self.assertTrue(report["zdeferrals"][0]["reason"].startswith("Unable to chdir to maildir"))
        senders = {s["sender"]: s for s in report["zsenders"]}
        self.assertEqual((senders["postmaster@localhost"]["mess"], senders["<>"]["mess"]), (2, 1))
        recipients = {r["recipient"]: r for r in report["zrecipients"]}
        self.assertEqual(recipients["postmaster@localhost"]["mess"], 2)
        self.assertEqual(recipients["carol@localhost"]["mess"], 0)
        self.assertEqual(report["zddist"][-1]["pct"], 100)
        text = self.analog()
        for title in ("Basic statistics", "Distribution of ddelays for successful deliveries", "Recipients", "Senders", "Reasons for failure",
                      "Reasons for deferral"):
            self.assertIn("\n" + title + "\n", "\n" + text)
        self.assertIn("\nCompleted messages: 3\n", text)
        self.assertRegex(text, r"\n\s*1\s+[\d.]+\s+Sorry, no mailbox here by that name. \(#5.1.1\)\n")
        self.assertIn("Completed messages: 0\n", self.analog("--since", "2999-01-01", "--report", "zoverall"))
        with open(os.path.join(self.home, "log", "quail.log"), "rb") as log:
            p = subprocess.run([os.path.join(ROOT, "quail"), "analog", "--report", "zfailures", "-"], stdin=log,
                               capture_output=True, timeout=60)
        self.assertIn(b"(#5.1.1)", p.stdout)


class LocalDashN(CompatCase):

    def test_quail_local_n_shows_the_dot_qmail_and_each_instruction_without_delivering(self):
        """LOCAL-01, X-03, DQ-11, DQ-21, DQ-22, DQ-23: `quail local -n ADDRESS` names the .qmail file and prints
        each line in qmail-local's words; an unknown extension is 100; qmail-local's own argument form works on
        any directory; nothing is delivered."""
        alice = self.add_user("alice@localhost")
        with open(os.path.join(alice, ".qmail-list-default"), "w") as f:
            f.write("# the list\n./Maildir/\n&bob@localhost\n|preline procmail\n")
        p = quail("local", "-n", "--home", self.home, "alice-list-Carol@localhost")
        self.assertEqual(p.stdout.decode(), "recipient alice-list-Carol@localhost\nuser alice@localhost\n"
                         "home %s\nfile .qmail-list-default\nDEFAULT Carol\nmaildir ./Maildir/\n"
                         "forward bob@localhost\nprogram preline procmail\n" % alice)
        p = quail("local", "-n", "--home", self.home, "alice-nothing@localhost", check=False)
        self.assertEqual(p.returncode, 100)
        self.assertIn(b"Sorry, no mailbox here by that name. (#5.1.1)", p.stderr)
        self.assertIn(b"remote joe@example.org\n", quail("local", "-n", "--home", self.home, "joe@example.org").stdout)
        p = quail("local", "-n", "alice", alice, "alice", "", "", "", "", "./Mailbox")
        self.assertTrue(p.stdout.decode().endswith("defaultdelivery\nmbox ./Mailbox\n"), p.stdout)
        self.assertEqual(quail("local", "--home", self.home, "alice@localhost", check=False).returncode, 100)
        self.assertEqual(os.listdir(os.path.join(alice, "Maildir", "new")), [])


# Postfix's mailq as Postfix 3 prints it (ids of 10 hex digits here; an active entry, a held one with the reason of
# its last deferral), the layout scripts parse. Quail's mailq must follow the same line grammar.
POSTFIX_MAILQ = """\
-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
4C2D1A3B9F*    2210 Tue Mar  5 04:06:07  joe@example.org
                                         ann@example.net

8E71F0C2A4!     912 Tue Mar  5 03:59:12  MAILER-DAEMON
(connect to mx.example.net[192.0.2.7]:25: Connection timed out)
                                         bob@example.net
                                         cy@example.net

-- 3 Kbytes in 2 Requests.
"""
MAILQ_LINES = [("H", r"-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------"),
               ("E", r"\S+?[*! ] *\d+ [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d  \S+"),
               ("R", r"\(.+\)"), ("C", r" {41}\S+"), ("B", r""), ("T", r"-- \d+ Kbytes in \d+ Requests?\.")]


def mailq_shape(text):
    """The text as one letter per line (header, entry, reason, recipient, blank, total)."""
    letters = ""
    for line in text.split("\n")[:-1]:
        letters += next((k for k, pattern in MAILQ_LINES if re.fullmatch(pattern, line)), "?")
    return letters


class Mailq(CompatCase):

    def test_mailq_and_sendmail_bp_print_the_queue_as_postfix_does(self):
        """SM-01 (-bp, mailq), QREAD-01: a deferred message with its reason and a held one, in Postfix's mailq
        layout (the same line grammar as a Postfix sample), the same from `sendmail -bp`; an empty queue; 111
        when no server answers."""
        shape = re.compile(r"H(E(R?C+)+B)+T")
        self.assertRegex(mailq_shape(POSTFIX_MAILQ), shape)
        carol = self.add_user("carol@localhost")
        shutil.rmtree(os.path.join(carol, "Maildir"))
        self.server.start()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("joe@example.org", ["carol@localhost"], b"Subject: one\r\n\r\nbody\r\n")
            s.sendmail("", ["carol@localhost", "postmaster@localhost"], b"Subject: two\r\n\r\nbody\r\n")
        self.wait_messages(1)
        wait_until(lambda: self.server.log().count("deferral: Unable to chdir to maildir") == 2,
                   what="both messages deferred")
        queued = json.loads(quail("qread", "--json", "--home", self.home).stdout)["messages"]
        held = next(m["id"] for m in queued if m["sender"] == "")
        quail("queue", "--home", self.home, "hold", held)
        p = self.sh("mailq")
        self.assertEqual(p.returncode, 0, p.stderr)
        text = p.stdout.decode()
        self.assertRegex(mailq_shape(text), shape, text)
        self.assertRegex(text, r"\n%s!\s+\d+ .{19}  MAILER-DAEMON\n\(Unable to chdir to maildir. \(#4.2.1\)\)\n"
                               r" {41}carol@localhost\n\n" % re.escape(held))
        self.assertRegex(text, r"\n\S+ \s*\d+ .{19}  joe@example.org\n\(Unable to chdir to maildir. \(#4.2.1\)\)\n"
                               r" {41}carol@localhost\n\n")
        self.assertNotIn("postmaster@localhost", text, "delivered recipients are not listed")
        self.assertTrue(text.endswith(" Kbytes in 2 Requests.\n"))
        self.assertEqual(self.sh("sendmail -bp").stdout.decode(), text)
        for m in queued:
            quail("queue", "--home", self.home, "delete", m["id"])
        self.assertEqual(self.sh("mailq").stdout, b"Mail queue is empty\n")
        self.server.stop()
        self.assertEqual(self.sh("mailq").returncode, 111)


class QmqpSatellite(CompatCase):

    def test_qmail_qmqpc_hands_each_message_to_the_first_qmqp_server_that_answers(self):
        """QMQP-00, QMQP-01, QQ-01, QQ-04: a mini-qmail satellite with control/qmqpservers (a dead server first,
        then Quail's QMQP listener) queues nothing itself; the hub delivers the message with the satellite's
        qmail-queue Received line under its own QMQP one. No servers is 55, only dead servers 73, a refusal 31."""
        qmqp = free_port()
        with open(os.path.join(self.home, "control", "qmqpclients"), "w") as f:
            f.write("127.0.0.1\n")
        self.server.extra = ["--qmqp", "127.0.0.1:%d" % qmqp]
        self.server.start()
        satellite = os.path.join(self.home, "satellite")
        os.makedirs(os.path.join(satellite, "control"))
        env = {"QUAIL_HOME": satellite}
        msg = self.file("msg", b"Subject: from the satellite\n\nhello hub\n")
        envelope_file = self.file("envelope", envelope("joe@satellite.example", "postmaster@localhost"))
        self.assertEqual(self.sh("qmail-qmqpc <%s 1<%s" % (msg, envelope_file), env=env).returncode, 55)
        dead = free_port()
        with open(os.path.join(satellite, "control", "qmqpservers"), "w") as f:
            f.write("127.0.0.1:%d\n" % dead)
        self.assertEqual(self.sh("qmail-qmqpc <%s 1<%s" % (msg, envelope_file), env=env).returncode, 73)
        with open(os.path.join(satellite, "control", "qmqpservers"), "w") as f:
            f.write("# the hubs, in order\n127.0.0.1:%d\n127.0.0.1:%d\n" % (dead, qmqp))
        p = self.sh("qmail-qmqpc <%s 1<%s" % (msg, envelope_file), env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        [stored] = self.wait_messages(1)
        self.assertRegex(stored, rb"Received: from \S+ .*\n?.* with QMQP; [^\n]*\n" + RECEIVED
                         + rb"Subject: from the satellite\n\nhello hub\n$")
        self.assertIn(b"Return-Path: <joe@satellite.example>", stored)
        self.assertEqual(os.listdir(satellite), ["control"], "the satellite keeps no queue")
        refused = self.file("refused", envelope("joe@satellite.example", "a" * 990 + "@localhost"))
        p = self.sh("qmail-qmqpc <%s 1<%s" % (msg, refused), env=env)
        self.assertEqual(p.returncode, 31, p.stderr)
        self.assertIn(b"sorry, I can't accept addresses like that", p.stderr)


class Clients(CompatCase):
    """SMTP-21: control/clients gives each client what tcprules gave qmail-smtpd (RELAYCLIENT with its suffix,
    DATABYTES, a greeting, or deny), per connection, reloaded like every control file."""

    def test_smtp21_clients_rules_give_the_relayclient_suffix_databytes_a_greeting_or_deny(self):
        # The suffix trick: RELAYCLIENT="@fixme" sends a relay client's mail through a fix-up virtual user.
        self.file("control/virtualdomains", b"fixme:fixup\n")
        os.makedirs(os.path.join(self.home, "alias"))
        quail("maildirmake", os.path.join(self.home, "alias", "Maildir-fixup"))
        self.file("alias/.qmail-fixup-default", b"./Maildir-fixup/\n")
        self.file("control/clients", b'127.0.0.0/8:deny\n'
                  b'127.0.0.1:allow,RELAYCLIENT="@fixme",DATABYTES="2000",SMTPGREETING="dial-up door"\n'
                  b'127.0.0.0/33:allow\n')
        self.server.start()
        self.wait_log("control/clients: ignored invalid line")
        with smtplib.SMTP() as s:
            self.assertEqual((220, b"dial-up door ESMTP"), s.connect("127.0.0.1", self.server.port))
            s.ehlo("client.test")
            self.assertEqual("2000", s.esmtp_features["size"])
            s.sendmail("someone@elsewhere.test", ["u@far.example"], "Subject: fix me\n\nhello\n")
            with self.assertRaises(smtplib.SMTPSenderRefused) as big:  # SIZE says so at MAIL
                s.sendmail("someone@elsewhere.test", ["u@far.example"], "Subject: big\n\n" + "x" * 2100 + "\n")
            self.assertEqual(552, big.exception.smtp_code)
        fixed = self.wait_maildir(os.path.join(self.home, "alias", "Maildir-fixup"), 1)[0]
        self.assertIn(b"Delivered-To: fixup-u@far.example@fixme\n", fixed)
        self.assertIn(b"Subject: fix me", fixed)

        self.file("control/clients", b"127.0.0.1:deny\n")
        quail("reload", "--home", self.home)
        with self.assertRaises(smtplib.SMTPConnectError) as denied:
            smtplib.SMTP("127.0.0.1", self.server.port)
        self.assertEqual(554, denied.exception.smtp_code)
        self.assertIn(b"not allowed", denied.exception.smtp_error)


class SerialMail(CompatCase):
    """serialmail: mail for a control/serialhosts domain waits in serialmail/DOMAIN/ until its host asks for it with
    ETRN (RFC 1985) or a script runs quail serialsmtp; each message leaves only once the host took it, a refused one
    is bounced as maildirsmtp did, a deferred one stays."""

    def test_mail_for_a_serialhost_waits_for_etrn_or_serialsmtp_and_leaves_only_when_taken(self):
        from peers import ScriptedSink
        port = free_port()
        dialup = ScriptedSink([("127.0.0.1", port)], rcpt=lambda a: "550 no such user" if a.startswith("refused@")
                              else "451 try later" if a.startswith("later@") else None)
        self.addCleanup(dialup.close)
        self.file("control/serialhosts", b"dialup.example\n")
        with open(os.path.join(self.home, "control", "rcpthosts"), "a") as f:
            f.write("dialup.example\n")  # as qmail's admins listed the domain they took mail for
        self.file("control/smtproutes", b"dialup.example:127.0.0.1:%d\n" % port)
        self.server.start()
        kept = os.path.join(self.home, "serialmail", "dialup.example")
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            for who in ("a", "refused", "later"):
                s.sendmail("postmaster@localhost", [who + "@dialup.example"], f"Subject: for {who}\n\nhi\n")
        self.wait_maildir(kept, 3)
        self.assertEqual([], dialup.snapshot()[1], "nothing is sent before the host asks")

        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.ehlo("dialup.example")
            self.assertIn("etrn", s.esmtp_features)
            code, text = s.docmd("ETRN", "dialup.example")
            self.assertEqual(459, code, "who may not relay may not ETRN")
            self.file("control/relayclients", b"127.0.0.1\n")
            quail("reload", "--home", self.home)
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.ehlo("dialup.example")
            self.assertEqual((501, ), s.docmd("ETRN", "dialup.example/../x")[:1])
            self.assertEqual(459, s.docmd("ETRN", "other.example")[0])
            code, text = s.docmd("ETRN", "dialup.example")
            self.assertEqual((253, b"2.0.0 OK, 3 pending messages for node dialup.example started"), (code, text))
        self.wait_log("serialmail dialup.example to 127.0.0.1:%d: 1 sent, 1 bounced, 1 kept" % port)
        self.assertEqual([("postmaster@localhost", ["a@dialup.example"])],
                         [(m["sender"], m["recipients"]) for m in dialup.snapshot()[1]])
        bounce = self.wait_messages(1)[0]
        self.assertIn(b"<refused@dialup.example>:\n", bounce)
        self.assertIn(b"550 no such user", bounce)
        self.assertEqual(1, len(os.listdir(os.path.join(kept, "new"))), "the deferred message stays")

        # The host comes back on another link, over QMTP, from a script: quail serialsmtp.
        first_message = far_qmtp_server(self, "later@dialup.example")
        with open(os.path.join(self.home, "control", "qmtproutes")) as f:
            qmtp = f.read().strip().split(":", 1)[1]
        p = quail("serialsmtp", "--home", self.home, "dialup.example", qmtp, "--qmtp")
        self.assertTrue(p.stdout.endswith(b"1 sent, 0 bounced, 0 kept\n"), p.stdout)
        message = first_message()
        self.assertEqual(1, message.count(b"Delivered-To: later@dialup.example\n"), "the envelope lines stay here")
        self.assertIn(b"Subject: for later", message)
        self.assertEqual([], os.listdir(os.path.join(kept, "new")))
        self.assertEqual(100, quail("serialsmtp", "--home", self.home, "nothere.example", qmtp, check=False).returncode)
