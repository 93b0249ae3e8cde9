#!/usr/bin/env bash
# A big deferred queue and a restart: how much memory a queue of N messages costs and how soon a restarted
# server accepts mail again. Fills a fresh home with N small messages for a destination that defers (a relay
# on a closed loopback port: every attempt is refused at once), stops the server, starts it again and reports
# the time to the SMTP port, the time until the queue's start-up scan is done, and the peak RSS.
#
# Usage: loadtest/queue-restart.sh [--messages N] [--quail PATH] [--home DIR]
#   --quail PATH   the launcher to measure (default: this checkout's ./quail): point it at another checkout's
#                  launcher to measure an older version with the same script.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
messages=1000000
quail="$root/quail"
home=""
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --quail) quail="$2"; shift 2 ;;
    --home) home="$2"; shift 2 ;;
    *) echo "usage: $0 [--messages N] [--quail PATH] [--home DIR]" >&2; exit 100 ;;
  esac
done
[ -n "$home" ] || home="$(mktemp -d /tmp/quail-restart-XXXXXX)"
port=$((20000 + RANDOM % 20000))
mkdir -p "$home/control"
echo ":127.0.0.1:1" > "$home/control/smtproutes"   # nothing listens on port 1: refused, deferred
echo "127.0.0.1" > "$home/control/relayclients"

rss_peak() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null || echo 0; }
server_pid() { pgrep -f "quail.*start --home $home" | head -1; }
wait_port() {
  local deadline=$((SECONDS + $1))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "the server did not listen within $1 s" >&2; exit 111; }
    sleep 0.05
  done
}

"$quail" start --home "$home" --smtp "127.0.0.1:$port" > "$home/fill.out" 2>&1 &
wait_port 120
echo "filling $home with $messages messages..." >&2
"$root/quail" loadtest --target "127.0.0.1:$port" --messages "$messages" --concurrency 20 --size 1024 \
    --to someone@deferred.example --json > "$home/loadtest.json"
fill_rss=$(rss_peak "$(server_pid)")
until "$quail" qstat --home "$home" | grep -q "messages in queue: $messages"; do sleep 5; done
kill -TERM "$(server_pid)"; wait || true

started=$(date +%s.%N)
"$quail" start --home "$home" --smtp "127.0.0.1:$port" > "$home/restart.out" 2>&1 &
launcher=$!
wait_port 600
listening=$(date +%s.%N)
pid=$(server_pid)
# The start-up is over when the queue has read its index and scanned the journal ("queue scan done"); an old
# version without an index has no such line: then wait until qstat answers with every message.
until grep -q "queue scan done" "$home/log/quail.log" 2>/dev/null \
    || "$quail" qstat --home "$home" 2>/dev/null | grep -q "messages in queue: $messages"; do sleep 0.2; done
scanned=$(date +%s.%N)
sleep 60  # a minute of the restarted queue's own work: wake-ups, retries
peak=$(rss_peak "$pid")
kill -TERM "$pid"; wait "$launcher" || true

printf 'messages queued           %d\n' "$messages"
printf 'peak RSS while filling    %d MiB\n' "$fill_rss"
printf 'restart to SMTP listening %.1f s\n' "$(awk "BEGIN {print $listening - $started}")"
printf 'restart to queue scanned  %.1f s\n' "$(awk "BEGIN {print $scanned - $started}")"
printf 'peak RSS after restart    %d MiB (start + scan + 60 s)\n' "$peak"
