#!/usr/bin/env bash
# profile.sh: where a Quail server's CPU goes under one workload, and what a change to the server costs or saves
# (issue 18). The server runs a warm-up, then async-profiler (from Maven Central, tools.profiler:async-profiler)
# is attached to it for the measured messages only. Its CPU timer samples every thread whatever it is doing, so
# the kernel's time in a system call (fsync, open, write), the garbage collector and the JIT compiler are in the
# profile; a JFR recording leaves those out, and its shares are of the Java time alone.
#
#   workloads  maildir         N x SIZE to a local Maildir, 20 sessions reusing their connections (bench row 1)
#              relay           N x SIZE relayed to `quail sink`, 20 sessions (bench rows 2 and 6)
#              per-connection  N x SIZE to a local Maildir, 20 clients, a connection per message (bench row 5)
#   control    (with --control FILE=VALUE, repeatable) control/FILE of every server measured holds VALUE, e.g.
#              --control concurrencylocal=2
#   other      (with --other PATH) a second Quail: the server of another checkout's launcher, run in the same
#              rounds, in an order that rotates from round to round, so the machine's drift favours neither
#
# Measured over the N of each run: the server's CPU milliseconds a message (utime+stime from /proc of the
# server's processes, as bench.sh measures), and of them the system time: the kernel's work for the server's
# system calls, which no change to Quail's own code can take away. Prints one line per run, the medians, the CPU
# by thread (from /proc/PID/task, no sampling: Pekko's dispatcher, the blocking-io pool, the journal writer...), and
# the frames with the most self time; writes profile-NAME.svg (and profile-NAME-other.svg) into loadtest/results/ (or
# --out DIR), each the flame graph of all its rounds' samples. Profiling costs the server a few percent, the same
# for both. Exits 1 when a run did not deliver every message (its line says how many). Needs a JDK and Maven.
#
# Usage: loadtest/profile.sh [--workload maildir|relay|per-connection] [--messages N] [--size BYTES]
#                            [--warmup N] [--rounds R] [--other PATH] [--control FILE=VALUE]... [--name NAME]
#                            [--out DIR] [--keep]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
results="$root/loadtest/results"
py=/usr/bin/python3
profiler_version=4.1

workload=maildir
messages=10000
size=2048
warmup=2000
rounds=1
other=""
label=""
controls=()
keep=no
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --workload) workload="${2:?--workload needs maildir, relay or per-connection}"; shift 2 ;;
    --messages) messages="${2:?--messages needs a number}"; shift 2 ;;
    --size) size="${2:?--size needs a number of bytes}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --other) other="${2:?--other needs a quail launcher}"; shift 2 ;;
    --control) controls+=("${2:?--control needs FILE=VALUE}"); shift 2 ;;
    --out) results="${2:?--out needs a directory}"; shift 2 ;;
    --name) label="${2:?--name needs a word}"; shift 2 ;;
    --keep) keep=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "profile: unknown argument '$1'" >&2; usage >&2; exit 100 ;;
  esac
done
case "$workload" in maildir|relay|per-connection) ;; *) echo "profile: unknown workload '$workload'" >&2; exit 100 ;; esac
for n in "$messages" "$size" "$rounds"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "profile: --messages, --size and --rounds need positive numbers" >&2; exit 100; }
done
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "profile: --warmup needs a number" >&2; exit 100; }
[[ "${label:-x}" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "profile: --name takes letters, digits, '.', '_' and '-'" >&2; exit 100; }
label=${label:-$workload}
[ -z "$other" ] || [ -x "$other" ] || { echo "profile: $other is not a launcher" >&2; exit 100; }
for c in "${controls[@]+"${controls[@]}"}"; do
  [[ "$c" =~ ^[a-z0-9]+=.*$ ]] || { echo "profile: --control needs FILE=VALUE, not '$c'" >&2; exit 100; }
done
for tool in jcmd jar mvn; do command -v "$tool" >/dev/null || { echo "profile: needs $tool (a JDK and Maven)" >&2; exit 111; }; done
[ -x "$py" ] || { echo "profile: needs $py" >&2; exit 111; }

work="$(mktemp -d /tmp/quail-profile.XXXXXX)"
name=profile
# shellcheck source=loadtest/harness.sh
source "$root/loadtest/harness.sh"

case "$(uname -m)" in
  x86_64) arch=linux-x64 ;;
  aarch64) arch=linux-arm64 ;;
  *) log "async-profiler has no library for $(uname -m)"; exit 111 ;;
