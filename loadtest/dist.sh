# dist.sh: what the loadtest scripts that run Quail share, sourced by harness.sh and cluster.sh once they have set
# root and quail (the checkout's launcher).

# One build for the whole run: the launcher rebuilds whenever a source in the checkout changes, which would swap
# jars under a running server. So build now and run a copy of the launcher and the built distribution (same JVM
# options, same layout; the copy has no sources, so it never rebuilds). Sets quail to the copy's launcher.
copy_dist() { # DIR
  local dist=$1
  "$quail" loadtest --help >/dev/null
  mkdir -p "$dist/engine/target" "$dist/loadtest/target"
  cp "$quail" "$dist/quail"
  cp -r "$root/engine/target/quail-engine.jar" "$root/engine/target/lib" "$root/engine/target/.built" "$dist/engine/target/"
  cp -r "$root/loadtest/target/quail-loadtest.jar" "$root/loadtest/target/lib" "$dist/loadtest/target/"
  quail="$dist/quail"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_listening() { # PORT PID
  local i
  for i in $(seq 1 600); do
    listening "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
