#!/usr/bin/env bash
# Prepares a Debian 12 machine for Berth: system packages (Chromium drives the console tests; zsh,
# fish and tmux check the completion scripts), the
# Docker engine, Caddy, the npm dependencies and the build. Idempotent; run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pair in curl:curl dockerd:docker.io caddy:caddy busybox:busybox-static git:git psql:postgresql sshd:openssh-server docker-registry:docker-registry ip:iproute2 mmdebstrap:mmdebstrap chromium:chromium zsh:zsh fish:fish tmux:tmux; do
  bin=${pair%%:*}; pkg=${pair##*:}
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Docker engine (no systemd in containers and CI machines: start it directly).
if ! docker version >/dev/null 2>&1; then
  (nohup dockerd >/var/log/berth-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
fi

# Caddy is installed, not started: Berth runs and configures its own proxy processes (admin
# API on unix sockets under ~/.berth/proxy) when the control plane starts.

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
