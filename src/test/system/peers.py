"""Real third-party peers for the remote-delivery system tests, on loopback (PEERS.md).

Dnsmasq: a DNS server on 127.0.0.1 and a free port, from configuration lines.
SmtpSink: Postfix's smtp-sink on ADDR:PORT (fault injection with -r/-f/-q).
Recorder: an aiosmtpd server on one or more ADDR:PORT that records every transaction as a JSON line
(local address, sender, recipients, size) and the most connections it had open at once; its RCPT replies
can be set per recipient pattern. It runs in its own /usr/bin/python3 process (`python3 peers.py recorder`),
where Debian's aiosmtpd is importable.
HAProxy: a load balancer in the foreground with its own configuration file, one TCP frontend per backend server
line (e.g. "send-proxy", "send-proxy-v2 source 127.0.0.5"), or (HAProxy.balancing) one frontend balancing round
robin over several health-checked servers.
Postgres: a private PostgreSQL server on 127.0.0.1 with its data in a directory of its own (a temp one, or one
given), holding a database `quail`; `python3 peers.py postgres DIR PORT` starts one that outlives the command
(loadtest/cluster.sh), `python3 peers.py postgres-stop DIR` stops it.
"""
import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


# Ports for servers the tests start: from QUAIL_TEST_PORTS (FIRST-LAST) when set, so test processes running at
# once never pick the same one, below the kernel's ephemeral range so no outgoing connection holds one; else any
# free port the kernel gives. Never the same one twice in a process: a port chosen for a server not started yet is
# free to the kernel, and a sink bound in between once took the server's port.
_given = set()
_range = [int(n) for n in os.environ["QUAIL_TEST_PORTS"].split("-")] if os.environ.get("QUAIL_TEST_PORTS") else None
_next = None


def _free_port(host, *kinds):
    """A port free for every socket kind given (the first kind's bind picks it when no range is set)."""
    global _next
    while True:
        port = 0
        if _range:
            first, last = _range
            if len(_given) > last - first:
                raise AssertionError("every port of QUAIL_TEST_PORTS was handed out")
            port = _next if _next is not None else first + os.getpid() % (last - first + 1)
            _next = first if port >= last else port + 1
        with contextlib.ExitStack() as held:
            try:
                for kind in kinds:
                    s = held.enter_context(socket.socket(socket.AF_INET, kind))
                    s.bind((host, port))
                    port = s.getsockname()[1]
            except OSError:
                continue
        if port not in _given:
            _given.add(port)
            return port


def free_dns_port():
    """A port for a DNS server: dnsmasq listens on UDP and TCP at the same number and exits 2 if either is taken."""
    return _free_port("127.0.0.1", socket.SOCK_DGRAM, socket.SOCK_STREAM)


def free_tcp_port(host):
    return _free_port(host, socket.SOCK_STREAM)


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
        self.port = free_dns_port()
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


class HAProxy(_Process):
    def __init__(self, target, servers):
        """target: (host, port) every frontend relays to; servers: the options of each frontend's server line.
        self.ports[i] is the loopback port of frontend i."""
        self.ports = [free_tcp_port("127.0.0.1") for _ in servers]
        self._start("".join(_listen("front%d" % i, port, ["server quail %s:%d %s" % (target[0], target[1], options)])
                            for i, (port, options) in enumerate(zip(self.ports, servers))))

    @classmethod
    def balancing(cls, targets, options="send-proxy-v2"):
        """One frontend (self.ports[0]) spreading connections round robin over targets [(host, port)], each server
        line with `options`."""
        proxy = cls.__new__(cls)
        proxy.ports = [free_tcp_port("127.0.0.1")]
        proxy._start(balancing_config(proxy.ports[0], targets, options))
        return proxy

    def _start(self, listens):
        self.dir = tempfile.mkdtemp(prefix="quail-haproxy-")
        conf = os.path.join(self.dir, "haproxy.cfg")
        with open(conf, "w") as f:
            f.write(HAPROXY_DEFAULTS + listens)
        with open(os.path.join(self.dir, "err"), "w") as err:
            self.proc = subprocess.Popen(["haproxy", "-db", "-f", conf], stdout=subprocess.DEVNULL, stderr=err)
        _wait(lambda: all(_listening("127.0.0.1", p) for p in self.ports) or self.proc.poll() is not None, 20,
              "haproxy")
        if self.proc.poll() is not None:
            with open(os.path.join(self.dir, "err")) as f:
                raise AssertionError("haproxy exited: " + f.read())

    def close(self):
        super().close()
        shutil.rmtree(self.dir, ignore_errors=True)


