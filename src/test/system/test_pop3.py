"""POP3 (qmail-popup + qmail-pop3d, QMAIL-REFERENCE §12) with real clients: Python's poplib, fetchmail, and
Dovecot reading the same Maildir over IMAP; POP3 over TLS (issue 6: STLS, RFC 2595, and --pop3s, RFC 8314) with
poplib and openssl s_client; and maildirwatch (MDWATCH-01)."""
import imaplib
import os
import poplib
import shutil
import smtplib
import socket
import ssl
import subprocess
import tempfile
import time

from quailtest import QuailTestCase, free_port, quail, wait_until

PASSWORD = "s3cret pass"


class Pop3TestCase(QuailTestCase):
    """A server with POP3 on (and POP3S when pop3s is set), and bob@localhost with a password."""

    start_server = False
    pop3s = False

    def setUp(self):
        super().setUp()
        quail("user", "add", "--home", self.home, "bob@localhost")
        quail("user", "passwd", "--home", self.home, "bob@localhost", input=(PASSWORD + "\n").encode())
        self.pop3_port = free_port()
        self.server.extra = ["--pop3", "127.0.0.1:%d" % self.pop3_port]
        if self.pop3s:
            self.pop3s_port = free_port()
            self.server.extra += ["--pop3s", "127.0.0.1:%d" % self.pop3s_port]
        self.server.start()
        wait_until(lambda: self.connectable(self.pop3_port), what="the POP3 listener")
        if self.pop3s:
            wait_until(lambda: self.connectable(self.pop3s_port), what="the POP3S listener")

    @staticmethod
    def connectable(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def send(self, subject, body="hello\r\n", to="bob@localhost"):
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", [to], ("Subject: %s\r\n\r\n%s" % (subject, body)).encode())

    def pop(self, user="bob@localhost", password=PASSWORD):
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=30)
        p.user(user)
        p.pass_(password)
        return p

    def files(self, sub, address="bob@localhost"):
        return sorted(os.listdir(os.path.join(self.maildir(address), sub)))

    def stored(self, name, address="bob@localhost"):
        for sub in ("new", "cur"):
            path = os.path.join(self.maildir(address), sub, name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    return f.read()
        raise AssertionError("no %s in %s" % (name, self.maildir(address)))


class Poplib(Pop3TestCase):

    def test_poplib_lists_retrieves_and_deletes_what_quail_delivered(self):
        self.send("first", "line one\r\n.starts with a dot\r\n")
        self.send("second")
        self.wait_messages(2, "bob@localhost")
        names = self.files("new")
        p = self.pop()
        count, octets = p.stat()
        self.assertEqual(count, 2)
        listed = {int(n): int(size) for n, size in (l.split() for l in p.list()[1])}
        uidls = {int(n): uid.decode() for n, uid in (l.split() for l in p.uidl()[1])}
        self.assertEqual(sorted(uidls.values()), names, "UIDL is the Maildir file name")
        self.assertEqual(octets, sum(listed.values()))
        for n in (1, 2):
            _, lines, size = p.retr(n)
            stored = self.stored(uidls[n])
            self.assertEqual(b"\r\n".join(lines) + b"\r\n", stored.replace(b"\n", b"\r\n"),
                             "RETR is the stored message with CRLF, dot-stuffing undone by poplib")
            self.assertEqual(listed[n], len(stored) + stored.count(b"\n"), "LIST's size is the CRLF size")
        p.dele(1)
        self.assertEqual(p.quit(), b"+OK ")
        self.assertEqual(self.files("new"), [])
        self.assertEqual(self.files("cur"), [uidls[2] + ":2,"], "the survivor moves to cur/ with :2,")
        self.wait_log("pop3 logout bob@localhost from 127.0.0.1: 1 deleted, 1 kept")

        p = self.pop()
        self.assertEqual(p.uidl()[1], [b"1 " + uidls[2].encode()], "UIDLs are stable across sessions")
        p.quit()

    def test_top_n_0_and_dele_then_rset(self):
        self.send("top", "body line 1\r\nbody line 2\r\n")
        self.wait_messages(1, "bob@localhost")
        p = self.pop()
        _, lines, _ = p.top(1, 0)
        self.assertEqual(lines[-1], b"", "TOP n 0 ends with the blank line after the header")
        self.assertIn(b"Subject: top", lines)
        self.assertNotIn(b"body line 1", lines)
        _, lines, _ = p.top(1, 1)
        self.assertEqual(lines[-1], b"body line 1")
        p.dele(1)
        self.assertEqual(p.stat()[0], 0)
        with self.assertRaises(poplib.error_proto) as e:
            p.retr(1)
        self.assertEqual(e.exception.args[0], b"-ERR already deleted")
        p.rset()
        self.assertEqual(p.stat()[0], 1)
        p.quit()
        self.assertEqual(len(self.files("cur")), 1, "nothing deleted after RSET")

    def test_a_message_delivered_during_a_session_waits_for_the_next_one(self):
        self.send("before")
        self.wait_messages(1, "bob@localhost")
        p = self.pop()
        self.assertEqual(p.stat()[0], 1)
        self.send("during")
        self.wait_messages(2, "bob@localhost")
        self.assertEqual(p.stat()[0], 1)
        self.assertEqual(len(p.list()[1]), 1)
        with self.assertRaises(poplib.error_proto):
            p.retr(2)
        p.quit()
        self.assertEqual(len(self.files("new")), 1, "the unseen message stays new")
        p = self.pop()
        self.assertEqual(p.stat()[0], 2)
        _, lines, _ = p.retr(2)
        self.assertIn(b"Subject: during", lines)
        p.quit()

    def test_a_mailbox_of_1000_messages(self):
        new = os.path.join(self.maildir("bob@localhost"), "new")
        for i in range(1000):
            path = os.path.join(new, "%d.M%dP1Q%d.test" % (1700000000 + i, i, i))
            with open(path, "wb") as f:
                f.write(b"Subject: number %d\n\n%s\n" % (i, b"x" * (i % 50)))
            os.utime(path, (1700000000 + i, 1700000000 + i))
        p = self.pop()
        count, octets = p.stat()
        self.assertEqual(count, 1000)
        listed = p.list()[1]
        self.assertEqual(len(listed), 1000)
        self.assertEqual(listed[999], b"1000 %d" % (len("Subject: number 999") + 2 + 2 + 49 + 2))
        self.assertEqual(len(p.uidl()[1]), 1000)
        for n in range(1, 1001):
            _, lines, _ = p.retr(n)
            self.assertEqual(lines[0], b"Subject: number %d" % (n - 1), "oldest first")
            p.dele(n)
        self.assertEqual(p.stat(), (0, 0))
        p.quit()
        self.assertEqual(self.files("new") + self.files("cur"), [])

    def test_wrong_password_and_unknown_user_look_identical(self):
        outcomes = []
        for user, password in (("bob@localhost", "wrong"), ("nobody@localhost", PASSWORD)):
            p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=30)
            self.assertEqual(p.user(user), b"+OK ")
            start = time.monotonic()
            with self.assertRaises(poplib.error_proto) as e:
                p.pass_(password)
            elapsed = time.monotonic() - start
            closed = p.sock.recv(1) == b""
            p.close()
            outcomes.append((e.exception.args[0], elapsed >= 2.0, closed))
        self.assertEqual(outcomes[0], (b"-ERR authorization failed", True, True))
        self.assertEqual(outcomes[0], outcomes[1])
        self.wait_log("pop3 login failed: bob@localhost from 127.0.0.1")
        self.wait_log("pop3 login failed: nobody@localhost from 127.0.0.1")

    def test_commands_before_login_and_capa(self):
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=30)
        self.assertTrue(p.getwelcome().startswith(b"+OK <"))
        with self.assertRaises(poplib.error_proto) as e:
            p.stat()
        self.assertEqual(e.exception.args[0], b"-ERR authorization first")
        capa = p.capa()
        for c in ("TOP", "USER", "UIDL", "PIPELINING"):
            self.assertIn(c, capa)
        p.quit()


