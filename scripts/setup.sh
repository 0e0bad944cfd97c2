#!/usr/bin/env bash
# Sets up everything takehome needs on this machine, idempotently:
#   the project's virtual environment, git, a running Docker engine, the base image and the
#   bundled challenge's run image. On Debian as root it installs and starts what is missing
#   (apt-get docker.io, debootstrap); elsewhere it says what to install.
#   --tests: also what only the test suite needs (Chromium for the browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
FOR_TESTS=0
[ "${1:-}" = "--tests" ] && FOR_TESTS=1

log() { echo "setup: $*" >&2; }
die() { log "$*"; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
# root, or passwordless sudo (a CI runner): what installing packages needs.
if is_root; then AS_ROOT=""; elif sudo -n true 2>/dev/null; then AS_ROOT="sudo -n"; else AS_ROOT="none"; fi
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing $* and no apt-get here: install it and run again"
  [ "$AS_ROOT" != none ] || die "missing $*: run as root, or install it yourself (apt-get install $*)"
  if [ "$APT_UPDATED" = 0 ]; then $AS_ROOT apt-get update -qq; APT_UPDATED=1; fi
  log "installing $*"
  $AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. Python >= 3.11 and the project's own virtual environment (generic package names such as
#    `runner` and `reports` must not meet other projects on a shared interpreter).
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3 python3-venv
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "$PYTHON is older than 3.11; set PYTHON to a newer interpreter"
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PYTHON" -m venv .venv
fi
# Every package at the version CI tested: requirements.lock (made by `uv pip compile
# pyproject.toml --extra dev --universal -o requirements.lock`), then takehome itself on top.
if ! .venv/bin/python -c 'import takehome, pytest, ruff, mypy' 2>/dev/null \
   || [ pyproject.toml -nt .venv/.installed ] || [ requirements.lock -nt .venv/.installed ]; then
  log "installing takehome and its development tools into .venv (requirements.lock)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  touch .venv/.installed
fi

# 2. git (intake), tar (base image import) and PostgreSQL's server binaries (the store's
#    tests start a real server of their own; no service is enabled).
command -v git >/dev/null 2>&1 || apt_install git
command -v tar >/dev/null 2>&1 || apt_install tar
# Redis: the broker the queue tests start on loopback (takehome worker, batch --queue).
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$AS_ROOT" != none ]; then
    apt_install postgresql
  else
    log "PostgreSQL server binaries not found: the store tests will fail (install postgresql)"
  fi
fi

# Chromium for the tests marked browser: Debian's, driven by Playwright (never a download).
if [ "$FOR_TESTS" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$AS_ROOT" != none ]; then
    apt_install chromium
  else
    log "/usr/bin/chromium not found: the browser tests will fail (install chromium)"
  fi
fi

# 3. A Docker engine that answers.
engine_up() { .venv/bin/python -c 'import docker; docker.from_env(version="auto", timeout=5).ping()' >/dev/null 2>&1; }
if ! engine_up; then
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && is_root; then
    log "starting docker with systemctl"
    systemctl start docker || true
  fi
  if ! engine_up; then
    is_root || die "no Docker engine answers: start Docker (or run this script as root)"
    log "starting dockerd in the background (log: /var/log/takehome-dockerd.log)"
    nohup dockerd >/var/log/takehome-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do engine_up && break; sleep 1; done
  engine_up || die "dockerd did not answer within 60 s; see /var/log/takehome-dockerd.log"
fi
log "Docker engine answers"

# 4. The base image (present, pulled, or built here with debootstrap) and the run image of the
#    bundled challenge, so the first grade does not pay for the build.
BASE=${TAKEHOME_BASE_IMAGE:-takehome-base:bookworm}
if ! .venv/bin/python -c "import docker, sys; docker.from_env(version='auto').images.get(sys.argv[1])" "$BASE" >/dev/null 2>&1; then
  if [ -f /etc/debian_version ] && ! command -v debootstrap >/dev/null 2>&1; then
    apt_install debootstrap
  fi
  log "making base image $BASE (pull, or debootstrap: about a minute)"
fi
.venv/bin/takehome images build --challenge kv-store >&2
log "ready"