# A connection that HAProxy could not make to a server (one just killed, not yet seen down by its health check) is
# tried again on another one (redispatch) rather than failing the client.
HAPROXY_DEFAULTS = ("global\n    maxconn 200\n"
                    "defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 60s\n"
                    "    timeout server 60s\n    retries 3\n    option redispatch\n")


def _listen(name, port, lines):
    return "listen %s\n    bind 127.0.0.1:%d\n%s" % (name, port, "".join("    %s\n" % line for line in lines))


def balancing_config(port, targets, options="send-proxy-v2"):
    """A `listen` section on 127.0.0.1:port balancing round robin over targets [(host, port)]. Each server is
    checked every 500 ms with an SMTP exchange (greeting, HELO; the PROXY header first, as for the mail): one failed
    check takes it out of the rotation, so a killed node stops getting clients within a second; two good ones bring
    it back. A check may take 2 s, so a node slowed by a burst of load is not taken for dead."""
    servers = ["server node%d %s:%d %s check inter 500 fall 1 rise 2" % (i + 1, host, p, options)
               for i, (host, p) in enumerate(targets)]
    return _listen("smtp", port, ["balance roundrobin", "option smtpchk", "timeout check 2s"] + servers)


class Postgres:
    """A private PostgreSQL server on 127.0.0.1:port (fsync on), its data in directory/data (a temp directory when none
    is given, removed by close()), with a database `quail` of C collation (initdb --no-locale) owned by a role `quail`.
    Started with pg_ctl, so it outlives the process that started it until stop(). PostgreSQL refuses to run as root:
    as root, every PostgreSQL program runs as the user `postgres` (Debian's package makes it), which owns the
    directory. A directory that already holds a server's data is started again as it is."""

    USER = PASSWORD = DATABASE = "quail"

    def __init__(self, directory=None, port=None):
        self.temporary = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="quail-postgres-")
        self.data = os.path.join(self.dir, "data")
        self.port = port or free_tcp_port("127.0.0.1")
        self.bin = max(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), default=None)
        if self.bin is None:
            raise AssertionError("no PostgreSQL in /usr/lib/postgresql (src/test/install-peers installs it)")

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.dir, account.pw_uid, account.pw_gid)
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            self._run("initdb", "-D", self.data, "--no-locale", "-E", "UTF8", "-A", "trust")
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", os.path.join(self.dir, "postgres.log"),
                  "-o", "-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=on"
                        " -c max_connections=200" % (self.port, self.dir))
        if not self.sql("SELECT 1 FROM pg_database WHERE datname = '%s'" % self.DATABASE).strip():
            self.sql("CREATE ROLE %s LOGIN PASSWORD '%s'" % (self.USER, self.PASSWORD))
            self.sql("CREATE DATABASE %s OWNER %s" % (self.DATABASE, self.USER))
        return self

    @property
    def url(self):
        return "jdbc:postgresql://127.0.0.1:%d/%s?user=%s&password=%s" % (
            self.port, self.DATABASE, self.USER, self.PASSWORD)

    def _run(self, program, *args):
        """Runs one of PostgreSQL's programs as the directory's owner; returns its stdout."""
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        p = subprocess.run(as_owner + [os.path.join(self.bin, program)] + list(args), cwd=self.dir,
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise AssertionError("%s exited %d: %s%s" % (program, p.returncode, p.stdout, p.stderr))
        return p.stdout

    def sql(self, statement, database="postgres"):
        """Runs one statement as the superuser; returns psql's unaligned output."""
        return self._run("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                         "-p", str(self.port), "-d", database, "-c", statement)

    def stop(self, mode="immediate"):
        """Stops the server; immediate is a crash as far as its data knows, and is recovered at the next start."""
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run("pg_ctl", "stop", "-w", "-m", mode, "-D", self.data)

    def close(self):
        self.stop()
        if self.temporary:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
    elif sys.argv[1] == "postgres":  # DIR PORT: starts (first making) the server there; prints its JDBC URL
        print(Postgres(os.path.abspath(sys.argv[2]), int(sys.argv[3])).start().url)
    elif sys.argv[1] == "postgres-stop":  # DIR
        Postgres(os.path.abspath(sys.argv[2])).stop("fast")
    elif sys.argv[1] == "haproxy-config":  # PORT HOST:PORT...: a balancer's configuration on stdout
        targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in sys.argv[3:]]
        sys.stdout.write(HAPROXY_DEFAULTS + balancing_config(int(sys.argv[2]), targets))


class Tarpit:
    """An SMTP server that holds its clients up: each connection gets the greeting one byte every `interval`
    seconds and nothing else. connections lists, per connection, when it was opened and when the client closed
    it (None while open), in seconds since the epoch. Threads in this process; no third-party code."""

    def __init__(self, host, port=25, interval=10.0, greeting=b"220 tarpit.test ESMTP\r\n"):
        import threading
        self.interval, self.greeting = interval, greeting
        self.connections = []
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((host, port))
        self._server.listen(16)
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading
        while not self._closing:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            record = {"opened": time.time(), "closed": None}
            with self._lock:
                self.connections.append(record)
            threading.Thread(target=self._trickle, args=(conn, record), daemon=True).start()

    def _trickle(self, conn, record):
        import select
        with conn:
            for i in range(len(self.greeting) + 10 ** 6):
                try:
                    if i < len(self.greeting):
                        conn.sendall(self.greeting[i:i + 1])
                    readable, _, _ = select.select([conn], [], [], self.interval)
                    if readable and not conn.recv(4096):
                        break
                except OSError:
                    break
                if self._closing:
                    return
        record["closed"] = time.time()

    def close(self):
        self._closing = True
        _stop_listening(self._server)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FileSink:
    """A small ESMTP server (SIZE, 8BITMIME, no PIPELINING; STARTTLS when given tls=(certificate, key) files) that
    writes each message it receives, with its line ends made LF and its dots unstuffed, to a file of its own in
    `directory`, a line at a time: a message of any size costs it a line of memory. messages lists (sender,
    recipients, path, whether under TLS) per accepted message. Threads in this process; Python's ssl."""

    def __init__(self, host, port, directory, tls=None):
        import ssl
        import threading
        self.directory = directory
        self.messages = []
        self._tls = None
        if tls:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(*tls)
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((host, port))
        self._server.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        stream, secure = conn, False
        lines, out = stream.makefile("rb"), stream.makefile("wb")

        def reply(text):
            out.write(text.encode() + b"\r\n")
            out.flush()

        try:
            reply("220 sink.test ESMTP")
            sender, recipients = None, []
            while True:
                line = lines.readline()
                if not line:
                    return
                command = line.rstrip(b"\r\n").decode("latin-1")
                verb = command[:4].upper()
                if verb == "EHLO":
                    starttls = "250-STARTTLS\r\n" if self._tls and not secure else ""
                    reply("250-sink.test\r\n" + starttls + "250-SIZE 1000000000\r\n250 8BITMIME")
                elif command.upper() == "STARTTLS" and self._tls and not secure:
                    reply("220 go ahead")
                    stream, secure = self._tls.wrap_socket(conn, server_side=True), True
                    lines, out = stream.makefile("rb"), stream.makefile("wb")
                elif verb == "MAIL":
                    sender, recipients = command.split(":", 1)[1].split(">")[0].strip(" <"), []
                    reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].split(">")[0].strip(" <"))
                    reply("250 ok")
                elif verb == "DATA":
                    reply("354 go ahead")
                    # Named by the thread too: two connections in DATA at once must not share a file.
                    path = os.path.join(self.directory, "message-%d-%d" % (len(self.messages),
                                                                           threading.get_ident()))
                    if not self._data(lines, path):
                        return
                    self.messages.append((sender, recipients, path, secure))
                    reply("250 ok stored")
                elif verb == "QUIT":
                    reply("221 bye")
                    return
                else:
                    reply("250 ok")
        except OSError:
            return
        finally:
            stream.close()
            conn.close()

    @staticmethod
    def _data(lines, path):
        """Writes the message to path; False when the connection ended before the final dot."""
        with open(path, "wb") as f:
            for line in lines:
                if line == b".\r\n":
                    return True
                if line.startswith(b"."):
                    line = line[1:]
                f.write(line[:-2] + b"\n" if line.endswith(b"\r\n") else line)
        return False

    def close(self):
        _stop_listening(self._server)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _stop_listening(server):
    """Closes a listening socket that a thread may be blocked in accept() on: close() alone would not wake it,
    and the port would stay taken."""
    try:
        server.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    server.close()


