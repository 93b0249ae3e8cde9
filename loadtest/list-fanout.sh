#!/usr/bin/env bash
# list-fanout.sh: one post to a big mailing list, Quail's list manager against Postfix's alias expansion,
# both relaying every copy to one `./quail sink` on loopback, in the same run (issue 14's list benchmark).
#
#   members  N addresses mIII@dJJJ.test, spread round-robin over 1,000 domains d0.test ... d999.test
#            (fewer domains when N < 1,000)
#   Quail    `quail list create news@lists.test`, `quail list subscribe` from stdin; control/locals
#            lists.test; control/smtproutes one line per member domain, `dJJJ.test:127.0.0.1:SINK`. The post
#            fans out in batches of 1,000 with VERP: one SMTP transaction per member.
#   Postfix  a private instance (as in bench.sh): mydestination = lists.test, alias_maps with
#            `news: :include:MEMBERS` (local(8) expands it into one queue file), relayhost
#            [127.0.0.1]:SINK; every other setting Postfix's default, so it sends up to 50 recipients a
#            transaction (smtp_destination_recipient_limit) where Quail's VERP makes one per member. Postfix
#            cannot VERP here: local(8) re-injects the expansion without the post's XVERP request.
#   postfix-verp  the same instance handed the post as a list manager on Postfix (Mailman, ezmlm-idx's
#            sendmail -V) hands it: the members as the envelope's recipients, with XVERP, so Postfix sends one
#            transaction per member with a per-member return path (news-return-mIII=dJJJ.test@lists.test), as
#            Quail does. The client pipelines the N RCPTs (smtpd_recipient_limit raised to N, XVERP allowed from
#            127.0.0.0/8 by smtpd_authorized_verp_clients); their time counts.
#   Post     one 2 KiB message to news@lists.test over SMTP, timed from the connection to the poll
#            (every 0.1 s, the sink's STAT) that sees the sink's recipient count reach N.
#
# Every domain is routed to 127.0.0.1; nothing leaves the machine. Measured per system: the time from the
# post's injection to the last delivery at the sink, recipients per second, CPU seconds of the server, its
# peak memory (Quail: VmHWM, the JVM's peak RSS; Postfix: the largest sum of Pss over its processes) and the
# largest queue on disk (du of Quail's queue/, or Postfix's queue_directory), both sampled
# every 0.5 s. Prints a Markdown table and writes loadtest/results/list-fanout.csv.
# Needs root (Postfix's daemons change user) and /usr/bin/python3.
#
# Usage: loadtest/list-fanout.sh [--members N] [--only quail|postfix|postfix-verp] [--timeout S]
#                                [--shaping RULE] [--keep]
#   --shaping RULE  a line for Quail's control/shaping, e.g. "default ready-recipients=200000"
#   --timeout S     give up when the sink's count has not grown for S seconds (default 120)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
results="$root/loadtest/results"
py=/usr/bin/python3

members=100000
systems="quail postfix postfix-verp"
shaping=""
timeout=120
keep=no
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --members) members="${2:?--members needs a number}"; shift 2 ;;
    --only) systems="${2:?--only needs quail or postfix}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs seconds}"; shift 2 ;;
    --shaping) shaping="${2:?--shaping needs a rule}"; shift 2 ;;
    --keep) keep=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "list-fanout: unknown argument '$1'" >&2; usage >&2; exit 100 ;;
  esac
done
[[ "$members" =~ ^[1-9][0-9]*$ ]] || { echo "list-fanout: --members needs a positive number" >&2; exit 100; }
domains=$(( members < 1000 ? members : 1000 ))

[ "$(id -u)" = 0 ] || { echo "list-fanout: must run as root (Postfix's daemons change user)" >&2; exit 100; }
[ -x "$py" ] || { echo "list-fanout: needs $py" >&2; exit 111; }

work="$(mktemp -d /tmp/quail-fanout.XXXXXX)"
chmod 755 "$work" # Postfix's local(8) reads the :include: file as nobody

name=list-fanout
# shellcheck source=loadtest/harness.sh
source "$root/loadtest/harness.sh"
if [[ " $systems " == *" postfix"* ]]; then need_postfix; fi
for system in $systems; do
  case "$system" in quail|postfix|postfix-verp) ;; *) echo "list-fanout: unknown system '$system'" >&2; exit 100 ;; esac
done

# --- measuring a server (harness.sh), and its queue -------------------------------------------------
queue_bytes() { du -sb --exclude=lists "$1" 2>/dev/null | awk '{print $1 + 0}' || echo 0; }
sample() { # ROOTPID QUEUEDIR FILE: "peak_pss_kib peak_queue_bytes" until FILE.stop appears
  local mem=0 q=0 now
  while [ ! -e "$3.stop" ] && kill -0 "$1" 2>/dev/null; do
    now=$(pss_kib "$1"); [ "$now" -gt "$mem" ] && mem=$now
    now=$(queue_bytes "$2"); [ "$now" -gt "$q" ] && q=$now
    echo "$mem $q" > "$3"
    sleep 0.5
  done
}