esac
log "fetching async-profiler $profiler_version from Maven Central"
(cd "$root" && mvn -B -q -ntp -N dependency:copy -Dartifact="tools.profiler:async-profiler:$profiler_version" \
  -DoutputDirectory="$work/ap" >&2)
(cd "$work/ap" && jar xf "async-profiler-$profiler_version.jar" "$arch/libasyncProfiler.so")
agent="$work/ap/$arch/libasyncProfiler.so"
# jcmd reads NAME=VALUE as its own argument syntax: the profiler's options go quoted, as one string. jcmd exits 0
# whatever the agent answered; the agent's own status is its "return code" line.
profiler() { # PID OPTIONS
  jcmd "$1" JVMTI.agent_load "$agent" "\"$2\"" > "$work/jcmd.out" 2>&1 && grep -q "return code: 0" "$work/jcmd.out" \
    || { cat "$work/jcmd.out" >&2; log "async-profiler refused '$2' (its messages are in the server's output)"; exit 111; }
}

start_server() { # HOME -> SERVER_PORT, SERVER_PID, MAILDIR: harness.sh's start_quail, with the control files
  local c
  mkdir -p "$1/control"
  for c in "${controls[@]+"${controls[@]}"}"; do echo "${c#*=}" > "$1/control/${c%%=*}"; done
  if [ "$workload" = relay ]; then start_quail "$1" "$SINK_PORT"; else start_quail "$1"; fi
}

load() { # COUNT OUT
  local to=bench@localhost wait=(--wait-maildir "$MAILDIR") flags=()
  if [ "$workload" = relay ]; then to=bench@sink.test; wait=(--wait-sink "127.0.0.1:$SINK_PORT"); fi
  [ "$workload" = per-connection ] && flags=(--connection-per-message)
  "$quail" loadtest --json --target "127.0.0.1:$SERVER_PORT" --messages "$1" --concurrency 20 --size "$size" \
    --to "$to" "${flags[@]+"${flags[@]}"}" "${wait[@]}" > "$2" 2> "$2.err" || true
}

csv="$work/profile.csv"
echo "round,system,messages,seconds,end_to_end_rate,cpu_seconds,cpu_ms_per_message,system_ms_per_message,status" > "$csv"
threads="$work/threads.csv"
echo "round,system,user_ticks,system_ticks,thread" > "$threads"

one() { # ROUND SYSTEM
  local round=$1 system=$2 dir="$work/r$1-$2" t0 t1 k0 k1 out status launcher=$quail
  [ "$system" = other ] && launcher=$other
  mkdir -p "$dir"
  [ "$workload" = relay ] && start_sink "$dir"
  start_server "$dir/home" # the server is $launcher's: start_quail reads it
  [ "$warmup" = 0 ] || load "$warmup" "$dir/warmup.json"
  out="$dir/result.json"
  profiler "$SERVER_PID" "start,event=ctimer,interval=1ms"
  thread_ticks "$SERVER_PID" > "$dir/threads.before"
  read -r t0 k0 < <(cpu_split "$SERVER_PID")
  load "$messages" "$out"
  read -r t1 k1 < <(cpu_split "$SERVER_PID")
  thread_ticks "$SERVER_PID" > "$dir/threads.after"
  profiler "$SERVER_PID" "stop,collapsed,dot,file=$work/$system-$round.collapsed"
  stop_quail
  [ "$workload" = relay ] && stop_sink
  status=ok
  [ "$(json_field "$out" ok 2>/dev/null)" = True ] || status="incomplete: $(json_field "$out" end_to_end_delivered 2>/dev/null \
    || tail -n 1 "$out.err") of $messages delivered"
  "$py" - "$out" "$round" "$system" "$((t1 - t0))" "$((k1 - k0))" "$(getconf CLK_TCK)" "$status" >> "$csv" <<'EOF'
import json, sys
out, round_, system, ticks, kernel, hz, status = sys.argv[1:]
try: r = json.load(open(out))
except ValueError: r = {}
cpu = int(ticks) / int(hz)
n = r.get("end_to_end_delivered") or 0
print(f"{round_},{system},{n},{r.get('end_to_end_seconds') or 0:.3f},{r.get('end_to_end_rate') or 0:.0f},{cpu:.2f},"
      f"{cpu / n * 1e3 if n else 0:.3f},{int(kernel) / int(hz) / n * 1e3 if n else 0:.3f},{status}")
EOF
  "$py" - "$dir/threads.before" "$dir/threads.after" "$round" "$system" "$((t1 - t0))" "$((k1 - k0))" >> "$threads" <<'EOF'
import csv, re, sys
before, after, round_, system, process, process_system = sys.argv[1:]
def read(path):
    ticks = {}
    for line in open(path):
        tid, user, kernel, name = line.rstrip("\n").split(" ", 3)
        ticks[tid] = (int(user), int(kernel), re.sub(r"[-#_ ]?[0-9]+$", "", name))
    return ticks
b, groups = read(before), {}
for tid, (user, kernel, name) in read(after).items():
    u0, k0, _ = b.get(tid, (0, 0, name))  # a thread born during the run counts from nothing
    g = groups.setdefault(name, [0, 0])
    g[0] += user - u0; g[1] += kernel - k0
seen_system = sum(k for u, k in groups.values())
seen_user = sum(u for u, k in groups.values())
groups["(threads that ended; child processes)"] = [int(process) - int(process_system) - seen_user,
                                                    int(process_system) - seen_system]
out = csv.writer(sys.stdout, lineterminator="\n")
for name, (user, kernel) in groups.items(): out.writerow([round_, system, user, kernel, name])
EOF
  log "round $round $system: $(tail -n 1 "$csv")"
  [ "$keep" = yes ] || rm -rf "$dir"
}

