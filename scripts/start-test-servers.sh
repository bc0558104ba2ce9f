#!/usr/bin/env bash
# K real "servers" on this machine for the SSH tests: per node N (1..K) a user berth-nodeN, an sshd
# on 127.0.0.(N+1):22 with its own host key, and a dockerd of its own whose socket only that user
# can open, so the only way to a node's engine is through its sshd. Run as root. Idempotent.
# Prints the environment to export (BERTH_TEST_SERVERS: the servers' JSON description).
#
#   start-test-servers.sh [K]   start (or leave running) nodes 1..K (default 2)
# Stopping and starting one part of a node, by pid: scripts/test-server-ctl.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
K=${1:-2}
ROOT=/var/lib/berth-testbed
mkdir -p $ROOT /run/sshd && chmod 0755 $ROOT

# One client key for Berth, authorized on every node.
[ -f $ROOT/client_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -C berth-testbed -f $ROOT/client_ed25519
chmod 0600 $ROOT/client_ed25519

. scripts/test-server-ctl.sh --lib

prepare_node() {
  local n=$1 user dir run
  user=$(node_user "$n") dir=$(node_dir "$n") run=$(node_run "$n")
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/sh "$user"
  # useradd leaves the account locked, and sshd refuses a locked account even with a valid key.
  usermod -p '*' "$user"
  mkdir -p "$dir" "$run" && chmod 0755 "$dir" "$run"
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "berth-node$n" -f "$dir/ssh_host_ed25519_key"
  install -m 0644 $ROOT/client_ed25519.pub "$dir/authorized_keys"
  cat >"$dir/sshd_config" <<EOF
ListenAddress $(node_host "$n"):22
HostKey $dir/ssh_host_ed25519_key
PidFile $run/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
MaxSessions 64
MaxStartups 64:30:128
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
  if ! ip link show "br-node$n" >/dev/null 2>&1; then
    ip link add "br-node$n" type bridge
    ip addr add "172.31.$n.1/24" dev "br-node$n"
    ip link set "br-node$n" up
  fi
}

for n in $(seq 1 "$K"); do prepare_node "$n"; done
# dockerds start in parallel (~8 s each); sshds are instant.
pids=()
for n in $(seq 1 "$K"); do start_dockerd "$n" & pids+=($!); done
for n in $(seq 1 "$K"); do start_sshd "$n"; done
for p in "${pids[@]}"; do wait "$p"; done
for n in $(seq 1 "$K"); do hold_berth_pool "$n"; done
write_servers_json "$K"
echo "export BERTH_TEST_SERVERS=$ROOT/servers.json"