# --- the members ---------------------------------------------------------------------------------------
"$py" - "$members" "$domains" > "$work/members.txt" <<'EOF'
import sys
n, d = int(sys.argv[1]), int(sys.argv[2])
sys.stdout.write("".join(f"m{i}@d{i % d}.test\n" for i in range(n)))
EOF
chmod 644 "$work/members.txt"

# --- Quail ---------------------------------------------------------------------------------------------
start_quail() { # HOME SINKPORT -> SERVER_PORT, SERVER_PID, QUEUE_DIR
  local home=$1 t0
  mkdir -p "$home/control"
  echo "lists.test" > "$home/control/locals"
  echo "lists.test" > "$home/control/rcpthosts" # a first start writes rcpthosts from its own defaults, not from locals
  [ -z "$shaping" ] || echo "$shaping" > "$home/control/shaping"
  awk -v d="$domains" -v p="$2" 'BEGIN {for (i = 0; i < d; i++) printf "d%d.test:127.0.0.1:%d\n", i, p}' > "$home/control/smtproutes"
  "$quail" list create --home "$home" news@lists.test >&2
  t0=$(date +%s.%N)
  "$quail" list subscribe --home "$home" news@lists.test < "$work/members.txt" >&2
  log "quail: subscribed $members members in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
  SERVER_PORT=$(free_port)
  "$quail" start --home "$home" --smtp "127.0.0.1:$SERVER_PORT" > "$home/../server.out" 2>&1 &
  SERVER_PID=$!
  pids+=("$SERVER_PID")
  wait_listening "$SERVER_PORT" "$SERVER_PID" || { tail -n 30 "$home/../server.out" >&2; log "Quail did not start"; exit 111; }
  QUEUE_DIR=$home/queue # not log/ (one line per attempt) nor lists/ (members, archive)
}

# --- Postfix -------------------------------------------------------------------------------------------
start_postfix() { # DIR SINKPORT -> SERVER_PORT, SERVER_PID, QUEUE_DIR
  local dir=$1
  postfix_configure "$dir"
  cat >> "$dir/etc/main.cf" <<EOF
mydestination = lists.test
relayhost = [127.0.0.1]:$2
alias_maps = hash:$dir/etc/aliases
alias_database = hash:$dir/etc/aliases
smtpd_recipient_limit = $members
smtpd_authorized_verp_clients = 127.0.0.0/8
EOF
  printf 'news: :include:%s\npostmaster: root\n' "$work/members.txt" > "$dir/etc/aliases"
  /usr/sbin/postalias -c "$dir/etc" "hash:$dir/etc/aliases"
  postfix_start "$dir"
  QUEUE_DIR=$dir/spool
}

# --- the post: sent over SMTP, timed to the sink's last recipient ----------------------------------------
post() { # SERVERPORT SINKPORT alias|verp -> JSON on stdout
  "$py" - "$1" "$2" "$members" "$timeout" "$3" "$work/members.txt" <<'EOF'
import json, smtplib, socket, sys, threading, time
port, sink, n, timeout, mode, members = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
                                         sys.argv[5], sys.argv[6])
def stat():
    with socket.create_connection(("127.0.0.1", sink), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"STAT\r\n")
        fields = dict(x.split("=") for x in f.readline().decode().split()[1:])
        return int(fields["recipients"]), int(fields["messages"])
r0, m0 = stat()
body = "".join(f"line {i:04d} of the post " + "x" * 50 + "\r\n" for i in range(26))
msg = ("From: poster@example.org\r\nTo: news@lists.test\r\nSubject: the list benchmark's post\r\n"
       "Message-ID: <fanout@example.org>\r\nDate: " + time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()) +
       "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" + body)
def verp_post():
    """The post with every member as a recipient and XVERP, the RCPTs pipelined (a reader thread takes the
    replies, so neither side blocks on a full socket buffer)."""
    rcpts = [line.strip() for line in open(members) if line.strip()]
    with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
        f = s.makefile("rb")
        def reply():
            lines = [f.readline()]
            while lines[-1][3:4] == b"-": lines.append(f.readline())
            reply.text = b"".join(lines)
            return lines[-1]
        reply()
        s.sendall(b"EHLO bench.test\r\n")
        reply()
        if b"XVERP" not in reply.text: raise SystemExit("the server does not offer XVERP")
        replies = {"bad": 0}
        def read(count):
            for _ in range(count):
                if not reply().startswith(b"2"): replies["bad"] += 1
        s.sendall(b"MAIL FROM:<news-return@lists.test> XVERP=-=\r\n")
        reader = threading.Thread(target=read, args=(1 + len(rcpts),))
        reader.start()
        for i in range(0, len(rcpts), 1000):
            s.sendall("".join(f"RCPT TO:<{r}>\r\n" for r in rcpts[i:i + 1000]).encode())
        reader.join()
        if replies["bad"]: raise SystemExit(f"{replies['bad']} of MAIL and RCPT refused")
        s.sendall(b"DATA\r\n")
        if not reply().startswith(b"354"): raise SystemExit("DATA refused")
        s.sendall(msg.replace("\r\n.", "\r\n..").encode() + b".\r\n")
        answer = reply()
        if not answer.startswith(b"250"): raise SystemExit("the post was refused: " + answer.decode())
        s.sendall(b"QUIT\r\n")
