"""Issue 4, qmail addressing and local delivery: .qmail files (Maildir, mbox, programs, forwards), extension
addresses, virtual domains, the alias mailbox, configuration changes without a restart, and the qmail tools
maildirmake, maildir2mbox, mailsubj and showctl. IDs cite QMAIL-REFERENCE.md."""
import json
import mailbox
import os
import re
import smtplib
import stat
import subprocess
import time

from quailtest import QuailTestCase, quail, wait_until


def read(path):
    """The file's text, or None while it does not exist."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def send(port, rcpts, sender="poster@example.org", subject="test", body="hello\n"):
    msg = "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n%s" % (sender, ", ".join(rcpts), subject,
                                                           body.replace("\n", "\r\n"))
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.sendmail(sender, rcpts, msg.encode())


class LocalCase(QuailTestCase):
    """A home set up before the server starts: me, locals and rcpthosts = localhost, then mailboxes and .qmail."""

    start_server = False

    def setUp(self):
        super().setUp()
        control = os.path.join(self.home, "control")
        os.makedirs(control)
        for name in ("me", "locals", "rcpthosts"):
            with open(os.path.join(control, name), "w") as f:
                f.write("localhost\n")

    def add_user(self, address):
        quail("user", "add", "--home", self.home, address)
        local, domain = address.rsplit("@", 1)
        return os.path.join(self.home, "mailboxes", domain, local)

    def write(self, path, text, mode=0o644):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)

    def start(self):
        self.server.start()

    def msg_id(self, sender):
        m = wait_until(lambda: re.search(r"info msg (\S+): bytes \d+ from <%s>" % re.escape(sender),
                                         self.server.log()), what="the message from " + sender)
        return m.group(1)

    def count(self, text):
        return self.server.log().count(text)


class DotQmail(LocalCase):

    def test_list_with_maildir_forward_and_program_delivers_each_copy_once(self):
        """DQ-11, DQ-30, DQ-32, DQ-34, EXT-01: one message to alice-list reaches alice's Maildir, bob (forwarded
        once, Delivered-To on top) and a program that sees qmail's environment and the message on stdin."""
        alice = self.add_user("alice@localhost")
        self.add_user("bob@localhost")
        self.write(os.path.join(alice, ".qmail-list"),
                   "# the list\n./Maildir/\n&bob@localhost\n"
                   "|/usr/bin/python3 -c 'import json,os; json.dump(dict(os.environ), open(\"prog.env\",\"w\"))'\n"
                   "|cat > prog.msg\n")
        self.start()
        send(self.server.port, ["alice-list@localhost"], sender="poster@example.org", subject="list post")
        [mine] = self.wait_messages(1, "alice@localhost")
        [forwarded] = self.wait_messages(1, "bob@localhost")
        self.assertTrue(mine.startswith(b"Return-Path: <poster@example.org>\nDelivered-To: alice-list@localhost\n"), mine)
        # DQ-34, QQ-02: the forward is queued under its own qmail-queue line, below bob's Delivered-To.
        self.assertRegex(forwarded, rb"^Return-Path: <poster@example.org>\nDelivered-To: bob@localhost\n"
                                    rb"Received: \(quail \w+ invoked by uid \d+\); [^\n]*\n"
                                    rb"Delivered-To: alice-list@localhost\n")
        wait_until(lambda: os.path.exists(os.path.join(alice, "prog.msg")), what="the program's output")
        with open(os.path.join(alice, "prog.msg"), "rb") as f:
            stdin = f.read()
        self.assertIn(b"Subject: list post\n", stdin)
        self.assertFalse(stdin.startswith(b"Return-Path:") or stdin.startswith(b"Delivered-To:"),
                         "DQ-32: the program reads the message as queued")
        with open(os.path.join(alice, "prog.env")) as f:
            env = json.load(f)
        expected = {"SENDER": "poster@example.org", "NEWSENDER": "poster@example.org",
                    "RECIPIENT": "alice-list@localhost", "USER": "alice@localhost", "HOME": alice,
                    "HOST": "localhost", "LOCAL": "alice-list", "EXT": "list", "EXT2": "", "HOST2": "localhost",
                    "DTLINE": "Delivered-To: alice-list@localhost\n",
                    "RPLINE": "Return-Path: <poster@example.org>\n"}
        for k, v in expected.items():
            self.assertEqual(env.get(k), v, k)
        self.assertRegex(env["UFLINE"], r"^From poster@example.org \w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}\n$")
        self.assertNotIn("DEFAULT", env)
        self.wait_log("did 1+1+2")
        time.sleep(1.5)
        self.assertEqual(len(self.messages("alice@localhost")), 1)
        self.assertEqual(len(self.messages("bob@localhost")), 1)
        self.assertEqual(self.count("to local bob@localhost"), 1, "one forward, delivered once")

    def test_program_exit_codes(self):
        """DQ-31: 0 ok, 99 ok and stop, 100 permanent (logged failure), 111 temporary (deferral, still queued)."""
        alice = self.add_user("alice@localhost")
        for d in ("ok", "stop"):
            for sub in ("", "tmp", "new", "cur"):
                os.mkdir(os.path.join(alice, d, sub))
        self.write(os.path.join(alice, ".qmail-ok"), "|exit 0\n./ok/\n")
        self.write(os.path.join(alice, ".qmail-stop"), "|exit 99\n./stop/\n")
        self.write(os.path.join(alice, ".qmail-bad"), "|echo permanent trouble; exit 100\n")
        self.write(os.path.join(alice, ".qmail-later"), "|echo try again later; exit 111\n")
        self.start()
        for box in ("ok", "stop", "bad", "later"):
            send(self.server.port, ["alice-%s@localhost" % box], sender="%s@example.org" % box)
        wait_until(lambda: len(os.listdir(os.path.join(alice, "ok", "new"))) == 1, what="exit 0 then the Maildir")
        self.wait_log("failure: permanent trouble/")
        self.wait_log("deferral: try again later/")
        self.wait_log("end msg " + self.msg_id("stop@example.org"))
        self.assertEqual(os.listdir(os.path.join(alice, "stop", "new")), [], "exit 99 skips the following lines")
        later = self.msg_id("later@example.org")
        self.wait_log("end msg " + self.msg_id("bad@example.org"))
        self.assertNotIn("end msg " + later, self.server.log(), "exit 111 leaves the message queued")

    def test_mbox_is_readable_by_python_mailbox(self):
        """MBOX-01..03, FMT-03: From_ line, >From quoting, one entry per message."""
        alice = self.add_user("alice@localhost")
        self.write(os.path.join(alice, ".qmail-box"), "./Mailbox\n")
        self.start()
        send(self.server.port, ["alice-box@localhost"], sender="one@example.org", subject="first",
             body="From the start\nline two\n")
        self.wait_log("end msg " + self.msg_id("one@example.org"))
        send(self.server.port, ["alice-box@localhost"], sender="two@example.org", subject="second")
        self.wait_log("end msg " + self.msg_id("two@example.org"))
        path = os.path.join(alice, "Mailbox")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        box = mailbox.mbox(path, create=False)
        messages = list(box)
        box.close()
        self.assertEqual([m["Subject"] for m in messages], ["first", "second"])
        self.assertTrue(messages[0].get_from().startswith("one@example.org "), messages[0].get_from())
        self.assertEqual(messages[0]["Delivered-To"], "alice-box@localhost")
        self.assertEqual(messages[0]["Return-Path"], "<one@example.org>")
        self.assertIn(">From the start\n", messages[0].get_payload())

    def test_a_forward_loop_stops_at_delivered_to(self):
        """DQ-02, X-05: the copy that comes back carries this address's Delivered-To line: permanent failure."""
        alice = self.add_user("alice@localhost")
        self.write(os.path.join(alice, ".qmail-loop"), "&alice-loop@localhost\n")
        self.start()
        send(self.server.port, ["alice-loop@localhost"], sender="looper@example.org")
        self.wait_log("failure: This message is looping: it already has my Delivered-To line. (#5.4.6)")
        time.sleep(1.5)
        self.assertEqual(self.count("to local alice-loop@localhost"), 2)

    def test_owner_file_makes_forwards_come_from_the_list_owner(self):
        """DQ-33, BNC-20: with .qmail-list-owner the forward's envelope sender is alice-list-owner@localhost."""
        alice = self.add_user("alice@localhost")
        self.add_user("bob@localhost")
        self.write(os.path.join(alice, ".qmail-list"), "&bob@localhost\n")
        self.write(os.path.join(alice, ".qmail-list-owner"), "./Maildir/\n")
        self.start()
        send(self.server.port, ["alice-list@localhost"], sender="poster@example.org")
        [forwarded] = self.wait_messages(1, "bob@localhost")
        self.assertTrue(forwarded.startswith(b"Return-Path: <alice-list-owner@localhost>\n"), forwarded[:100])

    def test_unsafe_permissions_defer(self):
        """DQ-01, DQ-03: a world-writable home or .qmail defers delivery."""
        alice = self.add_user("alice@localhost")
        carol = self.add_user("carol@localhost")
        self.write(os.path.join(carol, ".qmail"), "./Maildir/\n", mode=0o666)
        os.chmod(alice, 0o777)
        self.start()
        send(self.server.port, ["alice@localhost"], sender="a@example.org")
        send(self.server.port, ["carol@localhost"], sender="c@example.org")
        self.wait_log("deferral: Uh-oh: home directory is writable. (#4.7.0)")
        self.wait_log("deferral: Uh-oh: .qmail file is writable. (#4.7.0)")

    def test_alias_mailbox_and_default_delivery(self):
        """DQ-24, USR-05: unknown local parts go to HOME/alias/.qmail-<local> or .qmail-default."""
        alice = self.add_user("alice@localhost")
        alias = os.path.join(self.home, "alias")
        os.makedirs(alias)
        self.write(os.path.join(alias, ".qmail-root"), "&alice@localhost\n")
        self.write(os.path.join(alias, ".qmail-default"), "|echo \"$DEFAULT\" >> defaults.log\n")
        self.start()
        send(self.server.port, ["root@localhost", "Someone@localhost"], sender="a@example.org")
        [stored] = self.wait_messages(1, "alice@localhost")
        self.assertRegex(stored, rb"Delivered-To: alice@localhost\nReceived: \(quail \w+ invoked by uid \d+\); [^\n]*\n"
                                 rb"Delivered-To: root@localhost\n")
        wait_until(lambda: read(os.path.join(alias, "defaults.log")) == "Someone\n", what="$DEFAULT")


