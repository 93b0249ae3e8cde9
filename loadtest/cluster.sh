#!/usr/bin/env bash
# cluster.sh: a Quail cluster on one machine (issue 13), a demo and a test bed. Three nodes (`quail start
# --cluster`, each with its own home) share a journal in a private PostgreSQL; HAProxy spreads SMTP over them
# round robin with send-proxy-v2 (the nodes run --proxy-protocol) and a health check every 500 ms; every node
# relays all mail for sink.test to one `quail sink`, which counts it. Everything listens on 127.0.0.1.
#
#   up          builds when needed, then starts PostgreSQL, the sink, the nodes and HAProxy (what a previous run
#               left in the state directory is removed first) and prints where each listens
#   status      each node alive or not and the partitions it started, `quail qstat` of a live node, HAProxy's view of
#               each node, the sink's count
#   kill NODE   kill -9 of node NODE (1, 2 or 3)
#   start NODE  starts node NODE again on its home (after a kill): it rejoins the cluster
#   down        stops everything it started; the state (homes, logs) stays for reading until the next up
#
# Mail to any address @sink.test is accepted and relayed, e.g.
#   ./quail loadtest --target 127.0.0.1:2550 --messages 3000 --concurrency 10 --to a@sink.test --wait-sink 127.0.0.1:2580
#
# Environment: QUAIL_CLUSTER_NODES, how many nodes (default 3; the same for every command of one cluster);
# QUAIL_CLUSTER_DIR, the state (default $TMPDIR/quail-cluster, else /tmp/quail-cluster); ports
# QUAIL_CLUSTER_SMTP (HAProxy, 2550), QUAIL_CLUSTER_NODE_SMTP (node 1's SMTP, 2551; node N's is that + N - 1),
# QUAIL_CLUSTER_REMOTING (node 1's Pekko remoting, 2561; likewise), QUAIL_CLUSTER_POSTGRES (2570),
# QUAIL_CLUSTER_SINK (2580), QUAIL_CLUSTER_STATS (HAProxy's statistics page, 2590).
# Needs /usr/bin/python3; installs haproxy and postgresql from apt when missing (as root, or through sudo).
# As root, PostgreSQL runs as the user postgres (it refuses root), so the state directory's parents must let it in.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quail="$root/quail"
py=/usr/bin/python3
peers="$root/src/test/system/peers.py" # the system tests' PostgreSQL and HAProxy set-ups, shared
state="${QUAIL_CLUSTER_DIR:-${TMPDIR:-/tmp}/quail-cluster}"
front=${QUAIL_CLUSTER_SMTP:-2550}
node_smtp=${QUAIL_CLUSTER_NODE_SMTP:-2551}
remoting=${QUAIL_CLUSTER_REMOTING:-2561}
pg_port=${QUAIL_CLUSTER_POSTGRES:-2570}
sink=${QUAIL_CLUSTER_SINK:-2580}
stats=${QUAIL_CLUSTER_STATS:-2590}
mapfile -t nodes < <(seq 1 "${QUAIL_CLUSTER_NODES:-3}")
partition_count=6 # each node starts with --partitions this
marker="$state/.quail-cluster" # up removes only a directory that holds it
# shellcheck source=loadtest/dist.sh
source "$root/loadtest/dist.sh"

