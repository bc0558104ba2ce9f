#!/usr/bin/env bash
# A private Docker engine the fault suite may stop and start (the shared one at
# /var/run/docker.sock must never be stopped). Run as root. Idempotent.
#
#   start-fault-engine.sh [start]   start it (or leave it running); prints the environment to export
#   start-fault-engine.sh kill      SIGKILL its dockerd, by pid (its containerd and containers live on)
#   start-fault-engine.sh teardown  remove its containers, stop it by pid, remove its network namespace
#
# It runs in a network namespace of its own, reached from the host through one veth pair, so its
# bridges never share the host's routing table with the shared engine: Berth allocates /24s out of
# 10.213.0.0/16 on every engine, and two engines on one routing table would get the same subnets.
# Placeholder bridge networks (inside the namespace, unused) hold 10.213.0-191 on this engine, so Berth puts its
# networks here in 10.213.192.0/18, which the host routes into the namespace.
set -euo pipefail
NS=berth-fault
RUN=/run/berth-fault
DATA=/var/lib/berth-fault-docker
SOCK=$RUN/docker.sock
PIDFILE=$RUN/docker.pid
HOST_IF=bf-host NS_IF=bf-ns HOST_IP=172.31.251.1 NS_IP=172.31.251.2
BRIDGE=br-berthf BRIDGE_CIDR=172.31.250.1/24
ROUTED=10.213.192.0/18
in_ns() { nsenter --net=/run/netns/$NS -- "$@"; }
dk() { DOCKER_HOST=unix://$SOCK docker "$@"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

network() {
  [ -e /run/netns/$NS ] || ip netns add $NS
  if ! ip link show $HOST_IF >/dev/null 2>&1; then
    ip link add $HOST_IF type veth peer name $NS_IF
    ip link set $NS_IF netns $NS
    ip addr add $HOST_IP/30 dev $HOST_IF
    ip link set $HOST_IF up
    in_ns ip addr add $NS_IP/30 dev $NS_IF
    in_ns ip link set $NS_IF up
    in_ns ip link set lo up
    in_ns ip route add default via $HOST_IP
  fi
  in_ns sysctl -qw net.ipv4.ip_forward=1
  ip route replace $ROUTED via $NS_IP dev $HOST_IF
  if ! in_ns ip link show $BRIDGE >/dev/null 2>&1; then
    in_ns ip link add $BRIDGE type bridge
    in_ns ip addr add $BRIDGE_CIDR dev $BRIDGE
    in_ns ip link set $BRIDGE up
  fi
}

start() {
  network
  mkdir -p $RUN && chmod 0755 $RUN
  if ! alive $PIDFILE; then
    wait_containerd
    # No iptables: the namespace needs no NAT (the host routes to it) and it keeps clear of the
    # shared engine's rules.
    (in_ns nohup dockerd --data-root $DATA --exec-root $RUN/exec --pidfile $PIDFILE -H unix://$SOCK \
      --bridge $BRIDGE --iptables=false --ip-masq=false >>$RUN/dockerd.log 2>&1 &)
  fi
  for _ in $(seq 1 120); do dk version >/dev/null 2>&1 && break; sleep 0.25; done
  dk version >/dev/null 2>&1 || { tail -20 $RUN/dockerd.log >&2; exit 1; }
  reap_forgotten
  local have
  have=$(dk network ls -q --filter label=dev.berth.fault-placeholder | wc -l)
  if [ "$have" -lt 192 ]; then
    for i in $(seq 0 191); do
      dk network create --internal --label dev.berth.fault-placeholder=true --subnet 10.213.$i.0/24 berth-fault-hold-$i >/dev/null 2>&1 || true
    done
  fi
  echo "export BERTH_FAULT_DOCKER_HOST=unix://$SOCK"
  echo "export BERTH_FAULT_DOCKER_PIDFILE=$PIDFILE"
}

# dockerd's own containerd dies with it (parent-death signal); a restart that sees it still dying
# waits on it in vain, so wait for it to be gone first.
wait_containerd() {
  local f=$RUN/exec/containerd/containerd.pid
  alive $f || return 0
  local pid; pid=$(cat $f)
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# A build container running when dockerd was killed is forgotten by the next dockerd, but its
# containerd shim lives on: end the shims of this engine's containers that dockerd does not know.
reap_forgotten() {
  local tasks=$RUN/exec/containerd/daemon/io.containerd.runtime.v2.task/moby known id p
  [ -d $tasks ] || return 0
  known=$(dk ps -aq --no-trunc)
  for dir in "$tasks"/*/; do
    [ -d "$dir" ] || continue
    id=$(basename "$dir")
    grep -q "$id" <<<"$known" && continue
    for p in /proc/[0-9]*; do
      if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q -- "-id $id -address $RUN/exec/containerd/containerd.sock"; then kill -9 "${p#/proc/}" 2>/dev/null || true; fi
    done
    ctr -a $RUN/exec/containerd/containerd.sock -n moby containers rm "$id" >/dev/null 2>&1 || true
  done
}

kill_engine() {
  if alive $PIDFILE; then
    local pid; pid=$(cat $PIDFILE)
    kill -9 "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  wait_containerd
  # The socket file stays behind after SIGKILL; a client then gets ECONNREFUSED, as from a dead daemon.
}

teardown() {
  if alive $PIDFILE; then
    dk ps -aq | xargs -r docker -H unix://$SOCK rm -f >/dev/null 2>&1 || true
    local pid; pid=$(cat $PIDFILE)
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  wait_containerd
  ip route del $ROUTED 2>/dev/null || true
  ip link del $HOST_IF 2>/dev/null || true
  [ -e /run/netns/$NS ] && ip netns del $NS || true
}

case "${1:-start}" in
  start) start ;;
  kill) kill_engine ;;
  teardown) teardown ;;
  *) echo "usage: $0 [start|kill|teardown]" >&2; exit 2 ;;
esac
