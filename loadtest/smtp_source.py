"""bench.sh --client smtp-source: Postfix's smtp-source as the client, behind `quail loadtest`'s arguments.

Takes the arguments bench.sh gives the generator (--target, --messages, --concurrency, --size, --to,
--connection-per-message, --wait-maildir or --wait-sink, --wait-timeout, --json) and prints the fields of
`quail loadtest --json` that bench.sh reads. smtp-source sends N messages from C sessions, each session
reusing its connection (-d) unless --connection-per-message; the accept rate is N over its run, the
end-to-end rate N over the time until the Maildir holds N new files or the sink counted N recipients,
both from the moment smtp-source starts. smtp-source reports no per-message outcome: a run whose mail does
not all arrive within --wait-timeout of the last arrival is marked incomplete.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time


def maildir_count(path):
    """Files in the Maildir's new/; 0 while it does not exist (Postfix's virtual(8) makes it at its first delivery)."""
    try:
        return len(os.listdir(os.path.join(path, "new")))
    except FileNotFoundError:
        return 0


def sink_count(hostport):
    """The recipients the quail sink counted: its 220, then "STAT" answered "211 messages=.. recipients=.. ..."."""
    host, port = hostport.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        lines = s.makefile("rb")
        lines.readline()
        s.sendall(b"STAT\r\n")
        fields = dict(f.split("=", 1) for f in lines.readline().decode().split()[1:] if "=" in f)
    return int(fields["recipients"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--to", required=True)
    p.add_argument("--connection-per-message", action="store_true")
    p.add_argument("--wait-maildir")
    p.add_argument("--wait-sink")
    p.add_argument("--wait-timeout", type=float, default=60)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    count = (lambda: maildir_count(a.wait_maildir)) if a.wait_maildir else (lambda: sink_count(a.wait_sink))
    baseline = count()
    command = ["smtp-source", "-s", str(a.concurrency), "-m", str(a.messages), "-l", str(a.size),
               "-f", "bench@example.org", "-t", a.to]
    if not a.connection_per_message:
        command.insert(1, "-d")
    command.append(a.target)
    start = time.monotonic()
    sent = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    accepted_at = time.monotonic()
    seen, last_change = count() - baseline, time.monotonic()
    while seen < a.messages and time.monotonic() - last_change < a.wait_timeout:
        time.sleep(0.2)
        now = count() - baseline
        if now != seen:
            seen, last_change = now, time.monotonic()
    done_at = time.monotonic()
    complete = seen >= a.messages
    if sent.returncode != 0:
        sys.stderr.write(sent.stderr.decode(errors="replace"))
    report = {
        "accepted": a.messages if sent.returncode == 0 else None,
        "rejected": "n/a", "failed": "n/a" if sent.returncode == 0 else "smtp-source exit %d" % sent.returncode,
        "accept_rate": round(a.messages / (accepted_at - start), 3),
        "end_to_end_rate": round(a.messages / (done_at - start), 3) if complete else None,
        "end_to_end_seconds": round(done_at - start, 3),
        "end_to_end_delivered": seen, "end_to_end_expected": a.messages,
        "end_to_end_complete": complete, "ok": complete and sent.returncode == 0,
    }
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
