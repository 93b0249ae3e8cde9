"""Issue 13, cluster mode: three `quail start --cluster` nodes on loopback sharing a journal in a private PostgreSQL,
behind a real HAProxy (send-proxy-v2, round robin, a health check every 500 ms), relaying all mail to one sink.

10 clients send 3,000 messages through HAProxy, each with a token of its own, on a new connection every 25; the
oldest node (the first seed, which holds the shard coordinator) is killed with SIGKILL once 1,000 were acknowledged
and, the sink holding its answers meanwhile, 150 wait undelivered, 15 of them in its partitions (the 250 names the
queue id); sending goes on, a client whose connection died reconnecting. Within 30 s of the kill its queue
partitions must start on the survivors and every message acknowledged before the kill (what it held included) reach the sink; every message that got 250 must reach
the sink (duplicates are reported: a crash may cause one, never a loss), and so must new mail placed in the moved
partitions (a queue id names its partition). Then the node is restarted on the same home: it rejoins, takes
partitions again, and mail it accepts is delivered. A second test sends from 127.0.0.2 and finds that address in the
Received line of mail accepted by each node: the PROXY header is used in cluster mode.
One cluster serves the module (about 75 s in all); its homes are kept when a test fails.
"""
import concurrent.futures
import os
import re
import shutil
import smtplib
import tempfile
import threading
import time
import unittest

import peers
from quailtest import Server, failed, free_port, quail, wait_until

NODES = 3
CLIENTS = 10
PER_CLIENT = 300
PER_CONNECTION = 25  # a client reconnects after so many messages, so every node the balancer has in rotation gets mail
KILL_AFTER = 1000
BACKLOG = 150  # acknowledged messages held undelivered at the kill, a share of them in the killed node's partitions
# The first seed and oldest member: killing it moves the shard coordinator too, and it must rejoin through the
# others rather than form a cluster of its own.
KILLED = 0
SENDER = "loader@client.test"
RECIPIENT = "sink@sink.test"
PARTITION_STARTED = re.compile(r"^(\S+) .*queue partition (\d+) started", re.M)  # the line's time, the partition
TOKEN = re.compile(r"^X-Token: (\S+)$", re.M)
# A cluster's queue id starts with its partition's number and ends with the name of the node that accepted the message
# ("3-k9x2f1.127-0-0-1-2561"); that node writes it in the message's first Received line.
QP_PARTITION = re.compile(r" qp (\d+)-")  # the reply to a message's dot: "250 2.0.0 ok 1764750000 qp 3-k9x2f1.NODE"
QUEUE_ID = re.compile(r"^Received: \(quail (\d+)-\S+\.(\S+) invoked from network\)", re.M)


def message(token):
    return ("From: %s\r\nTo: %s\r\nSubject: cluster %s\r\nX-Token: %s\r\n\r\n%s\r\n"
            % (SENDER, RECIPIENT, token, token, "a line of the body\r\n" * 20)).encode()


