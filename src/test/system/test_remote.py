"""Issue 3, remote delivery (the SMTP client side): MX routing over a real DNS server (dnsmasq), smtproutes,
each recipient's result in the log, one transaction per destination and the concurrency cap, against real
SMTP servers on loopback (Postfix's smtp-sink, aiosmtpd). IDs cite QMAIL-REFERENCE.md."""
import os
import socket
import time

import peers
from quailtest import QuailTestCase, quail, wait_until

MESSAGE = b"From: alice@quail.test\nSubject: remote\n\nhello over there\n.a line with a dot\n"

DNS = [
    "mx-host=remote.test,mx1.remote.test,10",
    "mx-host=remote.test,mx2.remote.test,20",
    "host-record=mx1.remote.test,127.0.3.2",
    "host-record=mx2.remote.test,127.0.3.3",
    "host-record=nomx.test,127.0.3.4",
    "dns-rr=nullmx.test,15,000000",
    "mx-host=soft.test,mx.soft.test,10",
    "host-record=mx.soft.test,127.0.3.5",
    "mx-host=hard.test,mx.hard.test,10",
    "host-record=mx.hard.test,127.0.3.9",
] + ["mx-host=d%d.test,mx.d%d.test,10\nhost-record=mx.d%d.test,127.0.3.1%d" % (i, i, i, i) for i in range(5)]


class RemoteCase(QuailTestCase):
    """A home whose DNS is a dnsmasq on loopback; peers are started per test before the server."""

    start_server = False

    @classmethod
    def setUpClass(cls):
        cls.dns = peers.Dnsmasq(DNS)

    @classmethod
    def tearDownClass(cls):
        cls.dns.close()

    def setUp(self):
        super().setUp()
        self.peers = []
        self.control(me="quail.test", locals="quail.test", rcpthosts="quail.test", dnsservers=self.dns.server(),
                     timeoutconnect="2")

    def tearDown(self):
        super().tearDown()
        for p in self.peers:
            p.close()

    def control(self, **files):
        os.makedirs(os.path.join(self.home, "control"), exist_ok=True)
        for name, text in files.items():
            with open(os.path.join(self.home, "control", name), "w") as f:
                f.write(text + "\n")

    def peer(self, p):
        self.peers.append(p)
        return p

    def inject(self, *recipients, sender="alice@quail.test"):
        quail("inject", "--home", self.home, "-a", "-f", sender, *recipients, input=MESSAGE)


class MxRouting(RemoteCase):

    def test_rem04_the_best_mx_gets_the_mail(self):
        best = self.peer(peers.Recorder([("127.0.3.2", 25)]))
        worse = self.peer(peers.Recorder([("127.0.3.3", 25)]))
        self.server.start()
        self.inject("bob@remote.test")
        wait_until(lambda: best.recipients() == ["bob@remote.test"], what="delivery to mx1")
        self.wait_log("success: 127.0.3.2 accepted message./Remote host said: 250 OK recorded")
        self.assertEqual(worse.transactions(), [])
        self.assertIn("to remote bob@remote.test", self.server.log())

    def test_rem10_the_next_mx_when_the_first_refuses_connections(self):
        worse = self.peer(peers.Recorder([("127.0.3.3", 25)]))
        self.server.start()
        self.inject("bob@remote.test")
        wait_until(lambda: worse.recipients() == ["bob@remote.test"], what="delivery to mx2")
        [t] = worse.transactions()
        self.assertEqual(t["mail_from"], "alice@quail.test")
        self.wait_log("success: 127.0.3.3 accepted message.")

    def test_rem03_a_domain_without_mx_gets_its_a_record(self):
        host = self.peer(peers.Recorder([("127.0.3.4", 25)]))
        self.server.start()
        self.inject("carol@nomx.test")
        wait_until(lambda: host.recipients() == ["carol@nomx.test"], what="delivery to the A record")

    def test_rfc7505_null_mx_is_a_permanent_failure(self):
        self.server.start()
        self.inject("dave@nullmx.test")
        self.wait_log("failure: Sorry, nullmx.test does not accept mail (null MX, RFC 7505). (#5.1.10)")

    def test_rem03_a_domain_that_does_not_exist_is_a_permanent_failure(self):
        self.server.start()
        self.inject("dave@nowhere.test")
        self.wait_log("failure: Sorry, I couldn't find any host named nowhere.test. (#5.1.2)")


