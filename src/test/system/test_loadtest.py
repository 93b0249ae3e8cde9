"""Issue 7, smoke run of the load tools: `quail loadtest` against `quail sink`, and against a real `quail start`
waiting on its Maildir. Counts and exit statuses only; the rates are the benchmark's business, not a test's."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

from quailtest import QUAIL, ROOT, QuailTestCase, free_port, quail, wait_until

MESSAGES = 300
SMTP_SOURCE = os.path.join(ROOT, "loadtest", "smtp_source.py")
PROFILE = os.path.join(ROOT, "loadtest", "profile.sh")


class Sink:
    """One `quail sink` process on a free loopback port."""

    def __init__(self, *extra, port=None):
        self.port = port or free_port()
        self.address = "127.0.0.1:%d" % self.port
        self.dir = tempfile.mkdtemp(prefix="quail-sink-")
        self.out_path = os.path.join(self.dir, "sink.out")
        self.out = open(self.out_path, "wb")
        self.proc = subprocess.Popen([QUAIL, "sink", "--listen", self.address] + list(extra),
                                     stdout=self.out, stderr=subprocess.STDOUT)
        wait_until(lambda: "sink listening on " in self.output() or self.proc.poll() is not None, 60,
                   what="the sink to listen")
        if self.proc.poll() is not None:
            raise AssertionError("sink exited %s:\n%s" % (self.proc.returncode, self.output()))

    def output(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stat(self):
        """The sink's counts, asked with STAT as the first command on its SMTP port."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            f = s.makefile("rwb")
            assert f.readline().startswith(b"220 ")
            f.write(b"STAT\r\n")
            f.flush()
            line = f.readline().decode()
        m = re.match(r"211 messages=(\d+) recipients=(\d+) bytes=(\d+) connections=(\d+)", line)
        assert m, line
        return {"messages": int(m.group(1)), "recipients": int(m.group(2)), "bytes": int(m.group(3)),
                "connections": int(m.group(4))}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(60)
        self.out.close()
        return status

    def cleanup(self):
        if self.proc.poll() is None:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class LoadtestAgainstSink(unittest.TestCase):

    def setUp(self):
        self.sink = Sink("--fail-rcpt", "^refuse")
        self.addCleanup(self.sink.cleanup)

    def test_every_message_reaches_the_sink(self):
        p = quail("loadtest", "--target", self.sink.address, "--messages", str(MESSAGES), "--concurrency", "10",
                  "--size", "2048", "--to", "bench@sink.test", "--wait-sink", self.sink.address, check=False)
        out = p.stdout.decode()
        self.assertEqual(p.returncode, 0, out + p.stderr.decode())
        self.assertIn("sent %d, accepted %d, rejected 0, failed 0" % (MESSAGES, MESSAGES), out)
        self.assertRegex(out, r"accept rate: [0-9.]+ msg/s")
        self.assertIn("delivered %d of %d" % (MESSAGES, MESSAGES), out)
        self.assertRegex(out, r"end-to-end rate: [0-9.]+ msg/s")
        counts = self.sink.stat()
        self.assertEqual(counts["messages"], MESSAGES)
        self.assertEqual(counts["recipients"], MESSAGES)
        self.assertGreater(counts["bytes"], MESSAGES * 2048)
        self.assertEqual(self.sink.stop(), 0)
        self.assertIn("sink stopped: %d messages, %d recipients" % (MESSAGES, MESSAGES), self.sink.output())

    def test_json_summary_and_many_recipients(self):
        p = quail("loadtest", "--target", self.sink.address, "--messages", "10", "--concurrency", "2",
                  "--rcpts", "30", "--to", "r@sink.test", "--json", "--wait-sink", self.sink.address, check=False)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        summary = json.loads(p.stdout)
        self.assertEqual((summary["sent"], summary["accepted"], summary["rejected"]), (10, 10, 0))
        self.assertEqual(summary["recipients_accepted"], 300)
        self.assertEqual(summary["end_to_end_delivered"], 300)
        self.assertTrue(summary["ok"])
        self.assertEqual(self.sink.stat()["recipients"], 300)

    def test_a_connection_per_message_and_connections_alone(self):
        before = self.sink.stat()["connections"]
        p = quail("loadtest", "--target", self.sink.address, "--messages", "40", "--concurrency", "4",
                  "--connection-per-message", "--to", "bench@sink.test", "--json", check=False)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        summary = json.loads(p.stdout)
        self.assertEqual((summary["accepted"], summary["connections"]), (40, 40))
        p = quail("loadtest", "--target", self.sink.address, "--messages", "30", "--concurrency", "3",
                  "--connect-only", "--to", "bench@sink.test", "--json", check=False)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        self.assertEqual(json.loads(p.stdout)["accepted"], 30)
        counts = self.sink.stat()
        self.assertEqual(counts["messages"], 40, "one message per connection, none for the handshakes")
        self.assertEqual(counts["connections"] - before, 40 + 30 + 1, "the last STAT is a connection too")

    def test_smtp_source_behind_the_generators_arguments(self):
        """bench.sh --client smtp-source: Postfix's smtp-source sends, the adapter waits for the sink's count."""
        def source(*extra):
            p = subprocess.run(["/usr/bin/python3", SMTP_SOURCE, "--target", self.sink.address, "--messages", "25",
                                "--concurrency", "5", "--size", "2048", "--to", "bench@sink.test", "--json",
                                "--wait-sink", self.sink.address, "--wait-timeout", "20"] + list(extra),
                               capture_output=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
            return json.loads(p.stdout)
        before = self.sink.stat()
        reused = source()
        self.assertTrue(reused["ok"])
        self.assertEqual((reused["end_to_end_delivered"], reused["end_to_end_expected"]), (25, 25))
        middle = self.sink.stat()
        self.assertEqual(middle["messages"] - before["messages"], 25)
        self.assertLessEqual(middle["connections"] - before["connections"], 5 + 5,
                             "-d: a connection a session (5), and the STATs that count: not one per message (25)")
        each = source("--connection-per-message")
        self.assertEqual(each["end_to_end_delivered"], 25)
        self.assertGreaterEqual(self.sink.stat()["connections"] - middle["connections"], 25)

    def test_refused_recipients_make_the_exit_status_nonzero(self):
        p = quail("loadtest", "--target", self.sink.address, "--messages", "20", "--concurrency", "4",
                  "--to", "refuse@sink.test", "--json", check=False)
        self.assertEqual(p.returncode, 111, p.stdout.decode() + p.stderr.decode())
        summary = json.loads(p.stdout)
        self.assertEqual((summary["sent"], summary["accepted"], summary["rejected"]), (20, 0, 20))
        self.assertFalse(summary["ok"])
        self.assertEqual(self.sink.stat()["messages"], 0)


class LoadtestAgainstQuail(QuailTestCase):

    def test_messages_are_delivered_to_the_maildir(self):
        p = quail("loadtest", "--target", "127.0.0.1:%d" % self.server.port, "--messages", str(MESSAGES),
                  "--concurrency", "10", "--size", "2048", "--to", "postmaster@localhost",
                  "--wait-maildir", self.maildir(), "--wait-timeout", "120", check=False, timeout=300)
        out = p.stdout.decode()
        self.assertEqual(p.returncode, 0, out + p.stderr.decode())
        self.assertIn("sent %d, accepted %d, rejected 0, failed 0" % (MESSAGES, MESSAGES), out)
        self.assertIn("delivered %d of %d" % (MESSAGES, MESSAGES), out)
        stored = self.messages()
        self.assertEqual(len(stored), MESSAGES)
        subjects = set()
        for message in stored:
            self.assertIn(b"\nFrom: Quail loadtest <loadtest@localhost>\n", message)
            subjects.update(re.findall(rb"\nSubject: quail loadtest message (\d+)\n", message))
        self.assertEqual(len(subjects), MESSAGES, "every message number once")

    def test_a_connection_per_message_is_delivered_and_handshakes_leave_nothing(self):
        p = quail("loadtest", "--target", "127.0.0.1:%d" % self.server.port, "--messages", "30",
                  "--concurrency", "5", "--connection-per-message", "--to", "postmaster@localhost",
                  "--wait-maildir", self.maildir(), "--json", check=False, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        summary = json.loads(p.stdout)
        self.assertEqual((summary["accepted"], summary["connections"], summary["end_to_end_delivered"]), (30, 30, 30))
        p = quail("loadtest", "--target", "127.0.0.1:%d" % self.server.port, "--messages", "30",
                  "--concurrency", "5", "--connect-only", "--to", "postmaster@localhost", "--json", check=False)
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
        self.assertEqual(json.loads(p.stdout)["accepted"], 30)
        self.assertEqual(len(self.messages()), 30)


class ProfileScript(unittest.TestCase):
    """loadtest/profile.sh end to end: a real server, async-profiler attached for the measured messages only, the
    CPU a message, and a flame graph of what the server did (issue 18)."""

    def test_a_small_maildir_run_is_measured_and_drawn(self):
        out = tempfile.mkdtemp(prefix="quail-profile-test-")
        self.addCleanup(shutil.rmtree, out, True)
        p = subprocess.run(["bash", PROFILE, "--workload", "maildir", "--messages", "300", "--warmup", "100",
                            "--control", "concurrencylocal=3", "--name", "smoke", "--out", out],
                           capture_output=True, timeout=600)
        text = p.stdout.decode() + p.stderr.decode()
        self.assertEqual(p.returncode, 0, text)
        m = re.search(r"quail: 1 run\(s\), server CPU ms a message median ([0-9.]+) .*of it system time ([0-9.]+)",
                      text)
        self.assertTrue(m, text)
        self.assertGreater(float(m.group(1)), float(m.group(2)), "system time is a part of the CPU")
        self.assertRegex(text, r"round 1 quail: 1,quail,300,", "all 300 measured messages were delivered")
        # The CPU by thread, read from /proc/PID/task: its lines add up to the process's CPU (the threads that ended
        # and the lines under 0.1% apart), and the actors' dispatcher is among them.
        threads = re.findall(r"^ +([0-9.]+) \(([0-9.]+) \+ ([0-9.]+)\) +[0-9.]+%  (.+)$", text, re.M)
        self.assertTrue(any("Pekko's default dispatcher" in name for _, _, _, name in threads), text)
        for total, user, kernel, name in threads:
            self.assertAlmostEqual(float(total), float(user) + float(kernel), delta=0.002, msg=name)
        self.assertAlmostEqual(sum(float(t[0]) for t in threads), float(m.group(1)), delta=0.1 * float(m.group(1)),
                               msg=text)
        with open(os.path.join(out, "profile-smoke.svg"), encoding="utf-8") as f:
            svg = f.read()
        self.assertTrue(svg.startswith("<?xml") and svg.rstrip().endswith("</svg>"))
        self.assertIn("dev.quail.", svg, "the server's own frames are in the graph")

    def test_bad_arguments_are_refused_before_anything_starts(self):
        for args, word in ((["--workload", "nfs"], "unknown workload"), (["--messages", "0"], "positive"),
                           (["--control", "concurrencylocal"], "FILE=VALUE"), (["--name", "a/b"], "--name")):
            p = subprocess.run(["bash", PROFILE] + args, capture_output=True, timeout=60)
            self.assertEqual(p.returncode, 100, args)
            self.assertIn(word, p.stderr.decode(), args)


if __name__ == "__main__":
    unittest.main()
