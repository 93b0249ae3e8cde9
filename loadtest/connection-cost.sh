#!/usr/bin/env bash
# connection-cost.sh: what one SMTP connection alone costs the server (issue 18): accept, greeting, EHLO, QUIT,
# close, with STARTTLS offered but not used. Quail and Postfix through the same client in the same run.
#
#   Quail    `quail start --home TMP --smtp 127.0.0.1:PORT` with control/servercert.pem made by openssl
#            (RSA 2048, self-signed), so its EHLO offers STARTTLS
#   Postfix  bench.sh's private instance with smtpd_tls_security_level = may and the same certificate
#            (smtpd_tls_cert_file, smtpd_tls_key_file), so its EHLO offers STARTTLS too
#   other    (with --other PATH) a second Quail: the server of another checkout's launcher, to compare two
#            versions of the server in the same rounds with this checkout's client
#   client   `quail loadtest --connect-only --concurrency 20`: N/10 connections to warm up, then N measured
#
# Each round runs every system on a fresh instance, in an order that rotates from round to round, so a drift
# of the shared machine does not always favour one. Measured over the N: connections/s, and the server's CPU
# microseconds per connection (utime+stime from /proc of the server's processes, plus the children it reaped,
# as bench.sh measures). Prints one line per run and the medians; writes loadtest/results/connection-cost.csv.
# Needs root (Postfix's daemons change user), openssl and /usr/bin/python3.
#
# Usage: loadtest/connection-cost.sh [--connections N] [--rounds R] [--other PATH] [--keep]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
results="$root/loadtest/results"
py=/usr/bin/python3

connections=20000
rounds=3
other=""
keep=no
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections="${2:?--connections needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --other) other="${2:?--other needs a quail launcher}"; shift 2 ;;
    --keep) keep=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "connection-cost: unknown argument '$1'" >&2; usage >&2; exit 100 ;;
  esac
done
[[ "$connections" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "connection-cost: --connections and --rounds need positive numbers" >&2; exit 100; }
[ -z "$other" ] || [ -x "$other" ] || { echo "connection-cost: $other is not a launcher" >&2; exit 100; }
[ "$(id -u)" = 0 ] || { echo "connection-cost: must run as root (Postfix's daemons change user)" >&2; exit 100; }
[ -x "$py" ] || { echo "connection-cost: needs $py" >&2; exit 111; }
command -v openssl >/dev/null || { echo "connection-cost: needs openssl" >&2; exit 111; }

work="$(mktemp -d /tmp/quail-conncost.XXXXXX)"
chmod 755 "$work" # Postfix's unprivileged daemons must reach their queue below it
name=connection-cost
# shellcheck source=loadtest/harness.sh
source "$root/loadtest/harness.sh"
need_postfix

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/CN=conncost.localdomain" 2>/dev/null
chmod 600 "$work/key.pem"

start_quail() { # LAUNCHER HOME -> SERVER_PORT, SERVER_PID
  local launcher=$1 home=$2
  mkdir -p "$home/control"
  cat "$work/key.pem" "$work/cert.pem" > "$home/control/servercert.pem"
  chmod 600 "$home/control/servercert.pem"
  SERVER_PORT=$(free_port)
  "$launcher" start --home "$home" --smtp "127.0.0.1:$SERVER_PORT" > "$home/server.out" 2>&1 &
  SERVER_PID=$!
  pids+=("$SERVER_PID")
  wait_listening "$SERVER_PORT" "$SERVER_PID" || { tail -n 30 "$home/server.out" >&2; log "Quail did not start"; exit 111; }
}

start_postfix() { # DIR -> SERVER_PORT, SERVER_PID
  local dir=$1
  postfix_configure "$dir"
  cat >> "$dir/etc/main.cf" <<EOF
mydestination = localhost
smtpd_tls_security_level = may
smtpd_tls_cert_file = $work/cert.pem
smtpd_tls_key_file = $work/key.pem
EOF
  echo "tlsmgr     unix  - - n 1000? 1 tlsmgr" >> "$dir/etc/master.cf"
  postfix_start "$dir"
}

connect_only() { # COUNT OUT
  "$quail" loadtest --json --connect-only --target "127.0.0.1:$SERVER_PORT" --messages "$1" --concurrency 20 \
    --to bench@localhost > "$2" 2> "$2.err" || true
}

csv="$work/connection-cost.csv"
echo "round,system,connections,seconds,connections_per_second,cpu_seconds,cpu_us_per_connection,status" > "$csv"

one() { # ROUND SYSTEM
  local round=$1 system=$2 dir="$work/r$1-$2" t0 t1 out status
  mkdir -p "$dir"
  case "$system" in
    quail) start_quail "$quail" "$dir/home" ;;
    other) start_quail "$other" "$dir/home" ;;
    postfix) start_postfix "$dir/postfix" ;;
  esac
  connect_only "$(( connections / 10 + 1 ))" "$dir/warmup.json"
  out="$dir/result.json"
  t0=$(cpu_ticks "$SERVER_PID")
  connect_only "$connections" "$out"
  t1=$(cpu_ticks "$SERVER_PID")
  if [ "$system" = postfix ]; then stop_postfix "$dir/postfix"; else stop_quail; fi
  status=ok
  [ "$(json_field "$out" ok 2>/dev/null)" = True ] || status="not clean: $(json_field "$out" problem 2>/dev/null || tail -n 1 "$out.err")"
  "$py" - "$out" "$round" "$system" "$((t1 - t0))" "$(getconf CLK_TCK)" "$status" >> "$csv" <<'EOF'
import json, sys
out, round_, system, ticks, hz, status = sys.argv[1:]
try: r = json.load(open(out))
except ValueError: r = {"accepted": 0, "seconds": 0, "accept_rate": 0}
cpu = int(ticks) / int(hz)
n = r["accepted"]
print(f"{round_},{system},{n},{r['seconds']:.3f},{r['accept_rate']:.0f},{cpu:.2f},{cpu / n * 1e6 if n else 0:.0f},{status}")
EOF
  log "round $round $system: $(tail -n 1 "$csv")"
  [ "$keep" = yes ] || rm -rf "$dir"
  sync
}

systems=(quail postfix)
[ -z "$other" ] || systems+=(other)
rounds_rotating "$rounds" "${systems[@]}"

mkdir -p "$results"
cp "$csv" "$results/connection-cost.csv"
"$py" - "$csv" "$other" <<'EOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok"]
names = {"quail": "Quail (this checkout)", "postfix": "Postfix", "other": "Quail (" + sys.argv[2] + ")"}
median = {}
print("| system | runs | connections/s (median) | server CPU µs per connection (median) | all runs, µs |")
print("|---|---|---|---|---|")
for system in ("quail", "other", "postfix"):
    mine = [r for r in rows if r["system"] == system]
    if not mine: continue
    rate = statistics.median(float(r["connections_per_second"]) for r in mine)
    us = statistics.median(float(r["cpu_us_per_connection"]) for r in mine)
    median[system] = (rate, us)
    print(f"| {names[system]} | {len(mine)} | {rate:,.0f} | {us:,.0f} | {', '.join(r['cpu_us_per_connection'] for r in mine)} |")
if "quail" in median and "postfix" in median:
    (qr, qu), (pr, pu) = median["quail"], median["postfix"]
    print(f"\nQuail/Postfix: {qr / pr:.2f}x the connections/s, {qu / pu:.2f}x the CPU per connection")
EOF
echo "wrote $results/connection-cost.csv" >&2
