#!/usr/bin/env bash
# cluster-bench.sh: relay throughput of a Quail cluster of 1, 2 and 3 nodes behind HAProxy (loadtest/cluster.sh:
# PostgreSQL, HAProxy, the nodes and a sink, all on this machine) against one node on its own LevelDB journal, with
# the bench's relay row: N x 2 KiB messages, 20 sessions, relayed to `quail sink`, measured to the last message at
# the sink. Each system first relays 2,000 messages that are not measured (every JVM compiles the hot path once).
# For each system: msg/s end to end, CPU seconds of the Quail JVMs and of PostgreSQL (from /proc, utime+stime of
# each process tree; HAProxy, the generator and the sink are not counted), and per message the database's
# commits and inserted rows (pg_stat_database), WAL bytes and WAL flushes (pg_stat_wal): the figures the paper
# estimate in loadtest/README.md is built on.
#
# Writes loadtest/results/cluster.csv, a row per system and round. Everything listens on 127.0.0.1 (cluster.sh's
# ports). Usage: loadtest/cluster-bench.sh [--messages N (default 20,000)] [--rounds R (default 1)]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
py=/usr/bin/python3
messages=20000
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="${2:?--messages needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 100 ;;
  esac
done
work="$(mktemp -d /tmp/quail-cluster-bench.XXXXXX)"
chmod 755 "$work" # as root, PostgreSQL's own user works below it
name=cluster-bench
keep=no
# shellcheck source=loadtest/harness.sh
source "$root/loadtest/harness.sh"
# A cluster this script left up (it stopped half-way) goes down before its state directory is removed.
trap '[ -z "${QUAIL_CLUSTER_DIR:-}" ] || QUAIL_CLUSTER_NODES=$n "$root/loadtest/cluster.sh" down 2>/dev/null; cleanup' EXIT
csv="$root/loadtest/results/cluster.csv"
echo "round,system,messages,msg_per_s,seconds,quail_cpu_s,postgres_cpu_s,commits_per_msg,rows_per_msg,wal_bytes_per_msg,wal_syncs_per_msg" > "$csv"

cpu_s() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}'; }
ticks_of() { local total=0 pid; for pid in "$@"; do total=$((total + $(cpu_ticks "$pid"))); done; echo "$total"; }
pg_counters() { # commits, inserted rows, WAL bytes, WAL flushes to disk
  psql -X -A -t -h 127.0.0.1 -p "${QUAIL_CLUSTER_POSTGRES:-2570}" -U quail -d quail -c "select d.xact_commit || ' ' ||
    d.tup_inserted || ' ' || w.wal_bytes || ' ' || w.wal_sync from pg_stat_database d, pg_stat_wal w where d.datname = 'quail'"
}

load() { # PORT SINKPORT MESSAGES -> the loadtest's JSON in $work/load.json
  "$quail" loadtest --json --target "127.0.0.1:$1" --messages "$3" --concurrency 20 --size 2048 \
    --to bench@sink.test --wait-sink "127.0.0.1:$2" --wait-timeout 300 > "$work/load.json" \
    || { cat "$work/load.json" >&2; log "the load generator failed on 127.0.0.1:$1"; exit 111; }
}

per_msg() { awk -v c="$1" -v m="$messages" -v f="$2" 'BEGIN {printf f, c / m}'; }
row() { # ROUND SYSTEM QUAIL_TICKS POSTGRES_TICKS COMMITS ROWS WAL_BYTES WAL_SYNCS
  local rate seconds
  rate=$(json_field "$work/load.json" end_to_end_rate); seconds=$(json_field "$work/load.json" end_to_end_seconds)
  echo "$1,$2,$messages,$rate,$seconds,$(cpu_s "$3"),$(cpu_s "$4"),$(per_msg "$5" %.2f),$(per_msg "$6" %.2f),$(per_msg "$7" %.0f),$(per_msg "$8" %.3f)" >> "$csv"
  log "$(tail -n 1 "$csv")"
}

single() { # ROUND: one node, its own LevelDB journal, no balancer: the bench's relay row
  local t0 t1
  start_sink "$work"
  start_quail "$work/single$1" "$SINK_PORT"
  load "$SERVER_PORT" "$SINK_PORT" 2000
  t0=$(cpu_ticks "$SERVER_PID"); load "$SERVER_PORT" "$SINK_PORT" "$messages"; t1=$(cpu_ticks "$SERVER_PID")
  row "$1" "single node (LevelDB)" "$((t1 - t0))" 0 0 0 0 0
  stop_quail; stop_sink
}

cluster() { # ROUND N: a cluster of N nodes behind HAProxy
  local nodes=() i postmaster c0 r0 w0 s0 c1 r1 w1 s1 q0 q1 p0 p1
  export QUAIL_CLUSTER_DIR="$work/cluster$2" # a state of its own for each size
  QUAIL_CLUSTER_NODES=$2 "$root/loadtest/cluster.sh" up > "$work/up.$2" 2>&1 \
    || { rc=$?; cat "$work/up.$2" >&2; log "cluster.sh up with $2 node(s) failed (exit $rc)"; exit 111; }
  for i in $(seq 1 "$2"); do nodes+=("$(cat "$QUAIL_CLUSTER_DIR/node$i.pid")"); done
  postmaster=$(head -n 1 "$QUAIL_CLUSTER_DIR/postgres/data/postmaster.pid")
  load "${QUAIL_CLUSTER_SMTP:-2550}" "${QUAIL_CLUSTER_SINK:-2580}" 2000
  read -r c0 r0 w0 s0 < <(pg_counters); q0=$(ticks_of "${nodes[@]}"); p0=$(cpu_ticks "$postmaster")
  load "${QUAIL_CLUSTER_SMTP:-2550}" "${QUAIL_CLUSTER_SINK:-2580}" "$messages"
  read -r c1 r1 w1 s1 < <(pg_counters); q1=$(ticks_of "${nodes[@]}"); p1=$(cpu_ticks "$postmaster")
  row "$1" "cluster of $2 behind HAProxy" "$((q1 - q0))" "$((p1 - p0))" "$((c1 - c0))" "$((r1 - r0))" "$((w1 - w0))" "$((s1 - s0))"
  QUAIL_CLUSTER_NODES=$2 "$root/loadtest/cluster.sh" down 2>/dev/null
  unset QUAIL_CLUSTER_DIR
}

for round in $(seq 1 "$rounds"); do
  single "$round"
  for n in 1 2 3; do cluster "$round" "$n"; done
done
column -s, -t "$csv"
