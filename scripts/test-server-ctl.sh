#!/usr/bin/env bash
# Stops and starts one part of a test server (scripts/start-test-servers.sh), always by the pid in
# its pidfile, never by process name: other engines and sshds run on this machine. Run as root.
#
#   test-server-ctl.sh stop-sshd N       the listener and its live sessions (the node is "down")
#   test-server-ctl.sh start-sshd N
#   test-server-ctl.sh kill-sessions N   the live SSH connections only; the listener stays
#   test-server-ctl.sh stop-dockerd N
#   test-server-ctl.sh start-dockerd N
#   test-server-ctl.sh stop N            both (its bridge, user, keys and data stay for the next start)
#   test-server-ctl.sh status N          the pids as JSON
# (sourced with --lib by start-test-servers.sh for the same functions)
set -euo pipefail
ROOT=/var/lib/berth-testbed

node_user() { echo "berth-node$1"; }
node_dir() { echo "$ROOT/node$1"; }
node_run() { echo "/run/berth-node$1"; }
node_host() { echo "127.0.0.$(($1 + 1))"; }
node_sock() { echo "$(node_run "$1")/docker.sock"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
pid_of() { if alive "$1"; then cat "$1"; else echo null; fi; }
dk() { DOCKER_HOST=unix://$(node_sock "$1") docker "${@:2}"; }

children_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

start_sshd() {
  local n=$1 run; run=$(node_run "$n")
  alive "$run/sshd.pid" && return 0
  /usr/sbin/sshd -f "$(node_dir "$n")/sshd_config" -E "$run/sshd.log"
  for _ in $(seq 1 50); do alive "$run/sshd.pid" && return 0; sleep 0.1; done
  tail -5 "$run/sshd.log" >&2; return 1
}

# The listener's children are the per-connection processes (privilege-separated monitors).
kill_sessions() {
  local run; run=$(node_run "$1")
  alive "$run/sshd.pid" || return 0
  local c; for c in $(children_of "$(cat "$run/sshd.pid")"); do kill -TERM "$c" 2>/dev/null || true; done
}

stop_sshd() {
  local run pid; run=$(node_run "$1")
  alive "$run/sshd.pid" || return 0
  pid=$(cat "$run/sshd.pid")
  local kids; kids=$(children_of "$pid")
  kill -TERM "$pid"
  local c; for c in $kids; do kill -TERM "$c" 2>/dev/null || true; done
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$run/sshd.pid"
}

# dockerd's own containerd dies with it; a restart must wait for it to be gone.
wait_containerd() {
  local f; f=$(node_run "$1")/exec/containerd/containerd.pid
  alive "$f" || return 0
  local pid; pid=$(cat "$f")
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# Its own data and exec roots, bridge and default pool (10.(220+N).0.0/16, so no two engines here
# hand out the same subnet). --iptables=false: a dockerd with iptables on flushes the DOCKER
# chains it shares with the main engine at start (measured: the main engine then fails every
# network create), so ports are published by docker-proxy alone (enough for traffic from this
# machine to 127.0.0.(N+1)) and the node's own rules below forward and masquerade its containers.
start_dockerd() {
  local n=$1 run sock; run=$(node_run "$n") sock=$(node_sock "$n")
  node_rules "$n"
  if ! alive "$run/docker.pid"; then
    wait_containerd "$n"
    # --live-restore: a dockerd that has a default address pool and restarts without it deletes
    # the host's docker0 (the main engine's default bridge, which its builds' RUN steps use).
    (nohup dockerd --data-root "$(node_dir "$n")/docker" --exec-root "$run/exec" --pidfile "$run/docker.pid" \
      -H "unix://$sock" --bridge "br-node$n" --iptables=false --ip-masq=false --live-restore \
      --default-address-pool "base=$(node_pool "$n"),size=24" >>"$run/dockerd.log" 2>&1 &)
  fi
  for _ in $(seq 1 240); do dk "$n" version >/dev/null 2>&1 && break; sleep 0.25; done
  dk "$n" version >/dev/null 2>&1 || { tail -20 "$run/dockerd.log" >&2; return 1; }
  # Only the node's user may open it (root still can: the tests look there as root).
  chown "$(node_user "$n")" "$sock"
  chmod 0600 "$sock"
}

node_pool() { echo "10.$((220 + $1)).0.0/16"; }

# In chains of the testbed's own (never the engines' DOCKER chains): forward and masquerade the
# node's bridge and pool, so its containers reach out like on a VPS.
node_rules() { (flock 9; node_rules_locked "$1") 9>/run/berth-testbed-iptables.lock; }
node_rules_locked() {
  local n=$1 net
  iptables -N BERTH-TESTBED 2>/dev/null || true
  iptables -t nat -N BERTH-TESTBED 2>/dev/null || true
  iptables -C FORWARD -j BERTH-TESTBED 2>/dev/null || iptables -A FORWARD -j BERTH-TESTBED
  iptables -t nat -C POSTROUTING -j BERTH-TESTBED 2>/dev/null || iptables -t nat -A POSTROUTING -j BERTH-TESTBED
  for net in "172.31.$n.0/24" "$(node_pool "$n")"; do
    iptables -C BERTH-TESTBED -s "$net" -j ACCEPT 2>/dev/null || iptables -A BERTH-TESTBED -s "$net" -j ACCEPT
    iptables -C BERTH-TESTBED -d "$net" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null ||
      iptables -A BERTH-TESTBED -d "$net" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
    iptables -t nat -C BERTH-TESTBED -s "$net" ! -d "$net" -j MASQUERADE 2>/dev/null ||
      iptables -t nat -A BERTH-TESTBED -s "$net" ! -d "$net" -j MASQUERADE
  done
}

stop_dockerd() {
  local run pid; run=$(node_run "$1")
  if alive "$run/docker.pid"; then
    pid=$(cat "$run/docker.pid")
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  wait_containerd "$1"
}

# All engines here share one routing table, and Berth puts its networks in 10.213.x.0/24 on every
# engine: a node engine making the same /24 as the main engine would steal its route. One
# placeholder holding all of 10.213.0.0/16 (no address on its bridge, so no route) makes every
# such request overlap on a node engine; Berth then falls back to the engine's own default pool.
hold_berth_pool() {
  dk "$1" network inspect berth-testbed-hold >/dev/null 2>&1 && return 0
  dk "$1" network create --internal --subnet 10.213.0.0/16 -o com.docker.network.bridge.inhibit_ipv4=true \
    --label dev.berth.testbed-placeholder=true berth-testbed-hold >/dev/null
}

status_json() {
  local n=$1 run; run=$(node_run "$n")
  printf '{"sshdPid":%s,"dockerdPid":%s}\n' "$(pid_of "$run/sshd.pid")" "$(pid_of "$run/docker.pid")"
}

write_servers_json() {
  local k=$1 n sep='' out="$ROOT/servers.json.tmp" run dir fp
  { echo '['
    for n in $(seq 1 "$k"); do
      run=$(node_run "$n") dir=$(node_dir "$n")
      fp=$(ssh-keygen -lf "$dir/ssh_host_ed25519_key.pub" | awk '{print $2}')
      printf '%s  {"name":"node%s","host":"%s","port":22,"user":"%s","keyPath":"%s","hostKeyFingerprint":"%s","dockerSocket":"%s","sshdPid":%s,"dockerdPid":%s,"sshdPidFile":"%s","dockerdPidFile":"%s","sshdLog":"%s","bridge":"br-node%s","bridgeCidr":"172.31.%s.0/24"}\n' \
        "$sep" "$n" "$(node_host "$n")" "$(node_user "$n")" "$ROOT/client_ed25519" "$fp" "$(node_sock "$n")" \
        "$(pid_of "$run/sshd.pid")" "$(pid_of "$run/docker.pid")" "$run/sshd.pid" "$run/docker.pid" "$run/sshd.log" "$n" "$n"
      sep=','
    done
    echo ']'; } >"$out"
  mv "$out" "$ROOT/servers.json"
}

[ "${1:-}" = "--lib" ] && return 0

cmd=${1:-} n=${2:-}
[[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: $0 stop-sshd|start-sshd|kill-sessions|stop-dockerd|start-dockerd|stop|status N" >&2; exit 2; }
[ -f "$(node_dir "$n")/sshd_config" ] || { echo "node $n is not set up (scripts/start-test-servers.sh)" >&2; exit 2; }
case "$cmd" in
  stop-sshd) stop_sshd "$n" ;;
  start-sshd) start_sshd "$n" ;;
  kill-sessions) kill_sessions "$n" ;;
  stop-dockerd) stop_dockerd "$n" ;;
  start-dockerd) start_dockerd "$n" ;;
  stop) stop_sshd "$n"; stop_dockerd "$n" ;;
  status) status_json "$n" ;;
  *) echo "unknown command: $cmd" >&2; exit 2 ;;
esac
