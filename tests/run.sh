#!/usr/bin/env bash
# Runs every test of CustomerStudio.sln on a fresh Debian 12 machine.
#  - installs missing tools with apt-get when run as root (chromium, postgresql, python3-aiosmtpd)
#  - starts a throwaway PostgreSQL server on 127.0.0.1 (stopped and removed on any exit)
#  - builds once (Release), runs all tests, writes TRX files to <repo>/TestResults
#  - prints "N passed, N failed" as the very last line; exits non-zero on any failure
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en
export MSBUILDDISABLENODEREUSE=1

log() { echo "==> $*" >&2; }

# ---------------------------------------------------------------- tools
# The Debian python (python3-aiosmtpd installs there); fall back to whatever python3 is on PATH.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Chinese glyphs for the zh-CN screenshots the browser tests save.
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if ! "$PY" -c 'import aiosmtpd' >/dev/null 2>&1; then missing+=(python3-aiosmtpd); fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
    [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
  else
    log "WARNING: missing Debian packages: ${missing[*]} (not root, not installing;"
    log "         install them with: sudo apt-get install ${missing[*]}). Tests needing them will fail."
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  log "ERROR: dotnet SDK not found on PATH (see global.json for the required version)."
  echo "0 passed, 0 failed"
  exit 1
fi

# ---------------------------------------------------------------- PostgreSQL
PG_TMP=""
PG_DATA=""
PG_BIN=""
PG_STARTED=0

as_pg() {
  # postgres refuses to run as root: run it as the postgres OS user then.
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$PG_STARTED" -eq 1 ] && [ -n "$PG_DATA" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 30 >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m immediate >/dev/null 2>&1 || true
  fi
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then
    rm -rf "$PG_TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PG_BIN="$(pg_bindir)"
if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then
  PG_TMP="$(mktemp -d /tmp/customerstudio-pg.XXXXXX)"
  PG_DATA="$PG_TMP/data"
  PG_PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  PG_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
  printf '%s\n' "$PG_PASSWORD" > "$PG_TMP/pwfile"
  chmod 600 "$PG_TMP/pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$PG_TMP"
  fi
  chmod 700 "$PG_TMP"

  log "Starting throwaway PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$PG_TMP/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync \
    >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; log "ERROR: initdb failed"; echo "0 passed, 0 failed"; exit 1; }
  rm -f "$PG_TMP/pwfile"

  PG_STARTED=1
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_TMP -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_TMP/server.log" >&2 || true; log "ERROR: PostgreSQL failed to start"; echo "0 passed, 0 failed"; exit 1; }

  ready=0
  for _ in $(seq 1 60); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then ready=1; break; fi
    sleep 0.5
  done
  if [ "$ready" -ne 1 ]; then
    cat "$PG_TMP/server.log" >&2 || true
    log "ERROR: PostgreSQL not ready after 30 s"
    echo "0 passed, 0 failed"
    exit 1
  fi
  export CUSTOMERSTUDIO_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=postgres"
  log "PostgreSQL ready"
else
  log "WARNING: PostgreSQL not installed; CUSTOMERSTUDIO_TEST_POSTGRES not set. PostgreSQL tests will fail."
fi

export CUSTOMERSTUDIO_CHROMIUM=/usr/bin/chromium

# ---------------------------------------------------------------- build + test
RESULTS_DIR="$REPO_ROOT/TestResults"
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

build_rc=0
test_rc=0

log "dotnet tool restore"
dotnet tool restore || build_rc=$?

if [ "$build_rc" -eq 0 ]; then
  log "dotnet build CustomerStudio.sln -c Release"
  dotnet build CustomerStudio.sln -c Release -nologo -v q -clp:NoSummary\;ErrorsOnly\;WarningsOnly || build_rc=$?
fi

if [ "$build_rc" -eq 0 ]; then
  log "dotnet test CustomerStudio.sln -c Release"
  # -m:1: one test project at a time, so the browser tests' studio and Chromium do not share two cores with the
  # integration tests' servers and worker processes (a minute longer, far fewer timing surprises).
  dotnet test CustomerStudio.sln -c Release --no-build -nologo -v q -m:1 \
    --logger "trx" --logger "console;verbosity=normal" \
    --results-directory "$RESULTS_DIR" </dev/null || test_rc=$?
else
  log "ERROR: build failed (exit $build_rc); not running tests"
fi

# ---------------------------------------------------------------- summary
counts="$("$PY" - "$RESULTS_DIR" <<'EOF'
import glob, os, sys
import xml.etree.ElementTree as ET
passed = failed = 0
for path in glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"WARNING: cannot parse {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "Counters":
            passed += int(el.get("passed", 0) or 0)
            failed += sum(int(el.get(k, 0) or 0) for k in ("failed", "error", "timeout", "aborted"))
# Name every failed test with the first lines of its message on stderr, so a log's tail says what failed.
for path in glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "UnitTestResult" or el.get("outcome") in ("Passed", "NotExecuted", None):
            continue
        msg = ""
        for m in el.iter():
            if m.tag.rsplit("}", 1)[-1] == "Message" and m.text:
                msg = m.text
                break
        lines = [l for l in msg.strip().splitlines() if l.strip()][:6]
        print(f"FAILED {el.get('testName')} ({el.get('duration')})", file=sys.stderr)
        for l in lines:
            print(f"    {l[:300]}", file=sys.stderr)
print(passed, failed)
EOF
)" || counts="0 1"
read -r n_passed n_failed <<<"$counts"

rc=0
if [ "$build_rc" -ne 0 ]; then log "FAILED: build/tool restore exited with $build_rc"; rc=1; fi
if [ "$test_rc" -ne 0 ]; then log "FAILED: dotnet test exited with $test_rc"; rc=1; fi
if [ "$n_failed" -ne 0 ]; then rc=1; fi
if [ "$((n_passed + n_failed))" -eq 0 ]; then log "FAILED: no tests were found"; rc=1; fi

# Stop the server before the final line so nothing is printed after it.
trap - EXIT INT TERM
if [ "$PG_STARTED" -eq 1 ]; then
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 30 >/dev/null 2>&1 \
    || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m immediate >/dev/null 2>&1 || true
  PG_STARTED=0
fi
[ -n "$PG_TMP" ] && rm -rf "$PG_TMP"

echo "$n_passed passed, $n_failed failed"
exit "$rc"
