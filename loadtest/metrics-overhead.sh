#!/usr/bin/env bash
# metrics-overhead.sh: what the admin listener and a Prometheus scraping /metrics every second cost Quail
# on bench.sh's workload 1 (issue 16's bench row).
#
#   workload  N x 2 KiB messages, 20 sessions, local Maildir delivery to bench@localhost (bench.sh's
#             workload 1; N = 20,000 by default), timed by `quail loadtest` to the last Maildir file
#   off       `quail start --home TMP --smtp 127.0.0.1:PORT`
#   on        the same plus `--http 127.0.0.1:HPORT` and control/httploopbackopen = 1, with
#             `curl http://127.0.0.1:HPORT/metrics` once a second from the start of the load to its end
#   listen    (with --listen) the admin listener open but never scraped, to tell its cost from the scrapes'
#
# Each round runs both, on fresh homes, alternating which goes first (round 1: off then on, round 2: on then
# off, ...), so a drift of the shared machine does not always favour one side. Per round: the end-to-end
# rate and the server's CPU seconds of each, and the overhead of "on": (rate_off - rate_on) / rate_off and
# (cpu_on - cpu_off) / cpu_off. Every scrape must answer 200, or the round is marked. Prints a Markdown table,
# the mean and the spread, and writes loadtest/results/metrics-overhead.csv.
#
# Usage: loadtest/metrics-overhead.sh [--messages N] [--rounds R] [--listen] [--keep]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
results="$root/loadtest/results"
py=/usr/bin/python3

messages=20000
rounds=3
keep=no
modes="off on"
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="${2:?--messages needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --keep) keep=yes; shift ;;
    --listen) modes="off on listen"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "metrics-overhead: unknown argument '$1'" >&2; usage >&2; exit 100 ;;
  esac
