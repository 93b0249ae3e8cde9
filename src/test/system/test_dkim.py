"""DKIM signing of relayed mail (issue 14's DKIM part): `quail dkim keygen` makes the key and prints the record,
control/dkimdomains names what is signed, and what reaches a remote server verifies with a different
implementation, Debian's python3-dkim (dkimpy), fed the printed record through its DNS hook; it fails once a
signed header is changed."""
import os
import re
import stat

import dkim

import peers
from quailtest import QuailTestCase, far_qmtp_server, free_port, quail, wait_until


def txt_of(record):
    """The TXT data of a zone-file line as keygen prints it: its quoted strings, joined."""
    return "".join(re.findall(r'"([^"]*)"', record)).encode()


class DkimSigning(QuailTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        self.sink_dir = os.path.join(self.home, "sink")
        os.makedirs(self.sink_dir)
        port = free_port()
        self.sink = peers.FileSink("127.0.9.2", port, self.sink_dir)
        self.addCleanup(self.sink.close)
        os.makedirs(os.path.join(self.home, "control"), exist_ok=True)
        with open(os.path.join(self.home, "control", "smtproutes"), "w") as f:
            f.write(":127.0.9.2:%d\n" % port)
        self.records = {}

    def keygen(self, domain, *options):
        p = quail("dkim", "keygen", "--home", self.home, domain, *options)
        self.records[domain] = p.stdout.decode().strip()
        return self.records[domain]

    def dns(self, name, timeout=5):
        for domain, record in self.records.items():
            if record.startswith(name.decode().rstrip(".") + ". "):
                return txt_of(record)
        return None

    def relay(self, sender_header, body=b"hello\n.a line with a dot\n", extra=b""):
        message = (b"From: " + sender_header + b"\nTo: bob@remote.example\nSubject: signed or not\n"
                   + b"Date: Wed, 02 Dec 2026 10:00:00 +0000\nMessage-ID: <x%d@quail.test>\n" % len(self.sink.messages)
                   + extra + b"\n" + body)
        before = len(self.sink.messages)
        quail("inject", "--home", self.home, "-a", "-f", "alice@quail.test", "bob@remote.example", input=message)
        wait_until(lambda: len(self.sink.messages) > before, what="the message at the remote server")
        with open(self.sink.messages[-1][2], "rb") as f:
            return f.read().replace(b"\n", b"\r\n")  # as it was on the wire

    def test_keygen_writes_a_private_key_only_its_owner_reads_and_prints_the_record(self):
        record = self.keygen("example.test", "--selector", "s1")
        self.assertTrue(record.startswith('s1._domainkey.example.test. IN TXT ( "v=DKIM1; k=rsa; " "p='), record)
        key = os.path.join(self.home, "control", "dkim", "example.test", "s1")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        with open(os.path.join(self.home, "control", "dkimdomains")) as f:
            self.assertEqual(f.read(), "example.test:s1\n")
        bad = quail("dkim", "keygen", "--home", self.home, "../etc", check=False)
        self.assertEqual(bad.returncode, 100)
        self.assertIn(b"usage", bad.stderr)

    def test_rsa_signature_verifies_elsewhere_and_breaks_when_a_header_changes(self):
        self.keygen("example.test", "--selector", "s1")
        self.server.start()
        wire = self.relay(b"Alice <alice@example.test>", body=b"x" * 3_000_000 + b"\n.dot\n")
        self.assertTrue(wire.startswith(b"DKIM-Signature: "), wire[:200])
        self.assertIn(b"a=rsa-sha256", wire[:2000])
        self.assertIn(b"d=example.test", wire[:2000])
        self.assertTrue(dkim.verify(wire, dnsfunc=self.dns), "dkimpy refused Quail's signature")
        self.assertFalse(dkim.verify(wire.replace(b"Subject: signed or not", b"Subject: signed or NOT"),
                                     dnsfunc=self.dns))
        # From is oversigned: a second From added on the way breaks it too.
        self.assertFalse(dkim.verify(wire.replace(b"To: bob", b"From: mallory@evil.example\r\nTo: bob"),
                                     dnsfunc=self.dns))

    def test_ed25519_signature_verifies_elsewhere(self):
        record = self.keygen("ed.example.test", "--selector", "e1", "--algorithm", "ed25519")
        self.assertIn("k=ed25519", record)
        self.server.start()
        wire = self.relay(b"carol@ed.example.test")
        self.assertIn(b"a=ed25519-sha256", wire[:2000])
        self.assertTrue(dkim.verify(wire, dnsfunc=self.dns), "dkimpy refused Quail's ed25519 signature")
        self.assertFalse(dkim.verify(wire.replace(b"hello", b"HELLO"), dnsfunc=self.dns))

    def test_subdomains_are_signed_with_the_parent_key_and_other_domains_not_at_all(self):
        self.keygen("example.test", "--selector", "s1")
        with open(os.path.join(self.home, "control", "dkimdomains"), "a") as f:
            f.write(".example.test:s1\n")
        self.server.start()
        wire = self.relay(b"dave@lists.example.test",
                          extra=b"List-Unsubscribe: <https://example.test/u/1>\n"
                                b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\n")
        self.assertIn(b"d=example.test", wire[:2000])
        self.assertRegex(wire[:2000].replace(b"\r\n\t", b" "), rb"h=[^;]*list-unsubscribe:list-unsubscribe-post")
        self.assertTrue(dkim.verify(wire, dnsfunc=self.dns))
        self.assertFalse(dkim.verify(wire.replace(b"/u/1>", b"/u/2>"), dnsfunc=self.dns))
        other = self.relay(b"erin@elsewhere.example")
        self.assertNotIn(b"DKIM-Signature", other)


class DkimOverQmtp(QuailTestCase):
    """Mail relayed over QMTP (control/qmtproutes) is signed too: the field goes inside the package's netstring."""
    start_server = False

    def test_a_message_relayed_to_another_quail_over_qmtp_arrives_signed(self):
        far_message = far_qmtp_server(self, "carol@far.test")
        record = quail("dkim", "keygen", "--home", self.home, "example.test").stdout.decode()
        self.server.start()
        quail("inject", "--home", self.home, "-a", "-f", "alice@example.test", "carol@far.test",
              input=b"From: alice@example.test\nTo: carol@far.test\nSubject: over qmtp\n\nhello\n")
        stored = far_message()
        self.assertIn(b"with QMTP", stored)
        self.assertTrue(dkim.verify(stored.replace(b"\n", b"\r\n"), dnsfunc=lambda name, timeout=5: txt_of(record)))


if __name__ == "__main__":
    import unittest
    unittest.main()
