"""Real third-party peers for the remote-delivery system tests, on loopback (PEERS.md).

Dnsmasq: a DNS server on 127.0.0.1 and a free port, from configuration lines.
SmtpSink: Postfix's smtp-sink on ADDR:PORT (fault injection with -r/-f/-q).
Recorder: an aiosmtpd server on one or more ADDR:PORT that records every transaction as a JSON line
(local address, sender, recipients, size) and the most connections it had open at once; its RCPT replies
can be set per recipient pattern. It runs in its own /usr/bin/python3 process (`python3 peers.py recorder`),
where Debian's aiosmtpd is importable.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_tcp_port(host):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _wait(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def _listening(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class _Process:
    proc = None

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Dnsmasq(_Process):
    def __init__(self, lines):
        self.dir = tempfile.mkdtemp(prefix="quail-dnsmasq-")
        self.port = free_udp_port()
        conf = os.path.join(self.dir, "dnsmasq.conf")
        with open(conf, "w") as f:
            f.write("port=%d\nlisten-address=127.0.0.1\nbind-interfaces\nno-resolv\nno-hosts\nlocal=/test/\n"
                    % self.port)
            for line in lines:
                f.write(line + "\n")
        self.proc = subprocess.Popen(["dnsmasq", "--keep-in-foreground", "--conf-file=" + conf,
                                      "--pid-file=" + os.path.join(self.dir, "pid")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(self._answers, 10, "dnsmasq on port %d" % self.port)

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError("dnsmasq exited %s" % self.proc.returncode)
        p = subprocess.run(["dig", "+time=1", "+tries=1", "@127.0.0.1", "-p", str(self.port), "probe.test"],
                           capture_output=True, text=True)
        return "status: NXDOMAIN" in p.stdout

    def server(self):
        """The line for control/dnsservers."""
        return "127.0.0.1:%d" % self.port


class SmtpSink(_Process):
    def __init__(self, host, port=25, options=()):
        self.host, self.port = host, port
        self.proc = subprocess.Popen(["smtp-sink", "-u", "nobody"] + list(options) + ["%s:%d" % (host, port), "100"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _listening(host, port), 10, "smtp-sink on %s:%d" % (host, port))


class Recorder(_Process):
    def __init__(self, listens, rcpt_replies=()):
        """listens: [(host, port)]; rcpt_replies: [(regex, reply)] for RCPT, first match wins."""
        self.dir = tempfile.mkdtemp(prefix="quail-recorder-")
        self.record = os.path.join(self.dir, "record.jsonl")
        ready = os.path.join(self.dir, "ready")
        args = [PYTHON, os.path.abspath(__file__), "recorder", self.record, ready]
        for host, port in listens:
            args += ["--listen", "%s:%d" % (host, port)]
        for pattern, reply in rcpt_replies:
            args += ["--rcpt", pattern, reply]
        with open(os.path.join(self.dir, "err"), "w") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        _wait(lambda: os.path.exists(ready) or self.proc.poll() is not None, 20, "the recorder")
        if self.proc.poll() is not None:
            with open(os.path.join(self.dir, "err")) as f:
                raise AssertionError("recorder exited: " + f.read())

    def transactions(self):
        if not os.path.exists(self.record):
            return []
        with open(self.record) as f:
            return [json.loads(line) for line in f if line.endswith("\n")]

    def recipients(self):
        return [r for t in self.transactions() for r in t["rcpt_tos"]]


def _recorder(argv):
    import asyncio
    from aiosmtpd.smtp import SMTP

    record, ready = argv[0], argv[1]
    listens, rules = [], []
    i = 2
    while i < len(argv):
        if argv[i] == "--listen":
            host, port = argv[i + 1].rsplit(":", 1)
            listens.append((host, int(port)))
            i += 2
        else:
            rules.append((re.compile(argv[i + 1]), argv[i + 2]))
            i += 3
    state = {"open": 0, "max_open": 0}
    out = open(record, "a")

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            for pattern, reply in rules:
                if pattern.search(address):
                    return reply
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            out.write(json.dumps({"local": server.local, "mail_from": envelope.mail_from,
                                  "mail_options": envelope.mail_options, "rcpt_tos": envelope.rcpt_tos,
                                  "size": len(envelope.original_content or b""),
                                  "open": state["open"], "max_open": state["max_open"]}) + "\n")
            out.flush()
            return "250 OK recorded"

    class Counting(SMTP):
        def connection_made(self, transport):
            state["open"] += 1
            state["max_open"] = max(state["max_open"], state["open"])
            self.local = transport.get_extra_info("sockname")[0]
            super().connection_made(transport)

        def connection_lost(self, exc):
            state["open"] -= 1
            super().connection_lost(exc)

    handler = Handler()
    loop = asyncio.new_event_loop()
    for host, port in listens:
        loop.run_until_complete(loop.create_server(lambda: Counting(handler, hostname="sink.test"), host, port))
    open(ready, "w").close()
    loop.run_forever()


if __name__ == "__main__":
    if sys.argv[1] == "recorder":
        _recorder(sys.argv[2:])
