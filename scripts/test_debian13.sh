#!/usr/bin/env bash
# Builds and tests unbert against Debian 13 (trixie: LibTorch 2.6, g++ 14) on a
# Debian 12 machine, in a chroot made with debootstrap. Needs root.
#   scripts/test_debian13.sh [--sanitize] [ctest options]
#   scripts/test_debian13.sh --run 'COMMAND'
# Plain: scripts/test.sh inside the chroot (Release build in build-debian13/,
# the whole suite). --sanitize: scripts/test_sanitizers.sh inside it instead
# (ASan + UBSan build in build-debian13-sanitize/). --run: COMMAND in the
# checkout there, after the packages are installed (benchmarks, one test). The chroot is kept in
# UNBERT_DEBIAN13_ROOT (default /var/cache/unbert/debian13) for the next run;
# delete that folder to start from nothing. The mirror is the one apt uses
# here (UNBERT_DEBIAN_MIRROR overrides it). Mounts are undone however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source=$PWD
root=${UNBERT_DEBIAN13_ROOT:-/var/cache/unbert/debian13}

mode=plain
command=
case "${1:-}" in
  --sanitize) mode=sanitize; shift ;;
  --run) mode=run; command=${2:?--run needs a command}; shift 2 ;;
esac

fail() {
  echo "test_debian13: $*" >&2
  exit 2
}
[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, mount, chroot): run it with sudo"

mirror() {
  if [ -n "${UNBERT_DEBIAN_MIRROR:-}" ]; then
    echo "$UNBERT_DEBIAN_MIRROR"
    return
  fi
  # The archive that serves this machine's own Debian packages.
  apt-cache policy 2>/dev/null | awk '$2 ~ /^https?:/ && $3 ~ /^[a-z]+\/main$/ && $2 !~ /security/ {print $2; exit}'
}

make_root() {
  command -v debootstrap >/dev/null || {
    echo "test_debian13: installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local uri
  uri=$(mirror)
  [ -n "$uri" ] || fail "no Debian mirror found in 'apt-cache policy' (run apt-get update, or set UNBERT_DEBIAN_MIRROR)"
  echo "test_debian13: debootstrap trixie from $uri into $root"
  rm -rf "$root.partial"
  mkdir -p "$(dirname "$root")"
  if ! debootstrap --variant=minbase trixie "$root.partial" "$uri" >"$root.log" 2>&1; then
    tail -20 "$root.log" >&2
    fail "debootstrap failed (log: $root.log)"
  fi
  # Only a finished chroot gets the real name, so a stopped run starts over.
  mv "$root.partial" "$root"
}

# Two runs on one chroot would mount over each other and unmount each other's
# checkout; the second waits for the first (another UNBERT_DEBIAN13_ROOT runs beside it).
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
if ! flock -n 9; then
  echo "test_debian13: another run is using $root; waiting for it (or set UNBERT_DEBIAN13_ROOT)" >&2
  flock 9
fi

[ -x "$root/usr/bin/apt-get" ] || make_root

# Inside, the checkout and ../shared sit side by side as they do here.
work=$root/srv/unbert/work
shared=$root/srv/unbert/shared
mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
}
trap unmount_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bind() {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounted+=("$2")
}
bind /proc "$root/proc"
bind /sys "$root/sys"
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"
mkdir -p "$root/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
mounted+=("$root/dev/shm")
bind "$source" "$work"
[ -d "$source/../shared" ] && bind "$source/../shared" "$shared"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# apt's settings of this machine (proxies, a mirror's quirks) hold there too.
cp /etc/apt/apt.conf.d/* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true

# git refuses a checkout owned by another user unless told it is safe.
inner="git config --global --add safe.directory /srv/unbert/work 2>/dev/null || true; cd /srv/unbert/work; "
case $mode in
  sanitize) inner+='scripts/setup.sh --packages-only &&
    UNBERT_BUILD_DIR=build-debian13-sanitize scripts/test_sanitizers.sh "$@"' ;;
  run) inner+="scripts/setup.sh --packages-only && $command" ;;
  *) inner+='UNBERT_BUILD_DIR=build-debian13 scripts/test.sh "$@"' ;;
esac
passed=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
for name in $(compgen -e); do
  case $name in CI | TERM | OPENBLAS_* | OMP_* | UNBERT_*) passed+=("$name=${!name}") ;; esac
done
echo "test_debian13: $mode run inside $root (Debian 13, LibTorch 2.6)"
chroot "$root" /usr/bin/env -i "${passed[@]}" /bin/bash -c "$inner" test_debian13 "$@"