class ScriptedSink:
    """An ESMTP server (PIPELINING, 8BITMIME, SIZE) on several (host, port) pairs that records, and follows a script.
    connections: one dict per connection, {"id", "local", "peer", "opened", "closed", "messages"} (times in seconds
    since the epoch; closed is when the client sent QUIT or went away). messages: one dict per message accepted,
    {"conn", "local", "time", "n" (its number on its connection), "sender", "recipients"}. The script: greeting(local)
    says what a connection to `local` is greeted with (a 4xx or 5xx ends it); mail(sink, connection) what a MAIL hears
    instead of 250 (None: 250; a 421 ends the connection), called with the sink's lock held so it may count;
    rcpt(address) what a RCPT hears instead of 250; close_after=N: the MAIL after a connection's Nth message gets no
    reply, the connection is closed. Threads in this process; no third-party code."""

    def __init__(self, listens, greeting=None, mail=None, rcpt=None, close_after=None):
        import threading
        self.lock = threading.Lock()
        self.connections, self.messages = [], []
        self.greeting, self.mail, self.rcpt, self.close_after = greeting, mail, rcpt, close_after
        self._servers = []
        for host, port in listens:
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((host, port))
            server.listen(64)
            self._servers.append(server)
            threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server):
        import threading
        while True:
            try:
                conn, peer = server.accept()
            except OSError:
                return
            with self.lock:
                record = {"id": len(self.connections), "local": conn.getsockname()[0], "peer": "%s:%d" % peer,
                          "opened": time.time(), "closed": None, "messages": 0}
                self.connections.append(record)
            threading.Thread(target=self._serve, args=(conn, record), daemon=True).start()

    def _closed(self, record):
        with self.lock:
            if record["closed"] is None:
                record["closed"] = time.time()

    def _serve(self, conn, record):
        lines, out = conn.makefile("rb"), conn.makefile("wb")

        def reply(text):
            out.write(text.encode() + b"\r\n")
            out.flush()

        try:
            hello = self.greeting(record["local"]) if self.greeting else "220 sink.test ESMTP"
            reply(hello)
            if not hello.startswith("2"):
                return
            sender, recipients = None, []
            for line in iter(lines.readline, b""):
                command = line.rstrip(b"\r\n").decode("latin-1")
                verb = command[:4].upper()
                if verb == "EHLO":
                    reply("250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000")
                elif verb == "HELO":
                    reply("250 sink.test")
                elif verb == "MAIL":
                    if self.close_after is not None and record["messages"] >= self.close_after:
                        return
                    with self.lock:
                        refused = self.mail(self, record) if self.mail else None
                    if refused:
                        sender = None
                        reply(refused)
                        if refused.startswith("421"):
                            return
                        continue
                    sender, recipients = command.split(":", 1)[1].split(">")[0].strip(" <"), []
                    reply("250 ok")
                elif verb == "RCPT":
                    address = command.split(":", 1)[1].split(">")[0].strip(" <")
                    refused = self.rcpt(address) if self.rcpt else None
                    if refused or sender is None:
                        reply(refused or "503 no MAIL")
                    else:
                        recipients.append(address)
                        reply("250 ok")
                elif verb == "DATA":
                    if sender is None or not recipients:
                        reply("554 no valid recipients")
                        continue
                    reply("354 go ahead")
                    for data in lines:
                        if data == b".\r\n":
                            break
                    else:
                        return
                    with self.lock:
                        record["messages"] += 1
                        self.messages.append({"conn": record["id"], "local": record["local"], "time": time.time(),
                                              "n": record["messages"], "sender": sender,
                                              "recipients": recipients})
                        number = len(self.messages)
                    sender, recipients = None, []
                    reply("250 ok queued as %d" % number)
                elif verb == "RSET":
                    sender, recipients = None, []
                    reply("250 ok")
                elif verb == "QUIT":
                    self._closed(record)
                    reply("221 bye")
                    return
                else:
                    reply("502 unknown command")
        except OSError:
            return
        finally:
            self._closed(record)
            conn.close()

    def snapshot(self):
        """(connections, messages), copies taken under the lock."""
        with self.lock:
            return [dict(c) for c in self.connections], [dict(m) for m in self.messages]

    def close(self):
        for server in self._servers:
            _stop_listening(server)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
