#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis the tests use are up, starting the local
# Debian services when they are down. Only loopback servers are started here.
set -uo pipefail

db_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/delegation_crm}
redis_url=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if [[ $db_url == *"@127.0.0.1"* || $db_url == *"@localhost"* ]] && ! pg_up; then
  if command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql | sort -V | tail -1)
    echo "Starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
fi

if [[ $redis_url == *"127.0.0.1"* || $redis_url == *"localhost"* ]] && ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
fi
exit 0
