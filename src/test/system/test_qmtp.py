"""QMTP and QMQP (QMAIL-REFERENCE §11): a netstring QMTP client written here (Debian has none) and nullmailer's
qmqp module, against the packaged server."""
import os
import socket
import subprocess
import tempfile

from quailtest import QuailTestCase, far_qmtp_server, free_port, quail, wait_until

NULLMAILER_QMQP = os.path.join(os.environ.get("QUAIL_PEERS", os.path.expanduser("~/.cache/quail-peers")),
                               "nullmailer", "usr", "lib", "nullmailer", "qmqp")


def ns(data):
    if isinstance(data, str):
        data = data.encode("latin-1")
    return b"%d:%s," % (len(data), data)


def package(message, sender, recipients, encoding=b"\n"):
    return ns(encoding + message) + ns(sender) + ns(b"".join(ns(r) for r in recipients))


def read_netstring(sock_file):
    length = b""
    while True:
        c = sock_file.read(1)
        if not c:
            return None
        if c == b":":
            break
        length += c
    data = sock_file.read(int(length))
    assert sock_file.read(1) == b","
    return data.decode("latin-1")


class QmtpTestCase(QuailTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        quail("user", "add", "--home", self.home, "bob@localhost")
        self.qmtp_port = free_port()
        self.qmqp_port = free_port()
        self.server.extra = ["--qmtp", "127.0.0.1:%d" % self.qmtp_port, "--qmqp", "127.0.0.1:%d" % self.qmqp_port]
        self.server.start()
        wait_until(lambda: "qmtp listening on" in self.server.log() and "qmqp listening on" in self.server.log(),
                   what="the QMTP and QMQP listeners")

    def control(self, name, content):
        with open(os.path.join(self.home, "control", name), "w") as f:
            f.write(content)
        quail("reload", "--home", self.home)

    def qmtp(self, *packages):
        """Sends the packages on one connection; returns one list of answers per package."""
        with socket.create_connection(("127.0.0.1", self.qmtp_port), timeout=30) as s:
            s.sendall(b"".join(p for p, _ in packages))
            f = s.makefile("rb")
            return [[read_netstring(f) for _ in range(count)] for _, count in packages]


class Qmtp(QmtpTestCase):

    def test_k_after_queueing_and_the_message_arrives_with_a_qmtp_received_line(self):
        [[answer]] = self.qmtp((package(b"Subject: by qmtp\n\nhello\n", "alice@example.org", ["bob@localhost"]), 1))
        self.assertRegex(answer, r"^Kok \d+ qp \w+$")
        [stored] = self.wait_messages(1, "bob@localhost")
        self.assertIn(b"\nReceived: from unknown ([127.0.0.1])\n  by ", stored)
        self.assertRegex(stored, rb" with QMTP; \d+ \w{3} \d{4} \d\d:\d\d:\d\d -0000\n")
        self.assertTrue(stored.endswith(b"Subject: by qmtp\n\nhello\n"), stored)
        self.assertIn(b"Return-Path: <alice@example.org>\n", stored)

    def test_relay_refusal_is_d_per_recipient_and_relayclients_lift_it(self):
        [answers] = self.qmtp((package(b"Subject: r\n\nx\n", "alice@example.org",
                                       ["victim@elsewhere.test", "bob@localhost"]), 2))
        self.assertEqual(answers[0], "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)")
        self.assertTrue(answers[1].startswith("K"), answers)
        self.control("relayclients", "127.0.0.1\n")
        [[answer]] = self.qmtp((package(b"Subject: r\n\nx\n", "alice@example.org", ["victim@elsewhere.test"]), 1))
        self.assertTrue(answer.startswith("K"), answer)

    def test_z_for_recipients_beyond_the_hundredth(self):
        [answers] = self.qmtp((package(b"Subject: many\n\nx\n", "", ["bob@localhost"] * 101), 101))
        self.assertTrue(all(a.startswith("K") for a in answers[:100]), answers[:100])
        self.assertEqual(answers[100], "Zsorry, too many recipients (#4.5.3)")

    def test_databytes_at_its_edge_and_crlf_encoding(self):
        self.control("databytes", "20\n")
        at_limit = b"Subject: 1234567\n\nx\n"
        self.assertEqual(len(at_limit), 20)
        [[ok], [big]] = self.qmtp((package(at_limit, "", ["bob@localhost"]), 1),
                                  (package(at_limit + b"y", "", ["bob@localhost"]), 1))
        self.assertTrue(ok.startswith("K"), ok)
        self.assertEqual(big, "Dsorry, that message size exceeds my databytes limit (#5.3.4)")
        [[crlf]] = self.qmtp((package(b"Subject: 1234567\r\n\r\nx\r\n", "", ["bob@localhost"], b"\r"), 1))
        self.assertTrue(crlf.startswith("K"), "CRLF form is counted after conversion: " + crlf)
        stored = self.wait_messages(2, "bob@localhost")
        self.assertTrue(all(m.endswith(b"Subject: 1234567\n\nx\n") for m in stored), stored)

    def test_packages_back_to_back_and_bad_addresses(self):
        long_sender = "s" * 1000
        answers = self.qmtp((package(b"Subject: 1\n\nx\n", "", ["bob@localhost"]), 1),
                            (package(b"Subject: 2\n\nx\n", long_sender, ["bob@localhost"]), 1),
                            (package(b"Subject: 3\n\nx\n", "", ["b" * 1000 + "@localhost", "bob@localhost"]), 2))
        self.assertTrue(answers[0][0].startswith("K"))
        self.assertEqual(answers[1], ["Dunacceptable sender (#5.1.7)"])
        self.assertEqual(answers[2][0], "Dsorry, I can't handle that recipient (#5.1.3)")
        self.assertTrue(answers[2][1].startswith("K"))

    def test_malformed_input_ends_the_connection_without_an_answer(self):
        with socket.create_connection(("127.0.0.1", self.qmtp_port), timeout=30) as s:
            s.sendall(b"5:hello!")
            self.assertEqual(s.recv(100), b"")


class Qmqp(QmtpTestCase):

    def nullmailer(self, sender, recipients, message):
        self.assertTrue(os.access(NULLMAILER_QMQP, os.X_OK), "run src/test/install-peers: no " + NULLMAILER_QMQP)
        with tempfile.NamedTemporaryFile("wb", suffix=".mail") as mail:
            mail.write(("%s\n%s\n\n" % (sender, "\n".join(recipients))).encode() + message)
            mail.flush()
            return subprocess.run(["sh", "-c", 'printf "host=127.0.0.1\\nport=%d\\n" | "$0" 3< "$1"'
                                   % self.qmqp_port, NULLMAILER_QMQP, mail.name],
                                  capture_output=True, timeout=60)

    def test_nullmailer_submits_through_qmqp_when_listed_in_qmqpclients(self):
        self.control("qmqpclients", "# mini-qmail hosts\n127.0.0.0/8\n")
        p = self.nullmailer("alice@example.org", ["bob@localhost", "someone@elsewhere.test"],
                            b"Subject: via nullmailer\n\nqmqp body\n")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        [stored] = self.wait_messages(1, "bob@localhost")
        self.assertRegex(stored, rb"Received: from unknown \(\[127.0.0.1\]\)\n  by [^\n]* with QMQP; ")
        self.assertIn(b"Subject: via nullmailer\n\nqmqp body\n", stored)
        self.wait_log("to remote someone@elsewhere.test")

    def test_clients_not_in_qmqpclients_are_refused_at_connect(self):
        p = self.nullmailer("alice@example.org", ["bob@localhost"], b"Subject: refused\n\nx\n")
        self.assertNotEqual(p.returncode, 0)
        self.wait_log("qmqp refused 127.0.0.1")
        self.control("qmqpclients", "192.0.2.0/24\n")
        p = self.nullmailer("alice@example.org", ["bob@localhost"], b"Subject: refused\n\nx\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(os.listdir(os.path.join(self.maildir("bob@localhost"), "new")), [])


class QmtpRoutes(QuailTestCase):
    """control/qmtproutes: remote delivery over QMTP to another Quail, the way qmail hosts exchange mail."""
    start_server = False

    def test_mail_for_a_qmtp_routed_domain_arrives_over_qmtp(self):
        far_message = far_qmtp_server(self, "carol@far.test")
        self.server.start()
        quail("inject", "--home", self.home, "-f", "alice@localhost", "carol@far.test",
              input=b"Subject: over qmtp\n\nhello\n")
        stored = far_message()
        self.assertIn(b"Subject: over qmtp", stored)
        self.assertIn(b"with QMTP", stored)
        self.wait_log("success: ")