class VirtualDomains(LocalCase):

    def test_virtual_domain_with_prepend(self):
        """RW-04, EXT-02, DQ-22: virt.example:alice sends bob@virt.example to alice-bob, served by .qmail-default."""
        alice = self.add_user("alice@localhost")
        for sub in ("", "tmp", "new", "cur"):
            os.mkdir(os.path.join(alice, "virt", sub))
        self.write(os.path.join(alice, ".qmail-default"), "./virt/\n|echo \"$DEFAULT\" > default.out\n")
        with open(os.path.join(self.home, "control", "virtualdomains"), "a") as f:
            f.write("virt.example:alice\n")
        with open(os.path.join(self.home, "control", "rcpthosts"), "a") as f:
            f.write("virt.example\n")
        self.start()
        send(self.server.port, ["Bob@virt.example"], sender="v@example.org")
        wait_until(lambda: os.listdir(os.path.join(alice, "virt", "new")), what="the virtual domain delivery")
        [name] = os.listdir(os.path.join(alice, "virt", "new"))
        with open(os.path.join(alice, "virt", "new", name), "rb") as f:
            self.assertIn(b"Delivered-To: alice-Bob@virt.example\n", f.read())
        wait_until(lambda: read(os.path.join(alice, "default.out")) == "Bob\n", what="$DEFAULT")

    def test_user_add_in_a_virtual_domain(self):
        """A mailbox of a non-local domain: virtualdomains example.net:example.net, key example.net-carol."""
        self.add_user("carol@example.net")
        self.start()
        send(self.server.port, ["carol@example.net"], sender="x@example.org")
        [stored] = self.wait_messages(1, "carol@example.net")
        self.assertIn(b"Delivered-To: example.net-carol@example.net\n", stored)


