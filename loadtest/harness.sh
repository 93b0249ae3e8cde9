# harness.sh: what bench.sh, list-fanout.sh and metrics-overhead.sh share, sourced by each once it has set
# name (its log prefix), root, quail, py, keep (yes to leave work behind) and work (its temporary directory).
# Sourcing builds once and points quail at a copy of the built distribution; cleanup at exit stops every
# server and Postfix instance the script started.

postfix_bin=/usr/sbin/postfix

log() { echo "$name: $*" >&2; }

need_postfix() {
  [ -x "$postfix_bin" ] && return 0
  log "installing Postfix from apt"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix >&2; }
}

# shellcheck source=loadtest/dist.sh
source "$root/loadtest/dist.sh"
copy_dist "$work/dist"

pids=()
postfix_dirs=()
cleanup() {
  local pid dir
  for dir in "${postfix_dirs[@]+"${postfix_dirs[@]}"}"; do "$postfix_bin" -c "$dir/etc" stop >/dev/null 2>&1 || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep" = yes ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
forget_pid() { local keep_pids=() p; for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep_pids+=("$p"); done; pids=("${keep_pids[@]+"${keep_pids[@]}"}"); }
json_field() { "$py" -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("n/a" if v is None else v)' "$1" "$2"; }

# --- measuring a server: its process and the children it started -------------------------------------
tree_pids() { ps -o pid= -p "$1" --ppid "$1" 2>/dev/null || true; }
stat_times() { # a line of /proc/.../stat -> times=(UTIME STIME CUTIME CSTIME), in clock ticks
  # shellcheck disable=SC2086
  set -- ${1##*) } # the name may hold spaces and ')': fields start after its last ')'; $1 is field 3 (state)
  times=("${12}" "${13}" "${14}" "${15}")
}
cpu_split() { # PID: "TOTAL SYSTEM", utime+stime of the tree and its stime alone, each with what the root reaped
  local rootpid=$1 total=0 system=0 pid stat times
  for pid in $(tree_pids "$rootpid"); do
    read -r stat < "/proc/$pid/stat" 2>/dev/null || continue
    stat_times "$stat"
    total=$((total + times[0] + times[1]))
    system=$((system + times[1]))
    [ "$pid" = "$rootpid" ] && total=$((total + times[2] + times[3])) system=$((system + times[3]))
  done
  echo "$total $system"
}
cpu_ticks() { local total system; read -r total system < <(cpu_split "$1"); echo "$total"; } # PID: TOTAL alone
thread_ticks() { # PID: "TID USER SYSTEM NAME" a line for each live thread of the process, in clock ticks
  local task stat name times
  for task in /proc/"$1"/task/*; do
    read -r stat < "$task/stat" 2>/dev/null || continue
    name=${stat#*(}; name=${name%)*} # the kernel's name (15 characters at most), which may hold spaces
    stat_times "$stat"
    echo "${task##*/} ${times[0]} ${times[1]} $name"
  done
}
pss_kib() { # proportional set size of the tree: shared pages divided among their sharers, so a sum is fair
  local pid files=()
  for pid in $(tree_pids "$1"); do files+=("/proc/$pid/smaps_rollup"); done
  cat "${files[@]}" 2>/dev/null | awk '/^Pss:/ {s += $2} END {print s + 0}'
}
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Calls the sourcing script's `one ROUND SYSTEM` for every system in every round, in an order that rotates from
# round to round, so that a drift of the shared machine does not always favour the same system.
rounds_rotating() { # ROUNDS SYSTEM...
  local rounds=$1 round i
  shift
  for round in $(seq 1 "$rounds"); do
    for i in $(seq 0 $(($# - 1))); do
      one "$round" "${@:$(( (i + round - 1) % $# + 1 )):1}"
    done
  done
}

# --- the sink and the servers ----------------------------------------------------------------------------
start_sink() { # DIR -> SINK_PORT, SINK_PID
  SINK_PORT=$(free_port)
  "$quail" sink --listen "127.0.0.1:$SINK_PORT" > "$1/sink.out" 2>&1 &
  SINK_PID=$!
  pids+=("$SINK_PID")
  wait_listening "$SINK_PORT" "$SINK_PID" || { cat "$1/sink.out" >&2; log "the sink did not start"; exit 111; }
}

# A fresh Quail with a mailbox bench@localhost; given a sink, it relays for 127.0.0.1 all mail for sink.test there.
# The server is the caller's $launcher when it sets one (profile.sh compares two builds), else $quail.
# (list-fanout.sh and connection-cost.sh start theirs in their own ways and define their own start_quail.)
start_quail() { # HOME [SINKPORT] -> SERVER_PORT, SERVER_PID, MAILDIR
  local home=$1 server=${launcher:-$quail}
  mkdir -p "$home"
  MAILDIR=$("$server" user add --home "$home" bench@localhost | tail -n 1)
  if [ -n "${2:-}" ]; then
    mkdir -p "$home/control"
    echo "127.0.0.1" > "$home/control/relayclients"
    echo "sink.test:127.0.0.1:$2" > "$home/control/smtproutes"
  fi
  SERVER_PORT=$(free_port)
  "$server" start --home "$home" --smtp "127.0.0.1:$SERVER_PORT" > "$home/server.out" 2>&1 &
  SERVER_PID=$!
  pids+=("$SERVER_PID")
  wait_listening "$SERVER_PORT" "$SERVER_PID" || { tail -n 30 "$home/server.out" >&2; log "Quail did not start"; exit 111; }
}
stop_sink() { kill -TERM "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; forget_pid "$SINK_PID"; }
stop_quail() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; forget_pid "$SERVER_PID"; }
stop_postfix() { "$postfix_bin" -c "$1/etc" stop >/dev/null 2>&1 || true; }

# --- a private Postfix instance: its own config, queue and data directories under DIR, no postmulti -------
postfix_configure() { # DIR -> SERVER_PORT; main.cf and master.cf written, to which the caller adds its own lines
  local dir=$1
  mkdir -p "$dir/etc" "$dir/spool" "$dir/data"
  chmod 755 "$dir"
  chown postfix "$dir/data"
  SERVER_PORT=$(free_port)
  cat > "$dir/etc/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $dir/etc
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix-bench.localdomain
mydomain = localdomain
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_tls_security_level = none
smtp_tls_security_level = none
maillog_file = $dir/postfix.log
maillog_file_prefixes = $dir
EOF
  # Debian's master.cf minus chroot (a private queue has no chroot jail) and the optional pipes.
  cat > "$dir/etc/master.cf" <<EOF
127.0.0.1:$SERVER_PORT inet n - n - - smtpd
pickup     unix  n - n 60    1 pickup
cleanup    unix  n - n -     0 cleanup
qmgr       unix  n - n 300   1 qmgr
rewrite    unix  - - n -     - trivial-rewrite
bounce     unix  - - n -     0 bounce
defer      unix  - - n -     0 bounce
trace      unix  - - n -     0 bounce
verify     unix  - - n -     1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -     - proxymap
proxywrite unix  - - n -     1 proxymap
smtp       unix  - - n -     - smtp
relay      unix  - - n -     - smtp
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
local      unix  - n n -     - local
virtual    unix  - n n -     - virtual
lmtp       unix  - - n -     - lmtp
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
}
postfix_start() { # DIR -> SERVER_PID, once it listens on SERVER_PORT
  local dir=$1 i
  postfix_dirs+=("$dir")
  if ! "$postfix_bin" -c "$dir/etc" start >/dev/null 2>&1; then
    script -qc "$postfix_bin -c $dir/etc check" /dev/null >&2 || true # Postfix explains only to a terminal
    log "Postfix did not start"; exit 111
  fi
  for i in $(seq 1 100); do [ -s "$dir/spool/pid/master.pid" ] && break; sleep 0.1; done
  SERVER_PID=$(tr -d ' \n' < "$dir/spool/pid/master.pid")
  wait_listening "$SERVER_PORT" "$SERVER_PID" || { tail -n 30 "$dir/postfix.log" >&2; log "Postfix did not listen"; exit 111; }
}
