#!/usr/bin/env bash
# The README's two commands on a clean Debian 12: builds a fresh Debian 12 (bookworm) root with
# debootstrap, with Debian's packages only (its nodejs is 18), clones this repository's committed
# HEAD into it and, as root inside it, starts `make run` (and asks it for the sign-in page), stops
# it, then runs `make test`. Not part of `make test`; docs/deploy.md.
#   tests/debian12/check.sh [DIR]     (or `make check-debian12 [DEBIAN12_ROOT=DIR]`)
# DIR (default /var/tmp/lectern-debian12) must not exist yet: the check never reuses a root.
# Environment:
#   MIRROR, SECURITY_MIRROR  Debian mirrors (default deb.debian.org's debian and debian-security)
#   RUN_ONLY=1               stop after `make run` (a few minutes instead of the whole suite)
#   KEEP=1                   keep the root afterwards (by default it is removed)
#   BASE=FILE.tar            the fresh debootstrap kept as a tar: made there the first time,
#                            unpacked instead of running debootstrap again the next times
# Runs as root (debootstrap, chroot, mount) on a Debian host. The logs go to
# build/debian12/{run,test}.log. Everything mounted into the root is unmounted, and every process
# running inside it is ended, on every exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

root=${1:-/var/tmp/lectern-debian12}
mirror=${MIRROR:-http://deb.debian.org/debian}
security_mirror=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
logs=$repo/build/debian12

say() { echo "debian12: $*"; }
die() { echo "debian12: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mount); run it as root"
[ ! -e "$root" ] || die "$root already exists; remove it or name another directory (a clean root every time)"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes are not part of the check; it clones $(git rev-parse --short HEAD)"
fi
if ! command -v debootstrap >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
fi

# The root shares this machine's network, so its servers are found by port.
free_port() {
  local p
  for p in $(seq 18080 18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port in 18080-18180"
}

# Processes whose root directory is the chroot: the server, make, node, chromium, postgres.
processes_inside() {
  local p r
  for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    if [ "$r" = "$root" ]; then echo "${p#/proc/}"; fi
  done
}

mounts=(proc sys dev dev/pts dev/shm)
cleanup() {
  local rc=$? pids m
  pids=$(processes_inside)
  if [ -n "$pids" ]; then
    kill -TERM $pids 2>/dev/null || true
    sleep 3
    pids=$(processes_inside)
    if [ -n "$pids" ]; then kill -KILL $pids 2>/dev/null || true; sleep 1; fi
  fi
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    m=$root/${mounts[i]}
    if mountpoint -q "$m"; then umount -R "$m" || umount -R -l "$m" || true; fi
  done
  if [ -d "$root" ] && [ "${KEEP:-}" != 1 ]; then
    if findmnt -R -n -o TARGET "$root" >/dev/null 2>&1; then
      say "something is still mounted under $root; not removing it" >&2
    else
      rm -rf --one-file-system "$root"
    fi
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A root login's environment, not this shell's.
root_env=(/usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb
          PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
in_root() { chroot "$root" "${root_env[@]}" "$@"; }

debootstrap_root() {
  if [ -n "${BASE:-}" ] && [ -f "$BASE" ]; then
    say "unpacking the debootstrap kept in $BASE into $root"
    mkdir -p "$root"
    tar -C "$root" -xpf "$BASE"
    return
  fi
  say "debootstrap bookworm into $root from $mirror"
  debootstrap bookworm "$root" "$mirror" > "$logs/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $logs/debootstrap.log"
  if [ -n "${BASE:-}" ]; then tar -C "$root" -cpf "$BASE" .; fi
}

make_root() {
  debootstrap_root
  # The suites a Debian 12 installation has.
  cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
EOF
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # Packages' services (PostgreSQL's main cluster, nginx) stay stopped: the root shares this
  # machine's ports, and the tests start the servers they need themselves.
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  mount --bind /dev/shm "$root/dev/shm"
  # What the README expects before its commands: make, and git to fetch Lectern.
  in_root apt-get update -q > "$logs/apt.log" 2>&1
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q make git ca-certificates \
    >> "$logs/apt.log" 2>&1 || die "installing make and git failed; see $logs/apt.log"
  # Certificate authorities added to this machine (Debian keeps them in
  # /usr/local/share/ca-certificates, e.g. a company's TLS proxy) are trusted in the root too,
  # so that npm reaches the registry as it does here.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    in_root update-ca-certificates >> "$logs/apt.log" 2>&1
  fi
  git clone --quiet "$repo" "$root/root/lectern"
  say "cloned $(git -C "$root/root/lectern" log --oneline -1)"
}

# `make run` from nothing: it installs what is missing, builds and serves. Passes when the
# sign-in page answers 200 and the first start printed the administrator's one-time password.
check_run() {
  local port log=$logs/run.log pid code=000 i
  port=$(free_port)
  say "make run LISTEN=127.0.0.1:$port (log: $log)"
  setsid chroot "$root" "${root_env[@]}" sh -c "cd /root/lectern && exec make run LISTEN=127.0.0.1:$port" > "$log" 2>&1 < /dev/null &
  pid=$!
  # The first run installs packages and builds: allow it half an hour.
  for ((i = 0; i < 1800; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    code=$(curl -s -o "$logs/signin.html" -w '%{http_code}' "http://127.0.0.1:$port/signin" || true)
    [ "$code" = 200 ] && break
    sleep 1
  done
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$code" != 200 ]; then say "make run: /signin answered $code; see $log" >&2; return 1; fi
  if ! grep -q 'one-time password:' "$log"; then say "make run: no one-time password printed; see $log" >&2; return 1; fi
  if ! grep -q 'name="password"' "$logs/signin.html"; then say "make run: /signin has no password field" >&2; return 1; fi
  say "make run: served the sign-in page and printed the one-time password"
}

check_test() {
  local log=$logs/test.log
  say "make test (log: $log)"
  if in_root sh -c 'cd /root/lectern && make test' > "$log" 2>&1; then
    say "make test: passed"
  else
    say "make test: failed; see $log" >&2
    return 1
  fi
}

mkdir -p "$logs"
make_root
passed=0 failed=0
if check_run; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ "${RUN_ONLY:-}" != 1 ]; then
  if check_test; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
echo "debian12: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
