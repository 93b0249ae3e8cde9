#!/usr/bin/env bash
# bench.sh (also `./quail bench`): Quail and Postfix side by side on this machine, through the same
# workloads, driven by `./quail loadtest` and measured the same way.
#
#   1  N x 2 KiB messages, 20 sessions, local Maildir delivery           (N = 20,000 x scale)
#   2  the same, relayed to `./quail sink`                               (msg/s)
#   3  10 messages x 1,000 recipients, relayed to the sink               (rcpt/s; messages x scale, at least 1)
#   4  the qmail day: 200,000 x 2 KiB messages end to end, Maildir       (200,000 x scale)
#   5  as 1, but a connection per message: 20 clients each connect, send one message, QUIT, and again
#   6  5,000 x 100 KiB messages, 20 sessions, relayed to the sink          (5,000 x scale)
#
# Each system gets a fresh instance per workload, on its own loopback port, one after the other (Quail first in
# the first row run, Postfix first in the next, and so on):
#   Quail    `./quail start --home TMP --smtp 127.0.0.1:PORT`, mailbox bench@localhost (`quail user add`);
#            relaying through control/relayclients (127.0.0.1) and control/smtproutes (sink.test -> sink).
#   Postfix  a private instance (own config_directory, queue_directory, data_directory under TMP, no
#            postmulti) started with `postfix -c DIR start`: smtpd on 127.0.0.1:PORT, virtual(8) Maildir
#            delivery for bench@localhost, relayhost [127.0.0.1]:SINK. Every other setting, durability
#            included, is Postfix's default. Installed from apt when missing.
#
# Measured: the accept rate and the end-to-end rate (the generator waits for the Maildir file count or
# the sink's recipient count), CPU seconds of the server's processes during the run (utime+stime from
# /proc of the server and its children, plus the children it reaped), and the peak memory: the largest
# sum of Pss over those processes, sampled every 0.25 s (for Postfix's ~20 processes a sum of RSS would
# count each shared library page once per process), and for Quail's single JVM its VmHWM (peak RSS) if
# larger. A Quail relay row is "n/a" when a one-message probe through Quail never reaches the sink
# (remote delivery missing).
#
# Writes loadtest/results/bench.csv and bench.png and the results section of loadtest/README.md.
# Needs root (Postfix's daemons change user) and /usr/bin/python3 for the JSON and the table.
#
# --fsyncs counts instead: strace (-f, attached to every process of the server) counts the fsync, fdatasync,
# sync_file_range and msync calls of each run; the counts per accepted message go to loadtest/results/fsyncs.csv.
# Rates under strace mean nothing, so that run writes no other result.
#
# --client smtp-source drives the same workloads with Postfix's smtp-source instead of `quail loadtest`
# (loadtest/smtp_source.py: -d, one connection a session, except in row 5; the end-to-end wait as the
# generator's), to check that the two clients agree. Row 3 (1,000 recipients a message) is n/a there. It writes
# loadtest/results/bench-smtp-source.csv and prints the table; bench.csv, the chart and README stay as they are.
#
# Usage: loadtest/bench.sh [--scale F] [--only 1,2,3,4,5,6] [--keep] [--fsyncs] [--client quail|smtp-source]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
results="$root/loadtest/results"
readme="$root/loadtest/README.md"
py=/usr/bin/python3

scale=1
all="1,2,3,4,5,6"
only=$all
keep=no
fsyncs=no
client=quail
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="${2:?--scale needs a number}"; shift 2 ;;
    --only) only="${2:?--only needs a list like 1,3}"; shift 2 ;;
    --keep) keep=yes; shift ;;
    --fsyncs) fsyncs=yes; shift ;;
    --client) client="${2:?--client needs quail or smtp-source}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown argument '$1'" >&2; usage >&2; exit 100 ;;
  esac
done
scaled() { "$py" -c "import sys; print(max(int(sys.argv[3]), round(float(sys.argv[1]) * int(sys.argv[2]))))" "$scale" "$1" "${2:-1}"; }
N=$(scaled 20000)
DAY=$(scaled 200000)
BIG=$(scaled 10)
BULK=$(scaled 5000)

