# Sourced by the install tests. Gives a clean Debian root (the build machine's release,
# debootstrap --variant=minbase) with a Java runtime, iproute2 and nftables already in it, so
# that `dpkg -i tandem_*.deb` checks the package's Depends against real packages without
# touching the network on warm runs.
#
# The first run debootstraps and saves the root as a tarball under $TANDEM_TEST_CACHE
# (default /var/cache/tandem-test); later runs only unpack it. Delete the tarball to rebuild.
#
#   debian_root_unpack DIR   -> DIR holds a fresh copy of the cached root
#   chroot_mounts DIR        -> /proc (and /dev/pts-free /dev) mounted; undo with chroot_umounts
#   chroot_umounts DIR       -> safe to call twice, used from traps

TANDEM_TEST_CACHE=${TANDEM_TEST_CACHE:-/var/cache/tandem-test}
# Packages preinstalled in the cached root. Changing this list changes the cache file name.
DEBIAN_ROOT_PACKAGES="default-jre-headless iproute2 nftables"

debian_release() {
  . /etc/os-release
  echo "${VERSION_CODENAME:?/etc/os-release names no VERSION_CODENAME}"
}

# The Debian mirror this machine already uses (first deb822 or one-line source), so the test
# fetches from the same place as apt-get on the host.
debian_mirror() {
  m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

debian_root_tarball() {
  key=$(printf '%s\n' "$DEBIAN_ROOT_PACKAGES" | md5sum | cut -c1-8)
  echo "$TANDEM_TEST_CACHE/debian-$(debian_release)-minbase-$(dpkg --print-architecture)-$key.tar.zst"
}

chroot_mounts() {
  mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
}

chroot_umounts() {
  if mountpoint -q "$1/proc" 2>/dev/null; then
    umount "$1/proc" || umount -l "$1/proc"
  fi
}

ensure_host_tools() {
  missing=""
  for tool in debootstrap:debootstrap zstd:zstd; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool##*:}"
  done
  if [ -n "$missing" ]; then
    echo "debian-root: installing$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}

# Builds the cached tarball (cold path). Runs in a subshell so its trap cannot clobber the caller's.
debian_root_build() (
  set -eu
  tarball=$1
  work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-debootstrap.XXXXXX")
  trap 'chroot_umounts "$work/root"; rm -rf "$work"' EXIT
  release=$(debian_release)
  mirror=$(debian_mirror)
  start=$(date +%s)
  echo "debian-root: cold start: debootstrap --variant=minbase $release from $mirror" >&2
  debootstrap --variant=minbase "$release" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  }
  echo "debian-root: debootstrap took $(( $(date +%s) - start ))s" >&2
  # Nothing started inside the chroot: no init there, and no daemons of the host's disturbed.
  printf '#!/bin/sh\nexit 101\n' >"$work/root/usr/sbin/policy-rc.d"
  chmod 755 "$work/root/usr/sbin/policy-rc.d"
  chroot_mounts "$work/root"
  step=$(date +%s)
  chroot "$work/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $DEBIAN_ROOT_PACKAGES && apt-get clean" \
    >"$work/apt.log" 2>&1 || {
    tail -n 30 "$work/apt.log" >&2
    exit 1
  }
  chroot_umounts "$work/root"
  rm -rf "$work/root/var/lib/apt/lists/"*
  echo "debian-root: installing $DEBIAN_ROOT_PACKAGES took $(( $(date +%s) - step ))s" >&2
  mkdir -p "$(dirname "$tarball")"
  tar -C "$work/root" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$tarball.tmp"
  mv "$tarball.tmp" "$tarball"
  echo "debian-root: cached $(du -h "$tarball" | cut -f1) in $tarball; cold build took $(( $(date +%s) - start ))s" >&2
)

debian_root_unpack() {
  dest=$1
  ensure_host_tools
  tarball=$(debian_root_tarball)
  if [ ! -f "$tarball" ]; then
    debian_root_build "$tarball"
  fi
  mkdir -p "$dest"
  zstd -q -d -c "$tarball" | tar -C "$dest" --numeric-owner -xf -
}
