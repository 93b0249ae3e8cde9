"""Issue 13, the PROXY protocol: `quail start --proxy-protocol` behind a real HAProxy (send-proxy and
send-proxy-v2) on loopback. A client connecting from 127.0.0.2 is seen as 127.0.0.2 (relayclients, the Received
line, the log); a balancer outside control/proxyclients, a client without a header, and malformed headers sent
from a raw socket are closed unanswered, and the server goes on serving."""
import smtplib
import socket
import ssl
import struct
import time

import peers
from quailtest import QuailTestCase, free_port, quail, wait_until

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def ns(data):
    return b"%d:%s," % (len(data), data)


def v2(command, family, block):
    return V2_SIGNATURE + bytes([0x20 | command, family]) + struct.pack("!H", len(block)) + block


class ProxyProtocol(QuailTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        quail("user", "add", "--home", self.home, "bob@localhost")
        # Only the balancer's own address may relay: a client it names as 127.0.0.2 may not.
        self.control("relayclients", "127.0.0.1\n")
        self.control("timeoutstress", "2\n")
        self.control("qmqpclients", "127.0.0.1\n")
        self.smtps_port = free_port()
        self.qmqp_port = free_port()
        self.server.extra = ["--proxy-protocol", "--smtps", "127.0.0.1:%d" % self.smtps_port,
                             "--qmqp", "127.0.0.1:%d" % self.qmqp_port]
        self.server.start()
        wait_until(lambda: "smtps listening on" in self.server.log(), what="the SMTPS listener")
        self.haproxy = peers.HAProxy(("127.0.0.1", self.server.port),
                                     ["send-proxy", "send-proxy-v2", "send-proxy source 127.0.0.5"])
        self.addCleanup(self.haproxy.close)
        self.v1, self.v2, self.stranger = self.haproxy.ports

    def control(self, name, content):
        with open("%s/control/%s" % (self.home, name), "w") as f:
            f.write(content)

    def client(self, port, source="127.0.0.2"):
        return smtplib.SMTP("127.0.0.1", port, source_address=(source, 0), timeout=30)

    def raw(self, port=None, source="127.0.0.1"):
        s = socket.socket()
        s.settimeout(30)
        s.bind((source, 0))
        s.connect(("127.0.0.1", port or self.server.port))
        return s

    def assertClosedUnanswered(self, s):
        try:
            self.assertEqual(b"", s.recv(100))
        except ConnectionResetError:
            pass

    @staticmethod
    def send(s, data):
        """Sends what the server will read: it may close before the end of a long header."""
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def test_through_haproxy_send_proxy_v1_and_v2_a_client_from_127_0_0_2_is_seen_as_127_0_0_2(self):
        for name, port in (("v1", self.v1), ("v2", self.v2)):
            with self.subTest(name):
                with self.client(port) as c:
                    c.ehlo("client.test")
                    c.mail("alice@sender.test")
                    code, text = c.rcpt("someone@elsewhere.test")
                    self.assertEqual(553, code, text)
                    self.assertEqual(250, c.rcpt("bob@localhost")[0])
                    self.assertEqual(250, c.data(b"Subject: through haproxy " + name.encode() + b"\r\n\r\nhi\r\n")[0])
                with self.client(port, source="127.0.0.1") as c:
                    c.ehlo("balancer.test")
                    c.mail("alice@sender.test")
                    self.assertEqual(250, c.rcpt("someone@elsewhere.test")[0], "127.0.0.1 may relay")
                    c.rset()
        messages = self.wait_messages(2, "bob@localhost")
        for m in messages:
            received = [line for line in m.split(b"\n") if line.startswith(b"Received: from ")]
            self.assertEqual(1, len(received), m)
            self.assertIn(b"([127.0.0.2])", received[0])
        self.assertIn("smtp 127.0.0.2", self.server.log())

    def test_smtps_through_haproxy_reads_the_header_before_the_tls_handshake(self):
        haproxy = peers.HAProxy(("127.0.0.1", self.smtps_port), ["send-proxy-v2"])
        self.addCleanup(haproxy.close)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP_SSL("127.0.0.1", haproxy.ports[0], source_address=("127.0.0.2", 0), timeout=30,
                              context=context) as c:
            self.assertEqual(250, c.ehlo("client.test")[0])
        self.wait_log("smtps 127.0.0.2 tls TLS")

    def test_qmqp_through_haproxy_judges_qmqpclients_on_the_client_the_header_names(self):
        haproxy = peers.HAProxy(("127.0.0.1", self.qmqp_port), ["send-proxy"])
        self.addCleanup(haproxy.close)
        request = ns(ns(b"Subject: over qmqp\n\nhi\n") + ns(b"alice@sender.test") + ns(b"bob@localhost"))
        with self.raw(haproxy.ports[0], source="127.0.0.2") as s:
            self.send(s, request)
            self.assertClosedUnanswered(s)
        self.wait_log("qmqp refused 127.0.0.2")
        with self.raw(haproxy.ports[0], source="127.0.0.1") as s:
            s.sendall(request)
            self.assertTrue(s.recv(100).split(b":", 1)[1].startswith(b"K"), "127.0.0.1 is in qmqpclients")
        self.wait_messages(1, "bob@localhost")

    def test_a_header_from_a_balancer_outside_proxyclients_is_refused(self):
        with self.assertRaises((smtplib.SMTPServerDisconnected, ConnectionResetError)):
            with self.client(self.stranger) as c:
                c.ehlo("client.test")
        self.wait_log("smtp refused 127.0.0.5: not in proxyclients")

    def test_a_client_sending_no_header_directly_is_closed_within_timeoutstress(self):
        started = time.monotonic()
        with self.raw() as s:
            self.assertClosedUnanswered(s)
        elapsed = time.monotonic() - started
        self.assertTrue(1.5 < elapsed < 8, "closed after %.1f s; timeoutstress is 2 s" % elapsed)
        self.wait_log("smtp 127.0.0.1 closed: no PROXY header within 2 s")
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            smtplib.SMTP("127.0.0.1", self.server.port, timeout=30)

    def test_malformed_headers_are_closed_and_the_server_stays_up(self):
        inet = bytes([127, 0, 0, 2, 127, 0, 0, 1]) + struct.pack("!HH", 40000, 25)
        malformed = {
            b"EHLO client.test\r\n": "not a PROXY header",
            b"PROXY TCP4 127.0.0.256 127.0.0.1 40000 25\r\n": "bad IPv4 address",
            b"PROXY TCP4 127.0.0.2 127.0.0.1 40000 65536\r\n": "bad port",
            b"PROXY TCP6 127.0.0.2 ::1 40000 25\r\n": "bad IPv6 address",
            b"PROXY TCP4 127.0.0.2 127.0.0.1 40000 25\n": "not ended by CRLF",
            b"PROXY UNKNOWN " + b"x" * 200: "longer than 107 bytes",
            v2(1, 0x11, inet)[:12] + b"\x11" + v2(1, 0x11, inet)[13:]: "of version 1",
            v2(1, 0x11, inet[:11]): "too short for its family",
            v2(1, 0x11, inet + b"\x00" * 5000): "more than 4096",
        }
        for header, reason in malformed.items():
            with self.subTest(reason):
                with self.raw() as s:
                    self.send(s, header)
                    self.assertClosedUnanswered(s)
                self.wait_log(reason)
        with self.client(self.v2) as c:
            self.assertEqual(250, c.ehlo("client.test")[0], "still serving")


if __name__ == "__main__":
    import unittest
    unittest.main()