[[ "$client" = quail || "$client" = smtp-source ]] || { echo "bench: --client is quail or smtp-source" >&2; exit 100; }
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (Postfix's daemons change user)" >&2; exit 100; }
[ -x "$py" ] || { echo "bench: needs $py" >&2; exit 111; }
postconf_bin=/usr/sbin/postconf

work="$(mktemp -d /tmp/quail-bench.XXXXXX)"
chmod 755 "$work" # Postfix's unprivileged daemons must reach their queue below it

name=bench
# shellcheck source=loadtest/harness.sh
source "$root/loadtest/harness.sh"
need_postfix

sample_memory() { # ROOTPID FILE: the largest sum seen, until FILE.stop appears
  local peak=0 now
  while [ ! -e "$2.stop" ] && kill -0 "$1" 2>/dev/null; do
    now=$(pss_kib "$1")
    if [ "$now" -gt "$peak" ]; then peak=$now; echo "$peak" > "$2"; fi
    sleep 0.25
  done
}

# --- Postfix -------------------------------------------------------------------------------------------
start_postfix() { # DIR [SINKPORT] -> SERVER_PORT, SERVER_PID, MAILDIR
  local dir=$1 relay=""
  [ -n "${2:-}" ] && relay="[127.0.0.1]:$2"
  postfix_configure "$dir"
  mkdir -p "$dir/vmail"
  chown 65534:65534 "$dir/vmail"
  cat >> "$dir/etc/main.cf" <<EOF
mydestination =
relayhost = $relay
alias_maps =
alias_database =
virtual_mailbox_domains = localhost
virtual_mailbox_base = $dir/vmail
virtual_mailbox_maps = inline:{ bench@localhost=bench/Maildir/ }
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
EOF
  postfix_start "$dir"
  MAILDIR="$dir/vmail/bench/Maildir"
}

# --- one measurement -----------------------------------------------------------------------------------
csv="$work/bench.csv"
echo "workload,description,system,unit,accept_rate,end_to_end_rate,end_to_end_seconds,cpu_seconds,system_cpu_seconds,peak_memory_mib,status" > "$csv"
fsync_csv="$work/fsyncs.csv"
echo "workload,system,accepted,sync_calls,per_message" > "$fsync_csv"
syncs="fsync,fdatasync,sync_file_range,msync"

trace_syncs() { # OUT: strace counting the sync calls of the server's processes, as TRACER
  local p args=()
  for p in $(tree_pids "$SERVER_PID"); do args+=(-p "$p"); done
  strace -f -qq -c -e trace="$syncs" -o "$1" "${args[@]}" &
  TRACER=$!
  sleep 1 # attached
}
count_syncs() { # WORKLOAD SYSTEM JSON
  local calls accepted
  kill -INT "$TRACER"; wait "$TRACER" 2>/dev/null || true
  calls=$(awk -v s=",$syncs," 'index(s, "," $NF ",") {n += $4} END {print n + 0}' "$3.strace")
  accepted=$(json_field "$3" accepted)
  echo "$1,$2,$accepted,$calls,$(awk -v c="$calls" -v m="$accepted" 'BEGIN {printf "%.2f", c / m}')" >> "$fsync_csv"
  log "$2 workload $1: $(tail -n 1 "$fsync_csv")"
}

generate() { # loadtest arguments...
  if [ "$client" = smtp-source ]; then "$py" "$root/loadtest/smtp_source.py" "$@"; else "$quail" loadtest "$@"; fi
}

measure() { # WORKLOAD DESCRIPTION SYSTEM UNIT JSONFILE -- loadtest arguments...
  local workload=$1 description=$2 system=$3 unit=$4 out=$5; shift 6
  local t0 t1 k0 k1 peak hwm status rc=0
  rm -f "$out.rss" "$out.rss.stop"
  sample_memory "$SERVER_PID" "$out.rss" &
  local sampler=$!
  [ "$fsyncs" = no ] || trace_syncs "$out.strace"
  read -r t0 k0 < <(cpu_split "$SERVER_PID")
  generate --json --target "127.0.0.1:$SERVER_PORT" --wait-timeout 120 "$@" > "$out" 2> "$out.err" || rc=$?
  read -r t1 k1 < <(cpu_split "$SERVER_PID")
  [ "$fsyncs" = no ] || count_syncs "$workload" "$system" "$out"
  hwm=$(hwm_kib "$SERVER_PID")
  touch "$out.rss.stop"; wait "$sampler" 2>/dev/null || true
  peak=$(cat "$out.rss" 2>/dev/null || echo 0)
  [ "${hwm:-0}" -gt "$peak" ] && [ "$system" = quail ] && peak=$hwm
  if [ ! -s "$out" ]; then
    log "$system workload $workload: the loadtest printed nothing (exit $rc): $(tail -n 3 "$out.err")"
    echo "$workload,$description,$system,$unit,n/a,n/a,n/a,n/a,n/a,n/a,loadtest failed" >> "$csv"
    return
  fi
  local accept e2e seconds
  if [ "$unit" = rcpt/s ]; then
    accept=$(json_field "$out" accept_rcpt_rate); e2e=$(json_field "$out" end_to_end_rcpt_rate)
  else
    accept=$(json_field "$out" accept_rate); e2e=$(json_field "$out" end_to_end_rate)
  fi
  seconds=$(json_field "$out" end_to_end_seconds)
  status=ok
  if [ "$(json_field "$out" ok)" != True ]; then
    status="incomplete: $(json_field "$out" end_to_end_delivered) of $(json_field "$out" end_to_end_expected) delivered"
    status="$status; rejected $(json_field "$out" rejected); failed $(json_field "$out" failed)"
    [ "$(json_field "$out" end_to_end_complete)" = True ] || e2e=n/a
  fi
  local hz cpu kernel
  hz=$(getconf CLK_TCK)
  cpu=$(awk -v t="$((t1 - t0))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
  kernel=$(awk -v t="$((k1 - k0))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
  echo "$workload,$description,$system,$unit,$accept,$e2e,$seconds,$cpu,$kernel,$(awk -v k="$peak" 'BEGIN {printf "%.0f", k / 1024}'),$status" >> "$csv"
  log "$system workload $workload: $(tail -n 1 "$csv")"
}

na_row() { echo "$1,$2,$3,$4,n/a,n/a,n/a,n/a,n/a,n/a,$5" >> "$csv"; log "$3 workload $1: $5"; }

# Quail's relay rows need remote delivery: one message through Quail must reach the sink.
quail_relays() {
  "$quail" loadtest --json --target "127.0.0.1:$SERVER_PORT" --messages 1 --to probe@sink.test \
    --wait-sink "127.0.0.1:$SINK_PORT" --wait-timeout 20 > "$1" 2>&1
}

# Which system goes first alternates from one row to the next: this machine's disk and neighbours drift within
# minutes (loadtest/README.md, the fifth round), and a fixed order would hand the drift to one system every time.
rows_run=0
run() { # WORKLOAD DESCRIPTION UNIT local|relay -- loadtest arguments...
  local workload=$1 description=$2 unit=$3 kind=$4; shift 5
  local system dir sinkport="" wait order=(quail postfix)
  [ $((rows_run++ % 2)) = 0 ] || order=(postfix quail)
  for system in "${order[@]}"; do
    dir="$work/w$workload-$system"
    mkdir -p "$dir"
    if [ "$kind" = relay ]; then start_sink "$dir"; sinkport=$SINK_PORT; fi
    log "$system workload $workload: $description"
    if [ "$system" = quail ]; then start_quail "$dir/home" $sinkport; else start_postfix "$dir/postfix" $sinkport; fi
    if [ "$kind" = relay ]; then wait=(--wait-sink "127.0.0.1:$SINK_PORT"); else wait=(--wait-maildir "$MAILDIR"); fi
    if [ "$kind" = relay ] && [ "$system" = quail ] && ! quail_relays "$dir/probe.json"; then
      na_row "$workload" "$description" "$system" "$unit" "n/a: Quail does not deliver to the sink yet (remote delivery)"
    else
      measure "$workload" "$description" "$system" "$unit" "$dir/result.json" -- "$@" "${wait[@]}"
    fi
    if [ "$system" = quail ]; then stop_quail; else stop_postfix "$dir/postfix"; fi
    if [ "$kind" = relay ]; then stop_sink; fi
    [ "$keep" = yes ] || rm -rf "$dir"
  done
}

selected() { [[ ",$only," == *",$1,"* ]]; }
selected 1 && run 1 "$N x 2 KiB; 20 sessions; local Maildir" msg/s local -- \
  --messages "$N" --concurrency 20 --size 2048 --to bench@localhost
selected 2 && run 2 "$N x 2 KiB; 20 sessions; relayed to a sink" msg/s relay -- \
  --messages "$N" --concurrency 20 --size 2048 --to bench@sink.test
fanout="$BIG x 1000 recipients; relayed to a sink"
if selected 3 && [ "$client" = smtp-source ]; then
  for system in quail postfix; do na_row 3 "$fanout" "$system" rcpt/s "n/a with smtp-source"; done
elif selected 3; then
  run 3 "$fanout" rcpt/s relay -- \
    --messages "$BIG" --rcpts 1000 --concurrency "$(( BIG < 20 ? BIG : 20 ))" --size 2048 --to rcpt@sink.test
fi
selected 4 && run 4 "qmail day: $DAY x 2 KiB end to end; 20 sessions; Maildir" msg/s local -- \
  --messages "$DAY" --concurrency 20 --size 2048 --to bench@localhost
selected 5 && run 5 "$N x 2 KiB; 20 clients; a connection per message; local Maildir" msg/s local -- \
  --messages "$N" --concurrency 20 --size 2048 --to bench@localhost --connection-per-message
selected 6 && run 6 "$BULK x 100 KiB; 20 sessions; relayed to a sink" msg/s relay -- \
  --messages "$BULK" --concurrency 20 --size 102400 --to bench@sink.test

# --- the report ----------------------------------------------------------------------------------------
mkdir -p "$results"
if [ "$fsyncs" = yes ]; then
  cp "$fsync_csv" "$results/fsyncs.csv"
  column -s, -t "$fsync_csv"
  exit 0
fi
machine="$(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), \
$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r), \
$(java -version 2>&1 | head -n 1), Postfix $("$postconf_bin" -d -h mail_version 2>/dev/null)"
when="$(date -u '+%Y-%m-%d %H:%M UTC')"
table="$("$py" - "$csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def num(v):
    try: return float(v)
    except ValueError: return None
def cpu(r):
    return "n/a" if not r or r['cpu_seconds'] == "n/a" else f"{r['cpu_seconds']} ({r['system_cpu_seconds']})"
def fmt(v, unit=""):
    x = num(v)
    return "n/a" if x is None else (f"{x:,.0f}" if x >= 100 else f"{x:.1f}") + unit
print("| workload | Quail end to end | Postfix end to end | Quail/Postfix | accept rate Q / P | time s Q / P | CPU s (of it system) Q / P | peak memory MiB Q / P |")
print("|---|---|---|---|---|---|---|---|")
notes = []
for w in dict.fromkeys(r["workload"] for r in rows):
    q = next((r for r in rows if r["workload"] == w and r["system"] == "quail"), None)
    p = next((r for r in rows if r["workload"] == w and r["system"] == "postfix"), None)
    both = [r for r in (q, p) if r]
    unit = " " + both[0]["unit"]
    g = lambda r, k: r[k] if r else "n/a"
    qe, pe = num(g(q, "end_to_end_rate")), num(g(p, "end_to_end_rate"))
    ratio = f"{qe / pe:.2f}" if qe is not None and pe else "n/a"
    print(f"| {w}. {both[0]['description']} | {fmt(g(q, 'end_to_end_rate'), unit)} | {fmt(g(p, 'end_to_end_rate'), unit)} "
          f"| {ratio} | {fmt(g(q, 'accept_rate'))} / {fmt(g(p, 'accept_rate'))} "
          f"| {fmt(g(q, 'end_to_end_seconds'))} / {fmt(g(p, 'end_to_end_seconds'))} "
          f"| {cpu(q)} / {cpu(p)} | {g(q, 'peak_memory_mib')} / {g(p, 'peak_memory_mib')} |")
    notes += [f"{w}. {r['system']}: {r['status']}" for r in both if r["status"] != "ok"]
if notes:
    print()
    for n in notes: print(f"- {n}")
EOF
)"
if [ "$client" = smtp-source ]; then
  cp "$csv" "$results/bench-smtp-source.csv"
  printf '\nQuail vs Postfix through smtp-source, %s\n%s\n\n%s\n\nwrote %s\n' "$when" "$machine" "$table" \
    "$results/bench-smtp-source.csv"
  exit 0
fi
cp "$csv" "$results/bench.csv"
java -Djava.awt.headless=true -cp "$work/dist/loadtest/target/quail-loadtest.jar:$work/dist/loadtest/target/lib/*" \
  dev.quail.loadtest.Main chart "$results/bench.csv" "$results/bench.png" --subtitle "$when; $machine; scale $scale"

command_line="loadtest/bench.sh$( [ "$scale" = 1 ] || echo " --scale $scale")$( [ "$only" = "$all" ] || echo " --only $only")"
section="$work/section.md"
{
  echo "<!-- bench:begin (written by loadtest/bench.sh) -->"
  echo "Run $when with \`$command_line\` on $machine."
  echo
  echo "$table"
  echo
  echo "CSV: [results/bench.csv](results/bench.csv), chart: [results/bench.png](results/bench.png)"
  echo "<!-- bench:end -->"
} > "$section"
if grep -q '<!-- bench:begin' "$readme" 2>/dev/null; then
  "$py" - "$readme" "$section" <<'EOF'
import re, sys
readme, section = open(sys.argv[1]).read(), open(sys.argv[2]).read().rstrip("\n")
open(sys.argv[1], "w").write(re.sub(r"<!-- bench:begin.*?<!-- bench:end -->", lambda m: section, readme, flags=re.S))
EOF
else
  { echo; echo "## Latest results"; echo; cat "$section"; } >> "$readme"
fi

echo
echo "Quail vs Postfix, $when"
echo "$machine"
echo
echo "$table"
echo
echo "wrote $results/bench.csv, $results/bench.png and the results in $readme"