systems=(quail)
[ -z "$other" ] || systems+=(other)
rounds_rotating "$rounds" "${systems[@]}"

mkdir -p "$results"
for system in "${systems[@]}"; do
  suffix=""; [ "$system" = other ] && suffix=-other
  cat "$work/$system"-*.collapsed > "$work/$system.collapsed"
  echo
  echo "== $system ($([ "$system" = other ] && echo "$other" || echo "this checkout")): $workload, $messages x $size bytes"
  "$quail" flamegraph "$work/$system.collapsed" "$results/profile-$label$suffix.svg" --top 15 \
    --title "Quail server CPU, $workload, $messages x $size bytes ($system)"
  echo "wrote $results/profile-$label$suffix.svg" >&2
done
echo
"$py" - "$csv" "$threads" "$(getconf CLK_TCK)" <<'EOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok"]
threads = list(csv.DictReader(open(sys.argv[2])))
hz = int(sys.argv[3])
# The kernel's thread names, cut at 15 characters, and what runs on each.
WHAT = {"quail-pekko.act": "actors and streams (Pekko's default dispatcher)",
        "quail-quail.blo": "local deliveries, body reads (blocking-io dispatcher)",
        "quail-journal-w": "the journal's writer (group commit, fsync)",
        "quail-pekko.per": "the journal actor (Pekko Persistence)",
        "quail-pekko.io.": "Pekko IO (TCP)",
        "AsyncAppender-W": "the mail log's writers (quail.log, stdout)",
        "quail-events": "log/events.jsonl's writer",
        "leveldb-compact": "LevelDB compaction",
        "quail-scheduler": "Pekko's timers",
        "GC Thread": "garbage collector",
        "C1 CompilerThre": "JIT compiler (C1)",
        "C2 CompilerThre": "JIT compiler (C2)"}
for system in ("quail", "other"):
    mine = [r for r in rows if r["system"] == system]
    if not mine: continue
    ms = [float(r["cpu_ms_per_message"]) for r in mine]
    kernel = statistics.median(float(r["system_ms_per_message"]) for r in mine)
    rate = statistics.median(float(r["end_to_end_rate"]) for r in mine)
    print(f"{system}: {len(mine)} run(s), server CPU ms a message median {statistics.median(ms):.3f} "
          f"({', '.join(f'{m:.3f}' for m in ms)}), of it system time {kernel:.3f}; "
          f"end-to-end median {rate:,.0f} msg/s")
    counted = {r["round"] for r in mine}
    messages = sum(int(r["messages"]) for r in mine)
    by = {}
    for t in threads:
        if t["system"] != system or t["round"] not in counted: continue
        g = by.setdefault(t["thread"], [0, 0])
        g[0] += int(t["user_ticks"]); g[1] += int(t["system_ticks"])
    whole = sum(u + k for u, k in by.values()) or 1
    per = lambda ticks: ticks / hz / messages * 1e3
    print("  by thread, CPU ms a message over those runs (user + system), from /proc/PID/task:")
    for name, (user, kernel) in sorted(by.items(), key=lambda kv: -sum(kv[1])):
        if (user + kernel) * 1000 < whole: continue  # under 0.1%
        print(f"  {per(user + kernel):7.3f} ({per(user):.3f} + {per(kernel):.3f}) {100 * (user + kernel) / whole:5.1f}%"
              f"  {name}{'  ' + WHAT[name] if name in WHAT else ''}")
failed = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] != "ok"]
for r in failed: print(f"round {r['round']} {r['system']}: {r['status']}: not counted")
sys.exit(1 if failed else 0)
EOF
