#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: runs COMMAND with LECTERN_TEST_PG set to the
# cluster's administrator URL, then stops the cluster and removes it, also when COMMAND fails
# or the run is interrupted. The test harness creates one database per server in it.
#   scripts/pg-test-cluster.sh make api browser
#   scripts/pg-test-cluster.sh --shell      (a shell with LECTERN_TEST_PG set, to poke around)
# The cluster lives in a temporary directory: its own port on 127.0.0.1, its own socket
# directory, password authentication over TCP (scram-sha-256) and trust on its socket.
# Durability is switched off (fsync=off): nothing in it outlives the run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...] | --shell" >&2
  exit 2
fi

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
  echo "pg-test-cluster: PostgreSQL is not installed; installing Debian's postgresql package"
  scripts/deps.sh test
  bindir=$(find_bindir) || { echo "pg-test-cluster: no initdb under /usr/lib/postgresql/*/bin" >&2; exit 1; }
fi

# initdb refuses to run as root: the cluster then belongs to the postgres system user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "pg-test-cluster: running as root needs the 'postgres' system user (from the postgresql package)" >&2
    exit 1
  fi
  as_owner=(runuser -u postgres --)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lectern-pg.XXXXXX")
chmod 0755 "$tmp"
child=
cleanup() {
  local rc=$?
  # Interrupted: end the command's whole process group (make, node, lectern) first.
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM -- "-$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ -f "$tmp/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/sock"
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" > "$tmp/pwfile"
[ ${#as_owner[@]} -gt 0 ] && chown -R postgres: "$tmp"

# A free port: ask the kernel for one, then let the server take it.
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

"${as_owner[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres --pwfile="$tmp/pwfile" \
  -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  exit 1
}
rm -f "$tmp/pwfile"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$tmp/sock -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || {
  cat "$tmp/server.log" >&2
  exit 1
}

export LECTERN_TEST_PG="postgres://postgres:$password@127.0.0.1:$port/postgres"
export LECTERN_TEST_PG_SOCKET="$tmp/sock"
echo "pg-test-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (in $tmp)"

if [ "$1" = "--shell" ]; then
  "${SHELL:-bash}"
else
  # In its own process group, waited for in the background, so that a signal to this script
  # stops the command and still removes the cluster.
  setsid "$@" &
  child=$!
  set +e
  wait "$child"
  rc=$?
  set -e
  child=
  exit $rc
fi