def unverified():
    """A client context that accepts the server's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Pop3Tls(Pop3TestCase):
    """STLS on the POP3 port and implicit TLS on --pop3s, with the certificate of control/servercert.pem."""

    pop3s = True

    def test_poplib_stls_then_login_and_retrieve(self):
        self.send("over stls", "private\r\n")
        self.wait_messages(1, "bob@localhost")
        p = poplib.POP3("127.0.0.1", self.pop3_port, timeout=30)
        self.assertIn("STLS", p.capa())
        self.assertEqual(p.stls(context=unverified()), b"+OK begin TLS negotiation")
        self.assertNotIn("STLS", p.capa(), "STLS is offered only before TLS")
        with self.assertRaises(poplib.error_proto) as e:
            p._shortcmd("STLS")
        self.assertEqual(e.exception.args[0], b"-ERR TLS already active")
        p.user("bob@localhost")
        p.pass_(PASSWORD)
        _, lines, _ = p.retr(1)
        self.assertIn(b"Subject: over stls", lines)
        self.assertIn(b"private", lines)
        p.dele(1)
        p.quit()
        self.assertEqual(self.files("new") + self.files("cur"), [])
        self.wait_log("pop3 127.0.0.1 tls TLSv1.")

    def test_poplib_pop3_ssl_logs_in_and_retrieves(self):
        self.send("over pop3s", "private\r\n")
        self.wait_messages(1, "bob@localhost")
        p = poplib.POP3_SSL("127.0.0.1", self.pop3s_port, timeout=30, context=unverified())
        self.assertTrue(p.getwelcome().startswith(b"+OK <"))
        self.assertNotIn("STLS", p.capa())
        p.user("bob@localhost")
        p.pass_(PASSWORD)
        self.assertEqual(p.stat()[0], 1)
        _, lines, _ = p.retr(1)
        self.assertIn(b"Subject: over pop3s", lines)
        p.quit()
        self.assertEqual(len(self.files("cur")), 1, "read mail moves to cur/ at QUIT, as in clear")

    def test_openssl_s_client_starttls_pop3(self):
        p = subprocess.run(["openssl", "s_client", "-starttls", "pop3", "-connect", "127.0.0.1:%d" % self.pop3_port,
                            "-crlf", "-quiet"], input="CAPA\nUSER bob@localhost\nQUIT\n", capture_output=True,
                           text=True, timeout=30)
        self.assertIn("IMPLEMENTATION Quail", p.stdout, p.stdout + p.stderr)
        self.assertNotIn("STLS", p.stdout)
        self.assertTrue(p.stdout.endswith("+OK \n+OK \n"), p.stdout)

    def test_a_command_injected_with_stls_is_not_answered_inside_tls(self):
        with socket.create_connection(("127.0.0.1", self.pop3_port), timeout=10) as s:
            f = s.makefile("rb")
            self.assertTrue(f.readline().startswith(b"+OK <"))
            s.sendall(b"STLS\r\nNOOP\r\n")
            self.assertEqual(f.readline(), b"+OK begin TLS negotiation\r\n")
            with unverified().wrap_socket(s, server_hostname="localhost") as t:
                t.settimeout(1.5)
                with self.assertRaises(socket.timeout):
                    t.recv(100)
                t.settimeout(10)
                t.sendall(b"QUIT\r\n")
                self.assertEqual(t.recv(100), b"+OK \r\n")

    def test_clear_text_on_the_pop3s_port_gets_no_greeting(self):
        with socket.create_connection(("127.0.0.1", self.pop3s_port), timeout=10) as s:
            s.sendall(b"USER bob@localhost\r\n")
            self.assertEqual(s.recv(100), b"")


class Fetchmail(Pop3TestCase):

    def test_fetchmail_retrieves_deletes_and_reinjects_over_smtp(self):
        self.send("fetch me", "from bob's box\r\n")
        self.wait_messages(1, "bob@localhost")
        work = tempfile.mkdtemp(prefix="quail-fetchmail-")
        try:
            rc = os.path.join(work, "fetchmailrc")
            with open(rc, "w") as f:
                f.write('poll 127.0.0.1 service %d protocol POP3 uidl:\n'
                        '  user "bob@localhost" there with password "%s" is "postmaster" here\n'
                        '  options fetchall no sslcertck smtphost 127.0.0.1/%d smtpaddress localhost\n'
                        % (self.pop3_port, PASSWORD, self.server.port))
            os.chmod(rc, 0o600)
            env = dict(os.environ, FETCHMAILUSER="root", FETCHMAILHOME=work, HOME=work)
            p = subprocess.run(["fetchmail", "-f", rc, "-i", os.path.join(work, "ids"), "--nodetach",
                                "--nosslcertck"], capture_output=True, env=env, timeout=120)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self.assertEqual(self.files("new") + self.files("cur"), [], "fetchmail deleted it from the server")
        [copy] = self.wait_messages(1, "postmaster@localhost")
        self.assertIn(b"Subject: fetch me", copy)
        self.assertIn(b"from bob's box", copy)


DOVECOT_CONF = """
base_dir = {run}/base
state_dir = {run}/state
log_path = {run}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {run}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={home}/mailboxes/localhost/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot(Pop3TestCase):
    """Dovecot serves the Maildir Quail delivers to: the names, the flags and POP3's moves are standard."""

    def start_dovecot(self):
        run = tempfile.mkdtemp(prefix="quail-dovecot-")
        os.chmod(run, 0o755)  # Dovecot's auth process, not root, reads the passwd file
        self.addCleanup(shutil.rmtree, run, True)
        os.makedirs(os.path.join(run, "state"))
        os.makedirs(os.path.join(run, "base"))
        with open(os.path.join(run, "passwd"), "w") as f:
            f.write("bob:{PLAIN}%s\n" % PASSWORD)
        port = free_port()
        conf = os.path.join(run, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(DOVECOT_CONF.format(run=run, home=self.home, port=port))
        # Dovecot will not read mail as root: the mailbox goes to nobody, whom Quail (root) still serves.
        mailboxes = os.path.join(self.home, "mailboxes")
        for path in (self.home, mailboxes, os.path.join(mailboxes, "localhost")):
            os.chmod(path, 0o755)
        subprocess.run(["chown", "-R", "65534:65534", os.path.join(self.home, "mailboxes", "localhost", "bob")],
                       check=True)
        proc = subprocess.Popen(["dovecot", "-F", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

        def stop():
            proc.terminate()
            proc.wait(30)
        self.addCleanup(stop)
        wait_until(lambda: self.connectable(port) or proc.poll() is not None, what="dovecot")
        self.assertIsNone(proc.poll(), open(os.path.join(run, "dovecot.log")).read()
                          if os.path.exists(os.path.join(run, "dovecot.log")) else "dovecot exited")
        return port

    def test_dovecot_lists_and_reads_over_imap_what_quail_delivered_and_pop3_keeps_its_uidls(self):
        self.send("for imap one")
        self.send("for imap two")
        self.wait_messages(2, "bob@localhost")
        p = self.pop()
        uidls_before = p.uidl()[1]
        p.quit()
        self.assertEqual(len(self.files("cur")), 2, "POP3 moved both to cur/")
        self.send("still new")
        self.wait_messages(3, "bob@localhost")

        port = self.start_dovecot()
        imap = imaplib.IMAP4("127.0.0.1", port)
        imap.login("bob", PASSWORD)
        typ, data = imap.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"3"]))
        typ, data = imap.search(None, "ALL")
        self.assertEqual(data[0].split(), [b"1", b"2", b"3"])
        subjects = []
        for n in (b"1", b"2", b"3"):
            typ, msg = imap.fetch(n, "(RFC822)")
            self.assertEqual(typ, "OK")
            subjects += [l for l in msg[0][1].split(b"\r\n") if l.startswith(b"Subject:")]
        self.assertEqual(sorted(subjects), [b"Subject: for imap one", b"Subject: for imap two",
                                            b"Subject: still new"])
        imap.store(b"1", "+FLAGS", "\\Seen")
        imap.logout()
        self.assertTrue(any(n.endswith(":2,S") for n in self.files("cur")), self.files("cur"))

        p = self.pop()
        uids = {line.split()[1]: int(line.split()[0]) for line in p.uidl()[1]}
        self.assertEqual(len(uids), 3)
        self.assertLessEqual({line.split()[1] for line in uidls_before}, set(uids),
                             "flags changed by IMAP do not change POP3 UIDLs")
        retrieved = [l for n in uids.values() for l in p.retr(n)[1] if l.startswith(b"Subject:")]
        self.assertEqual(sorted(retrieved), sorted(subjects))
        p.quit()


class MaildirWatch(Pop3TestCase):

    def test_maildirwatch_summarises_new_mail(self):
        self.send("watch this", "first body line\r\n")
        self.wait_messages(1, "bob@localhost")
        out = quail("maildirwatch", "--once", env={"MAILDIR": self.maildir("bob@localhost")}).stdout.decode()
        self.assertTrue(out.startswith("\033[;H\033[;J"), repr(out))
        self.assertIn("FROM <alice@example.org> TO <bob@localhost>\n", out)
        self.assertIn("watch this//first body line/\n\n", out)
        p = quail("maildirwatch", "--once", env={"MAILDIR": ""}, check=False)
        self.assertEqual(p.returncode, 111)
        self.assertIn(b"maildirwatch: fatal: MAILDIR not set", p.stderr)
