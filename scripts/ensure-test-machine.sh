#!/usr/bin/env bash
# What the tests need from the machine, prepared the same way for `.ci/run` and `npm test` (pretest): a Redis on
# 127.0.0.1:6379 (Debian's redis-server, started when nothing answers), redis-cli and Redis 7 for the Redis Cluster
# test, and Debian's chromium for the browser tests (playwright-core downloads no browser). Installs from Debian's
# packages only when something is missing, and only where it may (root with apt-get); otherwise it names what to install.
set -euo pipefail

log() { printf '\n== %s\n' "$*"; }

apt_install() {
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "cf-shares tests need Debian's $* (install it, then run the tests again)" >&2
    exit 1
  fi
  echo "installing Debian's $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

redis_answers() {
  # Plain bash, so the check works before redis-tools exist.
  { exec 3<>/dev/tcp/127.0.0.1/6379; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply=""
  read -r -t 2 reply <&3 || true
  exec 3>&- 3<&-
  [[ "$reply" == +PONG* ]]
}

log "redis"
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
if ! redis_answers; then
  echo "nothing answers on 127.0.0.1:6379: starting redis-server"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis_answers && break; sleep 0.2; done
  redis_answers || { echo "redis-server did not start" >&2; exit 1; }
fi
redis-server --version
# test/cli/redis-cluster.test.ts starts a three-master Redis Cluster of its own on free loopback ports: it needs
# redis-cli (--cluster create; in Debian's redis-tools) and Redis 7 or later (--cluster-port).
command -v redis-cli >/dev/null 2>&1 || apt_install redis-tools
redis_major="$(redis-server --version | sed -E 's/.* v=([0-9]+).*/\1/')"
if [[ "$redis_major" -lt 7 ]]; then
  echo "redis-server $redis_major is too old for the Redis Cluster test: it needs Redis 7 or later" >&2
  exit 1
fi

log "chromium"
# The dashboard and report.html tests open pages in a real headless Chromium; they fail, naming the package, when it
# is missing rather than skip.
[[ -x /usr/bin/chromium ]] || apt_install chromium
/usr/bin/chromium --version 2>/dev/null || true