def per_5_s(seconds):
    """How many of the sorted times (seconds) fall in each 5 s from 0 on."""
    return [sum(1 for t in seconds if i * 5 <= t < i * 5 + 5) for i in range(int(seconds[-1] // 5) + 1)] if seconds else []


class Node(Server):
    """A cluster member: its own home with the same control files as the others'."""

    def __init__(self, number, cluster_port, seeds, journal, sink_port):
        home = tempfile.mkdtemp(prefix="quail-st-node%d-" % number)
        self.name = "node %d" % number
        control = {"me": "mx.cluster.test", "rcpthosts": "sink.test",
                   "smtproutes": "sink.test:127.0.0.1:%d" % sink_port}
        os.makedirs(os.path.join(home, "control"))
        for name, value in control.items():
            with open(os.path.join(home, "control", name), "w") as f:
                f.write(value + "\n")
        super().__init__(home, extra=["--cluster", "127.0.0.1:%d" % cluster_port, "--seeds", seeds,
                                      "--journal", journal, "--proxy-protocol"])
        self.log_mark = 0

    def mark(self):
        """From now on, partitions() sees only what the log gains."""
        self.log_mark = len(self.log())

    def starts(self):
        """{partition: the time of its last start} of the queue partitions this node logged starting since the mark."""
        return {int(n): at for at, n in PARTITION_STARTED.findall(self.log()[self.log_mark:])}

    def partitions(self):
        return set(self.starts())

    def holds(self, others):
        """The partitions this node runs now, as the logs tell: a partition runs on one node at a time, so on the
        one that started it last (a partition this node started may have been handed to a node that joined later)."""
        theirs = [other.starts() for other in others]
        return {p for p, at in self.starts().items() if all(at > starts.get(p, "") for starts in theirs)}


class Sink(peers.FileSink):
    """The far end of every node's smtproutes: counts the tokens it received and keeps where the first copy of each
    came from (its file, queue partition and accepting node), each file parsed once. While held, it answers no
    message's final dot (nor counts the message) until released."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="quail-st-sink-")
        self.port = free_port()
        super().__init__("127.0.0.1", self.port, self.dir)
        self.tokens = {}  # token -> times received
        self.first = {}  # token -> (file, partition, accepting node) of its first copy
        self.parsed = 0
        self.released = threading.Event()
        self.released.set()
        self.lock = threading.Lock()
        self.open = 0  # connections open now
        self.most = 0  # the most open at once since reset_most()

    def _serve(self, conn):
        with self.lock:
            self.open += 1
            self.most = max(self.most, self.open)
        try:
            super()._serve(conn)
        finally:
            with self.lock:
                self.open -= 1

    def reset_most(self):
        with self.lock:
            self.most = self.open

    def hold(self):
        self.released.clear()

    def release(self):
        self.released.set()

    def _data(self, lines, path):
        complete = super()._data(lines, path)
        self.released.wait(120)
        return complete

    def received(self):
        while self.parsed < len(self.messages):
            path = self.messages[self.parsed][2]
            with open(path) as f:
                text = f.read()
            queue_id = QUEUE_ID.search(text)
            if not queue_id:
                raise AssertionError("no cluster queue id (PARTITION-ID.NODE) in %r" % text[:300])
            for token in TOKEN.findall(text):
                self.tokens[token] = self.tokens.get(token, 0) + 1
                self.first.setdefault(token, (path, int(queue_id.group(1)), queue_id.group(2)))
            self.parsed += 1
        return self.tokens

    def received_line(self, token):
        """The SMTP Received line (`Received: from ...`) of the first copy of token's message."""
        with open(self.first[token][0]) as f:
            header = f.read().split("\n\n", 1)[0]
        lines = [line for line in re.sub(r"\n[ \t]+", " ", header).split("\n") if line.startswith("Received: from ")]
        if len(lines) != 1:
            raise AssertionError("%s: expected one SMTP Received line, got %s" % (token, lines))
        return lines[0]

    def close(self):
        super().close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Clients:
    """Sessions sending numbered messages through the balancer. A message is acknowledged only by 250 after its dot.
    One that got anything else (the connection died, a 4xx) is sent again on a new connection, as an MTA would,
    ATTEMPTS times at most, then left unanswered: a copy that was taken before its connection died is a duplicate
    at the sink, which is allowed."""

    ATTEMPTS = 3
    RETRY_PAUSE = 0.5  # a client's back-off before it reconnects, so a refusing cluster is not hammered
    # A reply slower than this is taken as none, and the message sent again: nodes answer within a second, and a
    # submission that never gets an answer would otherwise hold its client until HAProxy's 60 s timeout.
    TIMEOUT = 20

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source = port, source
        self.lock = threading.Lock()
        self.acked = {}  # token -> time.monotonic() of its 250
        self.placed = {}  # token -> the queue partition its 250 named
        self.unanswered = {}  # token -> what happened instead
        self.failures = []  # (seconds waited, token, what happened) of every attempt that got no 250

    def send(self, prefix, count, per_connection=None):
        """Sends count messages on one session (a new connection every per_connection messages if given)."""
        session = None
        for i in range(count):
            token = "%s-%d" % (prefix, i)
            for _ in range(self.ATTEMPTS):
                tried = time.monotonic()
                try:
                    session = session or smtplib.SMTP("127.0.0.1", self.port, source_address=(self.source, 0),
                                                       timeout=self.TIMEOUT)
                    reply = self._transaction(session, token)
                    with self.lock:
                        self.acked[token] = time.monotonic()
                        self.placed[token] = int(QP_PARTITION.search(reply).group(1))
                    break
                except (smtplib.SMTPException, OSError) as e:
                    problem = repr(e)
                    with self.lock:
                        self.failures.append((time.monotonic() - tried, token, problem))
                    session = self._close(session)
                    time.sleep(self.RETRY_PAUSE)
            else:
                with self.lock:
                    self.unanswered[token] = problem
            if per_connection and (i + 1) % per_connection == 0:
                session = self._close(session)
        self._close(session)

    @staticmethod
    def _transaction(session, token):
        """One message on session; returns the reply to its dot, which names its queue id."""
        session.ehlo_or_helo_if_needed()
        for step in (lambda: session.mail(SENDER), lambda: session.rcpt(RECIPIENT),
                     lambda: session.data(message(token))):
            code, reply = step()
            if code != 250:
                raise smtplib.SMTPResponseException(code, reply)
        return reply.decode()

    @staticmethod
    def _close(session):
        if session is not None:
            try:
                session.quit()
            except (smtplib.SMTPException, OSError):
                session.close()
        return None

    def start(self, prefix, sessions, count, per_connection):
        """sessions threads, `count` messages each, their tokens starting with prefix; returns the threads."""
        threads = [threading.Thread(target=self.send, args=("%s%d" % (prefix, n), count, per_connection),
                                    daemon=True) for n in range(sessions)]
        for t in threads:
            t.start()
        return threads

    def acknowledged(self):
        with self.lock:
            return dict(self.acked)


class Cluster(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.keep = False
        cls.nodes = []
        try:
            cls.start_cluster()
        except BaseException:
            cls.keep = True
            cls.print_logs()
            raise

    @classmethod
    def start_cluster(cls):
        cls.postgres = peers.Postgres()
        cls.addClassCleanup(cls.postgres.close)
        cls.postgres.start()
        cls.sink = Sink()
        cls.addClassCleanup(cls.sink.close)
        cluster_ports = [free_port() for _ in range(NODES)]
        seeds = ",".join("127.0.0.1:%d" % p for p in cluster_ports)
        cls.nodes = [Node(i + 1, p, seeds, cls.postgres.url, cls.sink.port) for i, p in enumerate(cluster_ports)]
        cls.addClassCleanup(cls.stop_nodes)
        started = time.monotonic()
        # All at once, as an operator would: the nodes race to create the journal's schema.
        with concurrent.futures.ThreadPoolExecutor(NODES) as pool:
            for future in [pool.submit(node.start, 120) for node in cls.nodes]:
                future.result()
        listening = time.monotonic() - started
        cls.haproxy = peers.HAProxy.balancing([("127.0.0.1", node.port) for node in cls.nodes])
        cls.addClassCleanup(cls.haproxy.close)
        cls.wait_partitions_everywhere(cls.nodes, 90)
        print("\ncluster: %d nodes listening %.1f s after their start, each running partitions after %.1f s"
              % (NODES, listening, time.monotonic() - started))

    @classmethod
    def wait_partitions_everywhere(cls, nodes, timeout):
        wait_until(lambda: all(node.partitions() for node in nodes), timeout, interval=0.25,
                   what="a queue partition started on each of " + ", ".join(node.name for node in nodes))

    @classmethod
    def stop_nodes(cls):
        for node in cls.nodes:
            if node.proc is not None:
                node.stop()
        for node in cls.nodes:
            if cls.keep:
                print("kept %s (%s)" % (node.home, node.name))
            else:
                shutil.rmtree(node.home, ignore_errors=True)

    @classmethod
    def print_logs(cls):
        for node in cls.nodes:
            print("\n--- %s log (%s) ---\n%s" % (node.name, node.home, node.log()[-4000:]))

    def tearDown(self):
        if failed(self):
            type(self).keep = True
            self.print_logs()

    def wait_all_within(self, conditions, since, seconds):
        """Waits up to `seconds` after `since` (a time.monotonic()) until each of conditions {what: predicate} has held;
        returns {what: seconds after since it was first seen to hold}, in the conditions' order."""
        seen = {}

        def all_seen():
            for what, holds in conditions.items():
                if what not in seen and holds():
                    seen[what] = time.monotonic() - since
            return len(seen) == len(conditions)
        try:
            wait_until(all_seen, since + seconds - time.monotonic(), interval=0.1)
        except AssertionError:
            self.fail("not within %d s: %s" % (seconds, "; ".join(w for w in conditions if w not in seen)))
        return {what: seen[what] for what in conditions}

    def others(self, node):

        return [other for other in self.nodes if other is not node]

    def wait_arrived(self, tokens, timeout, what):
        wait_until(lambda: set(tokens) <= set(self.sink.received()), timeout, interval=0.25, what=what)

    def send_until_each_accepts(self, prefix, live=NODES, source="127.0.0.1", partitions=None):
        """Sends through the balancer a message a connection, a round of one per live node at a time, until every live
        node has accepted one (as their queue ids say) and, if partitions are given, one was placed in those
        partitions, and waits for them at the sink; a health check may just have taken a node out of the rotation,
        and a message's partition is chance, so up to 20 rounds. Returns the Clients."""
        clients = Clients(self.haproxy.ports[0], source)
        for round_ in range(20):
            clients.send("%s%d" % (prefix, round_), live, per_connection=1)
            self.assertEqual({}, clients.unanswered)
            self.wait_arrived(clients.acknowledged(), 60, "the %s messages at the sink" % prefix)
            placed = [self.sink.first[t] for t in clients.acknowledged()]
            accepted_by = {node for _, _, node in placed}
            if len(accepted_by) == live and (partitions is None or partitions & {p for _, p, _ in placed}):
                return clients
        self.fail("not every live node took a message (only %s), or none was placed in partitions %s"
                  % (sorted(accepted_by), partitions))

    def test_a_client_from_127_0_0_2_is_named_in_the_received_line_of_every_node(self):
        clients = self.send_until_each_accepts("proxied", source="127.0.0.2")
        for token in clients.acknowledged():
            self.assertIn("([127.0.0.2])", self.sink.received_line(token), "the client the PROXY header named")

    def set_control(self, name, value):
        """Writes control/name on every node (removes it when value is None) and reloads each."""
        for node in self.nodes:
            path = os.path.join(node.home, "control", name)
            if value is None:
                os.remove(path)
            else:
                with open(path, "w") as f:
                    f.write(value + "\n")
            quail("reload", "--home", node.home)

    def test_concurrencyremote_holds_for_the_whole_cluster(self):
        """control/concurrencyremote 3 on every node: with mail waiting in every node's partitions and the sink
        holding each message's dot, the sink sees 3 connections at once, not 3 per partition."""
        self.set_control("concurrencyremote", "3")
        self.addCleanup(self.set_control, "concurrencyremote", None)
        wait_until(lambda: self.sink.open == 0, 30, what="the nodes' idle connections to the sink closed")
        self.sink.hold()
        self.addCleanup(self.sink.release)
        self.sink.reset_most()
        clients = Clients(self.haproxy.ports[0])
        threads = clients.start("limit", CLIENTS, 12, 3)

        def partitions_waiting():
            acked = clients.acknowledged()
            return {clients.placed[t] for t in set(acked) - set(self.sink.received())}
        wait_until(lambda: len(partitions_waiting()) >= 4 and self.sink.open >= 3, 60, interval=0.1,
                   what="undelivered mail in 4 partitions and 3 connections at the sink")
        # The partitions still without a connection keep claiming one, 4 times a second: long enough to see one
        # slip through.
        time.sleep(3)
        print("\ncluster: concurrencyremote 3: mail waiting in partitions %s, %d connections at the sink at most"
              % (sorted(partitions_waiting()), self.sink.most))
        self.assertEqual(3, self.sink.most, "connections open at once to the sink from the whole cluster")
        self.sink.release()
        for t in threads:
            t.join(120)
        self.assertEqual({}, clients.unanswered)
        self.wait_arrived(clients.acknowledged(), 60, "every message at the sink")

    def test_kill_9_of_a_node_under_load_loses_no_acknowledged_message_and_the_node_rejoins(self):
        clients = Clients(self.haproxy.ports[0])
        started = time.monotonic()
        threads = clients.start("load", CLIENTS, PER_CLIENT, PER_CONNECTION)
        wait_until(lambda: len(clients.acknowledged()) >= KILL_AFTER, 120, interval=0.05,
                   what="%d acknowledged messages" % KILL_AFTER)
        victim = self.nodes[KILLED]
        survivors = self.others(victim)
        orphans = victim.holds(survivors)
        self.assertTrue(orphans, "%s runs no partition: killing it would test nothing" % victim.name)
        # The sink stops answering until the kill, so that every node, the killed one too, holds undelivered mail
        # (and deliveries in flight, which the kill cuts) that the journal must give back.
        self.sink.hold()
        self.addCleanup(self.sink.release)

        def undelivered():
            return set(clients.acknowledged()) - set(self.sink.received())
        wait_until(lambda: len(undelivered()) >= BACKLOG
                   and sum(1 for t in undelivered() if clients.placed[t] in orphans) >= BACKLOG // 10, 60,
                   interval=0.05, what="%d acknowledged messages not yet delivered, %d of them in %s's partitions %s"
                   % (BACKLOG, BACKLOG // 10, victim.name, sorted(orphans)))
        for node in survivors:
            node.mark()
        victim.kill9()
        killed = time.monotonic()
        self.sink.release()
        acked_before = clients.acknowledged()
        outstanding = set(acked_before) - set(self.sink.received())
        conditions = {"the killed node's partitions started on the survivors":
                      lambda: orphans <= set().union(*(n.partitions() for n in survivors)),
                      "every message acknowledged before the kill at the sink":
                      lambda: outstanding <= set(self.sink.received())}
        seen = self.wait_all_within(conditions, killed, 30)
        held = sum(1 for t in outstanding if clients.placed[t] in orphans)
        print("\ncluster: killed %s (partitions %s) after %d acknowledged in %.1f s, %d of them undelivered, %d of those in "
              "its partitions; %.1f s after the kill its partitions ran on the survivors, %.1f s after it all %d were at "
              "the sink"
              % (victim.name, sorted(orphans), len(acked_before), killed - started, len(outstanding), held,
                 *seen.values(), len(outstanding)))
        self.assertTrue(held, "the killed node held no undelivered message: its recovery was not tested")

        for t in threads:
            t.join(300)
        acked = clients.acknowledged()
        self.wait_arrived(acked, 90, "every acknowledged message at the sink")
        arrived = self.sink.received()
        after_kill = sorted(t - killed for t in acked.values() if t > killed)
        print("cluster: acknowledged in each 5 s after the kill: %s; %d acknowledged in all, %d attempts failed (the "
              "longest: %s), %d messages unanswered (%d of those delivered anyway); %d duplicates, 0 lost"
              % (per_5_s(after_kill), len(acked), len(clients.failures),
                 "%.1f s, %s" % max(clients.failures)[::2] if clients.failures else "none", len(clients.unanswered),
                 sum(1 for t in clients.unanswered if t in arrived), sum(n - 1 for n in arrived.values())))
        self.assertTrue(after_kill and after_kill[0] < list(seen.values())[0],
                        "no message was acknowledged while the killed node's partitions were down")
        self.assertLess(len(clients.unanswered), CLIENTS * PER_CLIENT // 20,
                        "messages refused or cut off with a node down, e.g. %s" % list(clients.unanswered.items())[:5])
        # New mail goes to the accepting node's own partitions, the moved ones included.
        self.send_until_each_accepts("moved", live=len(survivors), partitions=orphans)

        self.rejoin(victim)

    def rejoin(self, node):
        """Restarts a killed node on its home: it must take partitions again, and mail it accepts and mail of its
        partitions must be delivered."""
        node.mark()
        restarted = time.monotonic()
        node.start(120)
        self.wait_partitions_everywhere([node], 60)
        took = time.monotonic() - restarted
        self.send_until_each_accepts("after-rejoin", partitions=node.holds(self.others(node)))
        wait_until(lambda: "messages in queue: 0\n" in quail("qstat", "--home", node.home).stdout.decode(), 30,
                   interval=0.5, what="quail qstat on the rejoined node to report an empty queue")
        print("cluster: %s restarted and took partitions %s %.1f s after its start; mail it accepted and mail of its "
              "partitions delivered" % (node.name, sorted(node.partitions()), took))


if __name__ == "__main__":
    unittest.main()