done
[[ "$messages" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "metrics-overhead: --messages and --rounds need positive numbers" >&2; exit 100; }
[ -x "$py" ] || { echo "metrics-overhead: needs $py" >&2; exit 111; }
command -v curl >/dev/null || { echo "metrics-overhead: needs curl" >&2; exit 111; }

work="$(mktemp -d /tmp/quail-metrics.XXXXXX)"
name=metrics-overhead
# shellcheck source=loadtest/harness.sh
source "$root/loadtest/harness.sh"

scrape() { # PORT FILE: one GET a second until FILE.stop appears; one status code a line in FILE
  while [ ! -e "$2.stop" ]; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "http://127.0.0.1:$1/metrics" >> "$2" || echo 000 >> "$2"
    sleep 1
  done
}

csv="$work/metrics-overhead.csv"
echo "round,mode,messages,end_to_end_rate,end_to_end_seconds,cpu_seconds,scrapes,scrapes_ok,status" > "$csv"

one() { # ROUND off|on
  local round=$1 mode=$2 dir="$work/r$1-$2" http=() hport="" scraper="" t0 t1 rc=0 scrapes=0 ok=0 status
  mkdir -p "$dir/home/control"
  local maildir
  maildir=$("$quail" user add --home "$dir/home" bench@localhost | tail -n 1)
  if [ "$mode" != off ]; then
    hport=$(free_port)
    echo 1 > "$dir/home/control/httploopbackopen"
    http=(--http "127.0.0.1:$hport")
  fi
  local port
  port=$(free_port)
  "$quail" start --home "$dir/home" --smtp "127.0.0.1:$port" "${http[@]+"${http[@]}"}" > "$dir/server.out" 2>&1 &
  local server=$!
  pids+=("$server")
  wait_listening "$port" "$server" || { tail -n 30 "$dir/server.out" >&2; log "Quail did not start"; exit 111; }
  if [ "$mode" != off ]; then
    wait_listening "$hport" "$server" || { tail -n 30 "$dir/server.out" >&2; log "the admin listener did not start"; exit 111; }
  fi
  if [ "$mode" = on ]; then
    scrape "$hport" "$dir/scrapes" &
    scraper=$!
    pids+=("$scraper")
  fi
  t0=$(cpu_ticks "$server")
  "$quail" loadtest --json --target "127.0.0.1:$port" --wait-timeout 120 --messages "$messages" --concurrency 20 \
    --size 2048 --to bench@localhost --wait-maildir "$maildir" > "$dir/result.json" 2> "$dir/result.err" || rc=$?
  t1=$(cpu_ticks "$server")
  if [ -n "$scraper" ]; then
    touch "$dir/scrapes.stop"; wait "$scraper" 2>/dev/null || true; forget_pid "$scraper"
    scrapes=$(wc -l < "$dir/scrapes"); ok=$(grep -c '^200$' "$dir/scrapes" || true)
  fi
  kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; forget_pid "$server"
  if [ ! -s "$dir/result.json" ]; then
    echo "$round,$mode,$messages,n/a,n/a,n/a,$scrapes,$ok,loadtest failed (exit $rc)" >> "$csv"
  else
    status=ok
    [ "$(json_field "$dir/result.json" ok)" = True ] || status="incomplete: $(json_field "$dir/result.json" end_to_end_delivered) delivered"
    [ "$scrapes" = "$ok" ] || status="$status; $((scrapes - ok)) scrapes not 200"
    echo "$round,$mode,$messages,$(json_field "$dir/result.json" end_to_end_rate),$(json_field "$dir/result.json" end_to_end_seconds),$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}'),$scrapes,$ok,$status" >> "$csv"
  fi
  log "$(tail -n 1 "$csv")"
  [ "$keep" = yes ] || rm -rf "$dir"
  sync # the next run should not pay for this one's Maildir and journal being written back or deleted
}

for round in $(seq 1 "$rounds"); do
  order=$modes
  [ $((round % 2)) = 1 ] || order=$(echo "$modes" | tr ' ' '\n' | tac | tr '\n' ' ')
  for mode in $order; do one "$round" "$mode"; done
done

mkdir -p "$results"
cp "$csv" "$results/metrics-overhead.csv"
echo
echo "/metrics overhead, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $messages messages a run"
echo
"$py" - "$csv" <<'EOF'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
def num(v):
    try: return float(v)
    except (TypeError, ValueError): return None
print("| round | mode | msg/s off | msg/s mode | rate overhead | CPU s off | CPU s mode | CPU overhead | scrapes (200) | status |")
print("|---|---|---|---|---|---|---|---|---|---|")
over = {}
for r, mode in dict.fromkeys((x["round"], x["mode"]) for x in rows if x["mode"] != "off"):
    rate_ov, cpu_ov = over.setdefault(mode, ([], []))
    off = next(x for x in rows if x["round"] == r and x["mode"] == "off")
    on = next(x for x in rows if x["round"] == r and x["mode"] == mode)
    ro, rn, co, cn = (num(off["end_to_end_rate"]), num(on["end_to_end_rate"]), num(off["cpu_seconds"]), num(on["cpu_seconds"]))
    a = (ro - rn) / ro * 100 if ro and rn else None
    b = (cn - co) / co * 100 if co and cn else None
    if a is not None: rate_ov.append(a)
    if b is not None: cpu_ov.append(b)
    f = lambda v: "n/a" if v is None else f"{v:+.1f}%"
    g = lambda v: "n/a" if v is None else f"{v:,.0f}"
    st = "; ".join(s for s in (off["status"], on["status"]) if s != "ok") or "ok"
    print(f"| {r} | {mode} | {g(ro)} | {g(rn)} | {f(a)} | {off['cpu_seconds']} | {on['cpu_seconds']} | {f(b)} "
          f"| {on['scrapes']} ({on['scrapes_ok']}) | {st} |")
for mode, (rate_ov, cpu_ov) in over.items():
  for name, xs in (("rate", rate_ov), ("CPU", cpu_ov)):
    if xs:
        print(f"\n{mode}: {name} overhead: mean {statistics.mean(xs):+.1f}%, range {min(xs):+.1f}% to {max(xs):+.1f}% over {len(xs)} rounds")
EOF
echo
echo "wrote $results/metrics-overhead.csv"
