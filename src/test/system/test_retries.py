"""Issue 3, the queue side of remote delivery: deferrals retried by `quail flush`, qmail's schedule kept across a
restart, expiry after queuelifetime, and QSBMF bounces of remote failures back to a local sender."""
import json
import time

import peers
from quailtest import quail, wait_until
from test_remote import RemoteCase


class Retries(RemoteCase):

    def qread(self):
        return json.loads(quail("qread", "--home", self.home, "--json").stdout)["messages"]

    def test_a_4xx_is_retried_and_delivered_after_quail_flush(self):
        busy = self.peer(peers.SmtpSink("127.0.3.5", options=["-r", "RCPT"]))
        self.server.start()
        self.inject("erin@soft.test")
        self.wait_log("deferral: 127.0.3.5 does not like recipient.")
        [m] = self.qread()
        self.assertIn("nextRemote", m, "RETRY-01: the next try is persisted")
        busy.close()
        recorder = self.peer(peers.Recorder([("127.0.3.5", 25)]))
        quail("flush", "--home", self.home)
        wait_until(lambda: recorder.recipients() == ["erin@soft.test"], what="delivery after flush")
        wait_until(lambda: self.qread() == [], what="the message to leave the queue")

    def test_a_restart_keeps_the_schedule(self):
        busy = self.peer(peers.SmtpSink("127.0.3.5", options=["-r", "RCPT"]))
        self.server.start()
        self.inject("erin@soft.test")
        self.wait_log("deferral: 127.0.3.5 does not like recipient.")
        [before] = self.qread()
        self.assertEqual(self.server.stop(), 0)
        busy.close()
        recorder = self.peer(peers.Recorder([("127.0.3.5", 25)]))
        self.server.start()
        [after] = self.qread()
        self.assertEqual(after["id"], before["id"])
        self.assertEqual(after["nextRemote"], before["nextRemote"])
        time.sleep(3)
        self.assertEqual(recorder.transactions(), [], "not retried before its time")
        quail("flush", "--home", self.home)
        wait_until(lambda: recorder.recipients() == ["erin@soft.test"], what="delivery after restart and flush")

    def test_after_queuelifetime_the_last_try_bounces(self):
        self.control(queuelifetime="3")
        quail("user", "add", "--home", self.home, "alice@quail.test")
        self.peer(peers.SmtpSink("127.0.3.5", options=["-r", "RCPT"]))
        self.server.start()
        self.inject("erin@soft.test")
        self.wait_log("deferral: 127.0.3.5 does not like recipient.")
        time.sleep(4)
        quail("flush", "--home", self.home)
        [bounce] = self.wait_messages(1, "alice@quail.test")
        self.assertIn(b"\n<erin@soft.test>:\n127.0.3.5 does not like recipient.\n", bounce)
        self.assertIn(b"I'm not going to try again; this message has been in the queue too long.", bounce)

    def test_a_5xx_comes_back_as_a_qsbmf_bounce(self):
        quail("user", "add", "--home", self.home, "alice@quail.test")
        self.peer(peers.SmtpSink("127.0.3.9", options=["-f", "RCPT"]))
        self.server.start()
        self.inject("erin@hard.test")
        [bounce] = self.wait_messages(1, "alice@quail.test")
        self.assertTrue(bounce.startswith(b"Return-Path: <>\n"), bounce[:80])
        self.assertIn(b"Hi. This is the qmail-send program at quail.test.\n", bounce)
        self.assertIn(b"<erin@hard.test>:\n127.0.3.9 does not like recipient.\nRemote host said: 5", bounce)
        self.assertIn(b"--- Below this line is a copy of the message.\n\nReturn-Path: <alice@quail.test>\n", bounce)

    def test_verp_sender_is_rewritten_per_recipient(self):
        recorder = self.peer(peers.Recorder([("127.0.3.4", 25)]))
        self.server.start()
        self.inject("one@nomx.test", "two@nomx.test", sender="list-@quail.test-@[]")
        wait_until(lambda: len(recorder.transactions()) == 2, what="two VERP transactions")
        senders = sorted(t["mail_from"] for t in recorder.transactions())
        self.assertEqual(senders, ["list-one=nomx.test@quail.test", "list-two=nomx.test@quail.test"])

    def test_tcpto_and_tcpok_answer(self):
        self.server.start()
        self.assertEqual(quail("tcpto", "--home", self.home).stdout, b"")
        self.assertEqual(json.loads(quail("tcpto", "--home", self.home, "--json").stdout), {"hosts": []})
        quail("tcpok", "--home", self.home)
