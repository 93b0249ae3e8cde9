"""Issue 6, TLS and SMTP AUTH: STARTTLS (RFC 3207) on the SMTP port, implicit TLS (RFC 8314, --smtps), the
submission port (RFC 6409, --submission) with AUTH PLAIN and LOGIN (RFC 4954) only under TLS, relaying for
authenticated clients only, the certificate in control/servercert.pem replaced without a restart, and outbound
STARTTLS against aiosmtpd, with control/tlsdestinations deferring rather than sending in clear.

Clients: swaks (--tls, --tls-on-connect, --auth), openssl s_client -starttls smtp, Python's smtplib and ssl.
Peers: aiosmtpd (Debian's python3-aiosmtpd) on loopback, with and without TLS, storing into a Maildir."""
import mailbox
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from quailtest import Server, free_port, quail, wait_until

PYTHON = "/usr/bin/python3"
PASSWORD = "correct horse"
MESSAGE = b"From: alice@localhost\r\nSubject: over tls\r\n\r\nhello\r\n"


def unverified():
    """A client context that, like Quail's own client, does not check the certificate (self-signed here)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def self_signed(directory, name):
    """openssl's self-signed certificate for NAME: (certificate file, key file)."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=" + name], check=True, capture_output=True)
    return cert, key


def served_certificate(port):
    """The PEM certificate the implicit-TLS port shows now, normalised."""
    return ssl.DER_cert_to_PEM_cert(ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", port))))


def certificate_in(path):
    with open(path) as f:
        text = f.read()
    begin = text.index("-----BEGIN CERTIFICATE-----")
    end = text.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
    return ssl.DER_cert_to_PEM_cert(ssl.PEM_cert_to_DER_cert(text[begin:end]))


class Aiosmtpd:
    """python3 -m aiosmtpd storing into a Maildir; with TLS it offers STARTTLS and requires it (its default)."""

    def __init__(self, host, tls=None):
        self.dir = tempfile.mkdtemp(prefix="quail-aiosmtpd-")
        self.maildir = os.path.join(self.dir, "Maildir")
        self.host, self.port = host, free_port()
        args = [PYTHON, "-m", "aiosmtpd", "-n", "-l", "%s:%d" % (host, self.port)]
        if tls:
            args += ["--tlscert", tls[0], "--tlskey", tls[1]]
        args += ["-c", "aiosmtpd.handlers.Mailbox", self.maildir]
        self.err = open(os.path.join(self.dir, "err"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.err)
        wait_until(self._listening, 20, what="aiosmtpd on %s:%d" % (host, self.port))

    def _listening(self):
        if self.proc.poll() is not None:
            raise AssertionError("aiosmtpd exited %s" % self.proc.returncode)
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def messages(self):
        if not os.path.isdir(self.maildir):
            return []
        md = mailbox.Maildir(self.maildir, factory=None, create=False)
        return [md.get_bytes(k) for k in md.keys()]

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.err.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class TlsCase(unittest.TestCase):
    """One server for the class (TLS handshakes and bcrypt are slow enough), listening on all three ports; the
    relayed.test domain goes to an aiosmtpd sink without TLS (Quail tries STARTTLS, sees none, sends in clear)."""

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="quail-st-tls-")
        cls.sink = Aiosmtpd("127.0.6.4")
        os.makedirs(os.path.join(cls.home, "control"))
        with open(os.path.join(cls.home, "control", "smtproutes"), "w") as f:
            f.write("relayed.test:127.0.6.4:%d\n" % cls.sink.port)
        quail("user", "add", "--home", cls.home, "alice@localhost")
        quail("user", "passwd", "--home", cls.home, "alice@localhost", input=(PASSWORD + "\n").encode())
        cls.smtps, cls.submission = free_port(), free_port()
        cls.server = Server(cls.home, extra=["--smtps", "127.0.0.1:%d" % cls.smtps,
                                             "--submission", "127.0.0.1:%d" % cls.submission])
        cls.server.start()
        wait_until(lambda: "submission listening on" in cls.server.log()
                   and "smtps listening on" in cls.server.log(), 30, what="every listener")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.sink.close()
        shutil.rmtree(cls.home, ignore_errors=True)

    def swaks(self, port, *args, to="postmaster@localhost", subject="swaks"):
        return subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(port), "--to", to,
                               "--from", "alice@localhost", "--header", "Subject: " + subject] + list(args),
                              capture_output=True, text=True, timeout=60)

    def stored(self, subject):
        """The copy of the message with this subject in postmaster's Maildir."""
        md = os.path.join(self.home, "mailboxes", "localhost", "postmaster", "Maildir")

        def find():
            for sub in ("new", "cur"):
                for name in os.listdir(os.path.join(md, sub)):
                    with open(os.path.join(md, sub, name), "rb") as f:
                        data = f.read()
                    if ("\nSubject: " + subject + "\n").encode() in data:
                        return data
            return None
        return wait_until(find, 30, what="the message %r" % subject)

    def relayed(self, subject):
        def find():
            wanted = ("\nSubject: " + subject + "\n").encode()
            return next((m for m in self.sink.messages() if wanted in m.replace(b"\r\n", b"\n")), None)
        return wait_until(find, 60, what="the relayed message %r at the sink" % subject)

    # --- STARTTLS and implicit TLS ---

    def test_swaks_starttls_on_the_smtp_port(self):
        p = self.swaks(self.server.port, "--tls", subject="swaks --tls")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("250-STARTTLS", p.stdout)
        self.assertIn("220 2.0.0 ready to start TLS", p.stdout)
        stored = self.stored("swaks --tls")
        self.assertIn(b"with ESMTPS; ", stored)

    def test_swaks_tls_on_connect_to_smtps(self):
        p = self.swaks(self.smtps, "--tls-on-connect", subject="swaks --tls-on-connect")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("TLS started", p.stdout)
        self.assertNotIn("STARTTLS", p.stdout.split("EHLO", 1)[1])
        self.assertIn(b"with ESMTPS; ", self.stored("swaks --tls-on-connect"))

    def test_openssl_s_client_starttls_smtp(self):
        p = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:%d" % self.server.port,
                            "-crlf", "-quiet"], input="EHLO client.test\nQUIT\n", capture_output=True, text=True,
                           timeout=30)
        self.assertIn("250-AUTH PLAIN LOGIN", p.stdout, p.stdout + p.stderr)
        self.assertNotIn("STARTTLS", p.stdout)
        self.assertIn("221 2.0.0 ", p.stdout)

    def test_a_command_injected_with_starttls_is_not_answered_inside_tls(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            f = s.makefile("rb")
            self.assertTrue(f.readline().startswith(b"220 "))
            s.sendall(b"EHLO client.test\r\n")
            while f.readline()[3:4] != b" ":
                pass
            s.sendall(b"STARTTLS\r\nNOOP\r\n")  # one write: the NOOP is plaintext sent before the handshake
            self.assertEqual(f.readline(), b"220 2.0.0 ready to start TLS\r\n")
            with unverified().wrap_socket(s, server_hostname="localhost") as t:
                t.settimeout(2)
                with self.assertRaises(socket.timeout, msg="the injected NOOP was answered"):
                    t.recv(100)
                t.settimeout(10)
                t.sendall(b"NOOP\r\n")
                self.assertEqual(t.recv(100), b"250 2.0.0 ok\r\n")

    # --- AUTH and submission ---

    def test_swaks_auth_plain_on_submission_relays_anywhere(self):
        p = self.swaks(self.submission, "--tls", "--auth", "PLAIN", "--auth-user", "alice@localhost",
                       "--auth-password", PASSWORD, to="bob@relayed.test", subject="swaks --tls --auth PLAIN")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("235 2.7.0 authentication successful", p.stdout)
        got = self.relayed("swaks --tls --auth PLAIN")
        self.assertIn(b"(authenticated as alice@localhost)", got)
        self.assertIn(b"with ESMTPSA; ", got)
        self.assertIn("auth ok alice@localhost from 127.0.0.1", self.server.log())

    def test_swaks_auth_login_on_submission(self):
        p = self.swaks(self.submission, "--tls", "--auth", "LOGIN", "--auth-user", "alice@localhost",
                       "--auth-password", PASSWORD, subject="swaks --tls --auth LOGIN")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("334 VXNlcm5hbWU6", p.stdout)
        self.assertIn(b"(authenticated as alice@localhost)", self.stored("swaks --tls --auth LOGIN"))

    def test_auth_is_never_offered_or_accepted_in_clear(self):
        for port in (self.server.port, self.submission):
            p = self.swaks(port, "--auth", "PLAIN", "--auth-user", "alice@localhost", "--auth-password", PASSWORD)
            self.assertEqual(p.returncode, 28, p.stdout + p.stderr)  # swaks: AUTH failed
            self.assertNotIn("AUTH", p.stdout.split("EHLO", 1)[1].split("QUIT")[0].replace("--auth", ""))
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
                s.ehlo("client.test")
                code, text = s.docmd("AUTH", "PLAIN AGFsaWNlQGxvY2FsaG9zdABjb3JyZWN0IGhvcnNl")
                self.assertEqual(code, 538, text)

    def test_smtplib_starttls_and_login_on_submission(self):
        with smtplib.SMTP("127.0.0.1", self.submission, timeout=30) as s:
            s.ehlo("client.test")
            self.assertTrue(s.has_extn("starttls"))
            self.assertFalse(s.has_extn("auth"))
            code, text = s.mail("alice@localhost")
            self.assertEqual(code, 530, text)  # submission: TLS, then AUTH, before MAIL
            s.starttls(context=unverified())
            s.ehlo("client.test")
            self.assertFalse(s.has_extn("starttls"))
            self.assertIn("PLAIN", s.esmtp_features["auth"])
            self.assertEqual(s.mail("alice@localhost")[0], 530)
            s.rset()
            s.login("alice@localhost", PASSWORD)
            s.sendmail("alice@localhost", ["carol@relayed.test"],
                       MESSAGE.replace(b"over tls", b"smtplib submission"))
        self.relayed("smtplib submission")

    def test_a_wrong_password_is_535_logged_and_slowed_down(self):
        with smtplib.SMTP_SSL("127.0.0.1", self.smtps, timeout=30, context=unverified(),
                              source_address=("127.0.6.9", 0)) as s:
            s.ehlo("client.test")
            start = time.time()
            with self.assertRaises(smtplib.SMTPAuthenticationError) as failed:
                s.login("alice@localhost", "guess")
            self.assertEqual(failed.exception.smtp_code, 535)
            self.assertGreaterEqual(time.time() - start, 1.0)
        self.assertIn("auth failed for alice@localhost from 127.0.6.9 (1 in the last minute)", self.server.log())

    # --- relay control on every port ---

    def test_unauthenticated_relay_is_refused_on_every_port(self):
        with smtplib.SMTP("127.0.0.1", self.server.port, timeout=30) as s:
            s.mail("alice@localhost")
            self.assertEqual(s.rcpt("bob@relayed.test")[0], 553)  # in clear
            s.rset()
            s.starttls(context=unverified())
            s.ehlo("client.test")
            s.mail("alice@localhost")
            self.assertEqual(s.rcpt("bob@relayed.test")[0], 553)  # under TLS, not authenticated
        with smtplib.SMTP_SSL("127.0.0.1", self.smtps, timeout=30, context=unverified()) as s:
            s.ehlo("client.test")
            s.mail("alice@localhost")
            self.assertEqual(s.rcpt("bob@relayed.test")[0], 553)
        with smtplib.SMTP("127.0.0.1", self.submission, timeout=30) as s:
            s.starttls(context=unverified())
            s.ehlo("client.test")
            self.assertEqual(s.mail("alice@localhost")[0], 530)

    def test_port_25_offers_auth_after_starttls_and_then_relays(self):
        with smtplib.SMTP("127.0.0.1", self.server.port, timeout=30) as s:
            s.ehlo("client.test")
            self.assertFalse(s.has_extn("auth"))
            s.starttls(context=unverified())
            s.ehlo("client.test")
            s.login("alice@localhost", PASSWORD)
            s.sendmail("alice@localhost", ["dave@relayed.test"], MESSAGE.replace(b"over tls", b"port 25 auth"))
        self.relayed("port 25 auth")

    # --- the certificate ---

    def test_the_certificate_is_generated_then_replaced_without_a_restart(self):
        path = os.path.join(self.home, "control", "servercert.pem")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertEqual(served_certificate(self.smtps), certificate_in(path))
        with open(path, "rb") as f:
            original = f.read()
        work = tempfile.mkdtemp(prefix="quail-cert-")
        try:
            cert, key = self_signed(work, "renewed.quail.test")
            replacement = os.path.join(work, "servercert.pem")
            with open(replacement, "wb") as out:
                for part in (key, cert):
                    with open(part, "rb") as f:
                        out.write(f.read())
            os.chmod(replacement, 0o600)
            os.replace(replacement, path)
            self.assertEqual(served_certificate(self.smtps), certificate_in(cert))
            p = self.swaks(self.server.port, "--tls")
            self.assertIn("CN=renewed.quail.test", p.stdout)
        finally:
            with open(path + ".tmp", "wb") as f:
                f.write(original)
            os.replace(path + ".tmp", path)
            shutil.rmtree(work, ignore_errors=True)
        self.assertIn("tls: loaded " + path, self.server.log())


class OutboundTls(unittest.TestCase):
    """Quail's client: STARTTLS whenever offered (aiosmtpd with TLS requires it, so a delivery proves it), and
    control/tlsdestinations: a listed domain whose peer does not offer STARTTLS is deferred, never sent in clear."""

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="quail-st-tls-out-")
        self.work = tempfile.mkdtemp(prefix="quail-peer-cert-")
        self.peers = [Aiosmtpd("127.0.6.2", tls=self_signed(self.work, "peer.test")), Aiosmtpd("127.0.6.3")]
        tls_peer, clear_peer = self.peers
        os.makedirs(os.path.join(self.home, "control"))
        with open(os.path.join(self.home, "control", "smtproutes"), "w") as f:
            f.write("tls.test:127.0.6.2:%d\nsecure.test:127.0.6.3:%d\nplain.test:127.0.6.3:%d\n"
                    % (tls_peer.port, clear_peer.port, clear_peer.port))
        with open(os.path.join(self.home, "control", "tlsdestinations"), "w") as f:
            f.write("secure.test\n")
        self.server = Server(self.home).start()

    def tearDown(self):
        self.server.stop()
        for p in self.peers:
            p.close()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)

    def inject(self, recipient, subject):
        quail("inject", "--home", self.home, "-f", "alice@localhost", recipient,
              input=b"Subject: " + subject.encode() + b"\n\nhello\n")

    def test_starttls_whenever_the_peer_offers_it(self):
        self.inject("bob@tls.test", "to a tls peer")
        tls_peer = self.peers[0]
        wait_until(lambda: tls_peer.messages(), 60, what="the message at the TLS peer")
        # The delivery's log line is written after the peer has the message: wait for the line itself.
        wait_until(lambda: "success: 127.0.6.2 accepted message." in self.server.log(), 30,
                   what="the delivery's success line")
        self.assertIn("remote tls 127.0.6.2 TLSv1.", self.server.log())

    def test_a_tls_destination_is_deferred_when_the_peer_does_not_offer_starttls(self):
        self.inject("bob@secure.test", "must not go in clear")
        self.inject("bob@plain.test", "may go in clear")
        clear_peer = self.peers[1]
        wait_until(lambda: "deferral: TLS required but not offered by 127.0.6.3 (#4.7.0)" in self.server.log(), 60,
                   what="the deferral")
        wait_until(lambda: clear_peer.messages(), 60, what="the message to plain.test")
        subjects = [m for m in clear_peer.messages() if b"must not go in clear" in m]
        self.assertEqual(subjects, [])
        qstat = quail("qstat", "--home", self.home).stdout.decode()
        self.assertIn("messages in queue: 1", qstat)


if __name__ == "__main__":
    unittest.main()