log() { echo "cluster: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

pid_of() { cat "$state/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
seeds() { local n s=""; for n in "${nodes[@]}"; do s+="${s:+,}127.0.0.1:$((remoting + n - 1))"; done; echo "$s"; }

need_packages() {
  local need=() sudo=""
  command -v haproxy >/dev/null || need+=(haproxy)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  [ ${#need[@]} -gt 0 ] || return 0
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  log "installing ${need[*]} from apt"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2; }
}

# A process that outlives this script: its own session, so a Ctrl-C or a closed terminal does not reach it.
spawn() { # NAME COMMAND...: runs it with its output in NAME.out, its pid in NAME.pid
  local name=$1; shift
  setsid "$@" > "$state/$name.out" 2>&1 < /dev/null &
  echo $! > "$state/$name.pid"
}

make_home() { # N
  local home="$state/node$1"
  mkdir -p "$home/control"
  echo "mx.cluster.test" > "$home/control/me" # the same control files on every node (nodes warn otherwise)
  echo "sink.test" > "$home/control/rcpthosts"
  echo "sink.test:127.0.0.1:$sink" > "$home/control/smtproutes"
}

start_node() { # N
  local n=$1
  alive "node$n" && { log "node $n is already running (pid $(pid_of "node$n"))"; return 0; }
  spawn "node$n" "$quail" start --home "$state/node$n" --smtp "127.0.0.1:$((node_smtp + n - 1))" \
    --cluster "127.0.0.1:$((remoting + n - 1))" --seeds "$(seeds)" --journal "$(cat "$state/journal")" --proxy-protocol \
    --partitions "$partition_count"
}

wait_node() { # N: until it listens for SMTP
  wait_listening "$((node_smtp + $1 - 1))" "$(pid_of "node$1")" \
    || { tail -n 30 "$state/node$1.out" >&2; log "node $1 did not start"; exit 111; }
}

# Where each queue partition runs, as the nodes' logs (since each one's last start) tell: a partition runs on one node
# at a time, so on the one that logged starting it last. A killed node keeps its partitions here until they start
# elsewhere (once the cluster has downed it).
partitions() { # N: the partitions node N started last, e.g. "0 5"
  local n
  for n in "${nodes[@]}"; do
    awk -v n="$n" 'match($0, /queue partition [0-9]+ started/) {split(substr($0, RSTART, RLENGTH), w, " "); print $1, w[3], n}'       "$state/node$n.out" 2>/dev/null || true
  done | sort | awk '{node[$2] = $3} END {for (p in node) print p, node[p]}' | awk -v n="$1" '$2 == n {print $1}' | sort -n | xargs
}

wait_partitions() { # SHARE N...: until each runs at least SHARE partitions (the cluster formed and spread the queue)
  local i n share=$1 missing
  shift
  for i in $(seq 1 180); do
    missing=""
    for n in "$@"; do [ "$(partitions "$n" | wc -w)" -ge "$share" ] || missing+=" $n"; done
    [ -z "$missing" ] && return 0
    sleep 0.5
  done
  log "fewer than $share queue partition(s) started on node(s)$missing within 90 s; see $state/node*.out"
  return 1
}

up() {
  local n
  for n in sink haproxy "${nodes[@]/#/node}"; do
    alive "$n" && { log "already up ($state); 'loadtest/cluster.sh down' first"; exit 100; }
  done
  if [ -e "$state" ]; then
    [ -e "$marker" ] || { log "$state exists and is not a cluster's state; set QUAIL_CLUSTER_DIR"; exit 100; }
    "$py" "$peers" postgres-stop "$state/postgres" 2>/dev/null || true
    rm -rf "$state"
  fi
  need_packages
  mkdir -p "$state"
  chmod 755 "$state" # as root, PostgreSQL's own user works in $state/postgres
  touch "$marker"
  trap 'rc=$?; [ "$rc" -eq 0 ] || { log "up failed; stopping what it started"; down; }' EXIT
  copy_dist "$state/dist"

  "$py" "$peers" postgres "$state/postgres" "$pg_port" > "$state/journal"
  spawn sink "$quail" sink --listen "127.0.0.1:$sink"
  wait_listening "$sink" "$(pid_of sink)" || { cat "$state/sink.out" >&2; log "the sink did not start"; exit 111; }
  for n in "${nodes[@]}"; do make_home "$n"; start_node "$n"; done
  for n in "${nodes[@]}"; do wait_node "$n"; done
  start_haproxy
  # Until each node runs its share: sharding moves one partition every 2 s, and mail placed in a partition on
  # the move waits for it (a benchmark measured the moves, not the cluster).
  log "waiting for the cluster to spread its $partition_count queue partitions evenly over the nodes"
  wait_partitions "$((partition_count / ${#nodes[@]}))" "${nodes[@]}" || exit 111
  cat <<EOF
SMTP (HAProxy, round robin, send-proxy-v2): 127.0.0.1:$front  (statistics: http://127.0.0.1:$stats/)
$(for n in "${nodes[@]}"; do echo "node $n: SMTP 127.0.0.1:$((node_smtp + n - 1)), remoting 127.0.0.1:$((remoting + n - 1)), home $state/node$n, partitions $(partitions "$n")"; done)
journal: $(sed 's/password=[^&]*/password=.../' "$state/journal")
sink: 127.0.0.1:$sink (mail to any address @sink.test ends there)
try: ./quail loadtest --target 127.0.0.1:$front --messages 3000 --concurrency 10 --to a@sink.test --wait-sink 127.0.0.1:$sink
EOF
  trap - EXIT
}

start_haproxy() {
  local n targets=()
  for n in "${nodes[@]}"; do targets+=("127.0.0.1:$((node_smtp + n - 1))"); done
  {
    "$py" "$peers" haproxy-config "$front" "${targets[@]}"
    printf 'listen stats\n    mode http\n    bind 127.0.0.1:%d\n    stats enable\n    stats uri /\n' "$stats"
  } > "$state/haproxy.cfg"
  haproxy -D -p "$state/haproxy.pid" -f "$state/haproxy.cfg" 2> "$state/haproxy.out" \
    || { cat "$state/haproxy.out" >&2; log "HAProxy did not start"; exit 111; }
  wait_listening "$front" "$(pid_of haproxy)" || { log "HAProxy did not listen"; exit 111; }
}

http_get() { # PORT PATH: the body
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

sink_stat() { # the sink's STAT line: messages=N recipients=N bytes=N connections=N
  exec 3<>"/dev/tcp/127.0.0.1/$sink"
  read -r _ <&3
  printf 'STAT\r\n' >&3
  read -r line <&3
  printf 'QUIT\r\n' >&3
  exec 3<&-
  echo "${line#* }" | tr -d '\r'
}

status() {
  local n live=""
  for n in "${nodes[@]}"; do
    if alive "node$n"; then
      echo "node $n: up (pid $(pid_of "node$n")), runs partitions $(partitions "$n")"
      live=${live:-$n}
    elif [ -n "$(partitions "$n")" ]; then
      echo "node $n: down; its partitions $(partitions "$n") start elsewhere once the cluster has downed it"
    else
      echo "node $n: down"
    fi
  done
  if [ -n "$live" ]; then
    echo "quail qstat (node $live):"
    timeout 30 "$state/dist/quail" qstat --home "$state/node$live" | sed 's/^/  /' || echo "  (no answer)"
  fi
  if alive haproxy; then
    echo "HAProxy:"
    http_get "$stats" '/;csv' | awk -F, '$1 == "smtp" && $2 ~ /^node/ {printf "  %s %s, %s sessions now, %s in all\n", $2, $18, $5, $8}'
  else
    echo "HAProxy: down"
  fi
  if alive sink; then echo "sink: $(sink_stat)"; else echo "sink: down"; fi
}

stop() { # NAME: SIGTERM, then SIGKILL after 30 s
  local pid i
  pid=$(pid_of "$1")
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$1 (pid $pid) did not stop in 30 s: kill -9"
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  [ -e "$marker" ] || { log "nothing to stop in $state"; return 0; }
  stop haproxy
  for n in "${nodes[@]}"; do stop "node$n"; done
  stop sink
  "$py" "$peers" postgres-stop "$state/postgres"
  log "stopped; homes and logs stay in $state"
}

node_arg() { # N: checks a node number
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "${#nodes[@]}" ] || { log "NODE is 1 to ${#nodes[@]}"; exit 100; }
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  kill)
    node_arg "${2:-}"
    alive "node$2" || { log "node $2 is not running"; exit 111; }
    kill -KILL "$(pid_of "node$2")"
    log "node $2 killed (kill -9); its partitions move to the others once the cluster downs it (5-10 s)" ;;
  start)
    node_arg "${2:-}"
    quail="$state/dist/quail"
    start_node "$2"; wait_node "$2"
    log "node $2 listening; waiting for it to take partitions"
    wait_partitions 1 "$2" || exit 111
    log "node $2 holds partitions $(partitions "$2")" ;;
  -h|--help) usage ;;
  *) usage >&2; exit 100 ;;
esac