class Replies(RemoteCase):

    def test_rem20_a_4xx_recipient_reply_is_a_deferral(self):
        self.peer(peers.SmtpSink("127.0.3.5", options=["-r", "RCPT"]))
        self.server.start()
        self.inject("erin@soft.test")
        self.wait_log("deferral: 127.0.3.5 does not like recipient./Remote host said: 450 4.3.0 Error: command "
                      "failed/Giving up on 127.0.3.5.")

    def test_rem20_a_5xx_recipient_reply_is_a_failure(self):
        self.peer(peers.SmtpSink("127.0.3.9", options=["-f", "RCPT"]))
        self.server.start()
        self.inject("erin@hard.test")
        self.wait_log("failure: 127.0.3.9 does not like recipient./Remote host said: 5")

    def test_rem20_recipients_at_one_host_are_judged_one_by_one(self):
        host = self.peer(peers.Recorder([("127.0.3.4", 25)], rcpt_replies=[("^nobody@", "550 5.1.1 no such user"),
                                                                           ("^busy@", "452 4.2.2 mailbox full")]))
        self.server.start()
        self.inject("ok@nomx.test", "nobody@nomx.test", "busy@nomx.test")
        wait_until(lambda: host.recipients() == ["ok@nomx.test"], what="the accepted recipient")
        self.wait_log("failure: 127.0.3.4 does not like recipient./Remote host said: 550 5.1.1 no such user")
        self.wait_log("deferral: 127.0.3.4 does not like recipient./Remote host said: 452 4.2.2 mailbox full")


class Routes(RemoteCase):

    def test_rem01_smtproutes_relay_with_a_port_carries_every_routed_domain_in_one_transaction(self):
        relay = self.peer(peers.Recorder([("127.0.3.6", 2526)]))
        self.control(smtproutes="relayed.test:127.0.3.6:2526\n.relayed.test:127.0.3.6:2526")
        self.server.start()
        self.inject("frank@relayed.test", "grace@sub.relayed.test")
        wait_until(lambda: len(relay.recipients()) == 2, what="both recipients at the relay")
        [t] = relay.transactions()
        self.assertEqual(sorted(t["rcpt_tos"]), ["frank@relayed.test", "grace@sub.relayed.test"])

    def test_rem01_the_empty_key_is_a_smarthost_for_everything(self):
        relay = self.peer(peers.Recorder([("127.0.3.6", 2526)]))
        self.control(smtproutes=":127.0.3.6:2526")
        self.server.start()
        self.inject("henry@anywhere.example")
        wait_until(lambda: relay.recipients() == ["henry@anywhere.example"], what="delivery via the smarthost")

    def test_rem10_nothing_listening_is_a_deferral(self):
        self.control(smtproutes="refused.test:127.0.3.7:25")
        self.server.start()
        self.inject("ivan@refused.test")
        self.wait_log("deferral: Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)")

    def test_rem10_a_host_that_never_accepts_times_out_after_timeoutconnect(self):
        # A full accept queue drops SYNs: connecting to it times out, as to a host that is down.
        listener = socket.socket()
        listener.bind(("127.0.3.8", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        try:
            for _ in range(3):
                s = socket.socket()
                s.settimeout(0.3)
                try:
                    s.connect(("127.0.3.8", port))
                    fillers.append(s)
                except OSError:
                    s.close()
                    break
            self.control(smtproutes="slow.test:127.0.3.8:%d" % port, timeoutconnect="1")
            self.server.start()
            self.inject("judy@slow.test")
            self.wait_log("deferral: Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)")
        finally:
            for s in fillers:
                s.close()
            listener.close()


class FanOut(RemoteCase):

    def test_rem30_a_message_to_1000_recipients_at_5_domains_is_5_transactions_within_the_cap(self):
        sink = self.peer(peers.Recorder([("127.0.3.1%d" % i, 25) for i in range(5)]))
        self.control(concurrencyremote="2")
        self.server.start()
        recipients = ["user%04d@d%d.test" % (i, i % 5) for i in range(1000)]
        start = time.time()
        self.inject(*recipients)
        wait_until(lambda: len(sink.recipients()) >= 1000, timeout=120, what="1000 recipients at the sink")
        elapsed = time.time() - start
        transactions = sink.transactions()
        self.assertEqual(len(transactions), 5, "one transaction per domain")
        self.assertEqual(sorted(sink.recipients()), sorted(recipients))
        self.assertEqual(sorted(t["local"] for t in transactions), ["127.0.3.1%d" % i for i in range(5)])
        self.assertLessEqual(max(t["max_open"] for t in transactions), 2, "concurrencyremote 2")
        self.wait_log("end msg ")
        log = self.server.log()
        self.assertIn("to remote user0999@d4.test", log)
        self.assertIn(" remote 2/2", log)
        print("\n1 message x 1000 recipients at 5 domains, concurrencyremote 2: %.2f s from inject to sink" % elapsed)