class ConfigChanges(LocalCase):

    def test_a_config_change_applies_without_a_restart(self):
        """CTL-07 (Quail: every role): a mailbox and a virtual domain added while the server runs are used."""
        self.start()
        before = self.count("control files reread")
        dave = self.add_user("dave@localhost")
        wait_until(lambda: self.count("control files reread") > before, what="the reload")
        time.sleep(1.5)  # a second change within the same second is installed one check later
        send(self.server.port, ["dave@localhost"], sender="x@example.org")
        self.wait_messages(1, "dave@localhost")
        before = self.count("control files reread")
        with open(os.path.join(self.home, "control", "virtualdomains"), "a") as f:
            f.write("new.example:dave\n")
        with open(os.path.join(self.home, "control", "rcpthosts"), "a") as f:
            f.write("new.example\n")
        wait_until(lambda: self.count("control files reread") > before, what="the reload")
        time.sleep(1.5)
        self.write(os.path.join(dave, ".qmail-default"), "./Maildir/\n")
        send(self.server.port, ["eve@new.example"], sender="y@example.org")
        [_, second] = sorted(self.wait_messages(2, "dave@localhost"), key=lambda m: b"eve" in m)
        self.assertIn(b"Delivered-To: dave-eve@new.example\n", second)


class Tools(LocalCase):

    def test_maildirmake(self):
        """MDMAKE-01: dir, tmp, new, cur mode 0700; an existing dir is refused (111); no argument is usage (100)."""
        d = os.path.join(self.home, "md")
        quail("maildirmake", d)
        for sub in ("", "tmp", "new", "cur"):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(d, sub)).st_mode), 0o700, sub)
        again = quail("maildirmake", d, check=False)
        self.assertEqual(again.returncode, 111)
        self.assertIn(b"maildirmake: fatal: unable to mkdir", again.stderr)
        self.assertEqual(quail("maildirmake", check=False).returncode, 100)

    def test_maildir2mbox(self):
        """M2MBOX-01: messages move from the Maildir into the mbox, oldest first; Python reads the mbox."""
        md = os.path.join(self.home, "Maildir")
        quail("maildirmake", md)
        for i, when in ((1, 1700000000), (2, 1600000000)):
            path = os.path.join(md, "new", "msg%d" % i)
            with open(path, "wb") as f:
                f.write(b"Return-Path: <s%d@example.org>\nSubject: m%d\n\nFrom me\n" % (i, i))
            os.utime(path, (when, when))
        mbox = os.path.join(self.home, "mbox")
        env = {"MAILDIR": md, "MAIL": mbox, "MAILTMP": mbox + ".tmp"}
        quail("maildir2mbox", env=env)
        self.assertEqual(os.listdir(os.path.join(md, "new")), [])
        box = mailbox.mbox(mbox, create=False)
        messages = list(box)
        box.close()
        self.assertEqual([m["Subject"] for m in messages], ["m2", "m1"])
        self.assertTrue(messages[0].get_from().startswith("s2@example.org "))
        self.assertIn(">From me", messages[0].get_payload())
        missing = quail("maildir2mbox", env={"MAILDIR": md, "MAILTMP": "x"}, check=False)
        self.assertEqual(missing.returncode, 111)
        self.assertIn(b"MAIL not set", missing.stderr)

    def test_showctl(self):
        """SHOWCTL-01: every setting with its value and source."""
        with open(os.path.join(self.home, "control", "databytes"), "w") as f:
            f.write("12345\n")
        out = quail("showctl", "--home", self.home).stdout.decode()
        self.assertIn("\ndatabytes            file     12345\n", out)
        self.assertIn("\nme                   file     localhost\n", out)
        self.assertIn("\ndefaultdelivery      default  ./Maildir/\n", out)
        self.assertIn("\nqueuelifetime        default  604800\n", out)
        self.assertIn("\nconcurrencyperip     default  20\n", out)

    def test_mailsubj_and_inject_masquerading(self):
        """MAILSUBJ-01, INJ-03, HDR-02: mailsubj sends stdin with Subject and To; QMAILUSER/QMAILHOST set From."""
        self.add_user("alice@localhost")
        self.add_user("bob@localhost")
        self.start()
        quail("mailsubj", "--home", self.home, "Hello there", "alice@localhost", "bob@localhost",
              input=b"the body\n", env={"QMAILUSER": "joe", "QMAILHOST": "example.org", "QMAILNAME": "Joe"})
        for who in ("alice@localhost", "bob@localhost"):
            [stored] = self.wait_messages(1, who)
            self.assertIn(b"\nSubject: Hello there\n", stored)
            self.assertIn(b"\nTo: alice@localhost, bob@localhost\n", stored)
            self.assertIn(b"\nFrom: Joe <joe@example.org>\n", stored)
            self.assertTrue(stored.startswith(b"Return-Path: <joe@example.org>\n"), stored[:80])
            self.assertTrue(stored.endswith(b"\n\nthe body\n"), stored[-40:])