t0 = time.monotonic()
if mode == "verp":
    verp_post()
else:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as c:
        c.sendmail("poster@example.org", ["news@lists.test"], msg)
last, grown, delivered, transactions = t0, time.monotonic(), 0, 0
while True:
    r, m = stat()
    now = time.monotonic()
    if r - r0 > delivered: delivered, transactions, last, grown = r - r0, m - m0, now, now
    if delivered >= n or now - grown > timeout: break
    time.sleep(0.1)
print(json.dumps({"ok": delivered >= n, "delivered": delivered, "transactions": transactions, "seconds": round(last - t0, 3)}))
EOF
}

# --- one run -------------------------------------------------------------------------------------------
csv="$work/list-fanout.csv"
echo "system,members,domains,seconds,rcpt_per_s,delivered,transactions,cpu_seconds,peak_memory_mib,peak_queue_mib,status" > "$csv"

for system in $systems; do
  dir="$work/$system"
  mkdir -p "$dir"
  start_sink "$dir"
  if [ "$system" = quail ]; then start_quail "$dir/home" "$SINK_PORT"
  else start_postfix "$dir/postfix" "$SINK_PORT"; fi
  log "$system: one post to news@lists.test, $members members on $domains domains"
  out="$dir/result.json"
  rm -f "$out.sample" "$out.sample.stop"
  sample "$SERVER_PID" "$QUEUE_DIR" "$out.sample" &
  sampler=$!
  t0=$(cpu_ticks "$SERVER_PID")
  rc=0
  post "$SERVER_PORT" "$SINK_PORT" "$([ "$system" = postfix-verp ] && echo verp || echo alias)" > "$out" 2> "$out.err" || rc=$?
  t1=$(cpu_ticks "$SERVER_PID")
  hwm=$(hwm_kib "$SERVER_PID")
  touch "$out.sample.stop"; wait "$sampler" 2>/dev/null || true
  read -r mem qbytes < "$out.sample" || { mem=0; qbytes=0; }
  [ "$system" = quail ] && [ "${hwm:-0}" -gt "$mem" ] && mem=$hwm
  if [ ! -s "$out" ]; then
    log "$system: the post failed (exit $rc): $(tail -n 3 "$out.err")"
    echo "$system,$members,$domains,n/a,n/a,n/a,n/a,n/a,n/a,n/a,post failed" >> "$csv"
  else
    seconds=$(json_field "$out" seconds)
    delivered=$(json_field "$out" delivered)
    status=ok
    [ "$(json_field "$out" ok)" = True ] || status="incomplete: $delivered of $members delivered"
    rate=$(awk -v n="$delivered" -v s="$seconds" 'BEGIN {if (s + 0 > 0) printf "%.0f", n / s; else print "n/a"}')
    echo "$system,$members,$domains,$seconds,$rate,$delivered,$(json_field "$out" transactions),$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}'),$(awk -v k="$mem" 'BEGIN {printf "%.0f", k / 1024}'),$(awk -v b="$qbytes" 'BEGIN {printf "%.1f", b / 1048576}'),$status" >> "$csv"
  fi
  log "$system: $(tail -n 1 "$csv")"
  if [ "$system" = quail ]; then stop_quail; else stop_postfix "$dir/postfix"; fi
  stop_sink
  [ "$keep" = yes ] || rm -rf "$dir"
done

# --- the report ----------------------------------------------------------------------------------------
mkdir -p "$results"
cp "$csv" "$results/list-fanout.csv"
machine="$(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), \
$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
echo
echo "List fan-out, $(date -u '+%Y-%m-%d %H:%M UTC'), $machine"
echo
"$py" - "$csv" <<'EOF'
import csv, sys
rows = {r["system"]: r for r in csv.DictReader(open(sys.argv[1]))}
def num(v):
    try: return float(v)
    except (TypeError, ValueError): return None
print("| system | members (domains) | post to last delivery s | rcpt/s | SMTP transactions | CPU s | peak memory MiB | peak queue MiB | status |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows.values():
    print(f"| {r['system']} | {int(r['members']):,} ({r['domains']}) | {r['seconds']} | {r['rcpt_per_s']} | {r['transactions']} | {r['cpu_seconds']} "
          f"| {r['peak_memory_mib']} | {r['peak_queue_mib']} | {r['status']} |")
q = rows.get("quail")
for peer, what in [("postfix", "alias expansion, up to 50 recipients a transaction"),
                   ("postfix-verp", "XVERP, one transaction per member as Quail")]:
    p = rows.get(peer)
    if q and p and num(q["rcpt_per_s"]) and num(p["rcpt_per_s"]):
        print(f"\nQuail/{peer} (rcpt/s; {what}): {num(q['rcpt_per_s']) / num(p['rcpt_per_s']):.2f}")
EOF
echo
echo "wrote $results/list-fanout.csv"
