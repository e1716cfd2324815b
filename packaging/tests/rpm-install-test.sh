#!/bin/bash
# Installs tandem-*.noarch.rpm with rpm --root into a scratch root and checks files, modes,
# owners, the %post that generates authkeys, an upgrade that keeps the operator's ha.cf, and
# erase. The scratch root is the cached Debian root of deb-install-test.sh (with its own, empty
# rpm database), so rpm runs the scriptlets with a real /bin/sh and tandemd --check runs on the
# files the rpm installed. Before that, the Requires are resolved against stand-ins for
# Fedora's packages, to show that "java-headless >= 1:17" accepts Java 17 and 21 and refuses 8
# (Fedora's java packages carry epoch 1, so "java-headless >= 17" would accept Java 8's 1:1.8.0).
#
#   packaging/tests/rpm-install-test.sh [PATH/TO/tandem-VERSION.noarch.rpm]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packaging=$(dirname "$here")
. "$here/lib/check.sh"
. "$here/lib/debian-root.sh"

if [ "$(id -u)" != 0 ]; then
  echo "rpm-install-test: run as root (rpm --root runs the scriptlets in a chroot)" >&2
  exit 2
fi
command -v rpm >/dev/null && command -v rpmbuild >/dev/null || {
  echo "rpm-install-test: rpm and rpmbuild are missing (Debian: apt-get install rpm)" >&2
  exit 2
}
rpmfile=${1:-}
if [ -z "$rpmfile" ]; then
  shopt -s nullglob
  rpms=("$packaging"/target/tandem-*.noarch.rpm)
  if [ ${#rpms[@]} -ne 1 ]; then
    echo "rpm-install-test: expected one packaging/target/tandem-*.noarch.rpm, found ${#rpms[@]}; build with: mvn -B package -Ppackages" >&2
    exit 2
  fi
  rpmfile=${rpms[0]}
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-rpm-test.XXXXXX")
root=$work/root
cleanup() {
  chroot_umounts "$root"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$(date +%s)

q() { rpm -qp --qf "$1" "$rpmfile"; }
v1="$(q '%{VERSION}-%{RELEASE}')"

step "the package's metadata: $(basename "$rpmfile")"
check "rpm -K: the digests are intact" rpm -K --nosignature "$rpmfile"
check "it is noarch, named tandem-$v1.noarch.rpm" test "$(q '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm')" = "$(basename "$rpmfile")"
check "Requires java-headless >= 1:17, iproute, nftables" sh -c \
  "rpm -qp --requires '$rpmfile' | grep -qx 'java-headless >= 1:17' && rpm -qp --requires '$rpmfile' | grep -qx iproute && rpm -qp --requires '$rpmfile' | grep -qx nftables"
check "ha.cf, haresources, director.cf are %config(noreplace), authkeys a %ghost config" sh -c \
  "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' '$rpmfile' | grep -E ' /etc/tandem/' | LC_ALL=C sort -k2 | tr '\n' ';' |
   grep -qx 'cng /etc/tandem/authkeys;cn /etc/tandem/director.cf;cn /etc/tandem/ha.cf;cn /etc/tandem/haresources;'"
check "the payload does not carry authkeys" sh -c "rpm2cpio '$rpmfile' | cpio -it --quiet 2>/dev/null | grep -v -q authkeys && ! rpm2cpio '$rpmfile' | cpio -it --quiet 2>/dev/null | grep -q authkeys"
check "every file in the payload is owned by root:root" sh -c \
  "test -z \"\$(rpm -qp --qf '[%{FILEUSERNAME}:%{FILEGROUPNAME}\n]' '$rpmfile' | grep -v -x root:root)\""

# Stand-ins for what Fedora/RHEL provide, to resolve the Requires without --nodeps.
step "resolving the Requires against stand-ins for Fedora's packages"
stub() { # NAME VERSION PROVIDES...
  local name=$1 version=$2; shift 2
  {
    echo "Name: $name"; echo "Version: $version"; echo "Release: 1"; echo "Summary: stand-in"
    echo "License: MIT"; echo "BuildArch: noarch"
    for p in "$@"; do echo "Provides: $p"; done
    echo "%description"; echo "stand-in for the dependency test"; echo "%files"
  } >"$work/$name.spec"
  rpmbuild -bb --quiet --define "_topdir $work/stubbuild" --define "_rpmdir $work/stubs" \
    --define "_build_name_fmt %%{NAME}.rpm" "$work/$name.spec" >/dev/null 2>&1
}
stub base-os 1 /bin/sh coreutils iproute nftables
stub java-17-openjdk-headless 17.0.9 "java-headless = 1:17.0.9"
stub java-21-openjdk-headless 21.0.1 "java-headless = 1:21.0.1"
stub java-1.8.0-openjdk-headless 1.8.0.392 "java-headless = 1:1.8.0"
mkdir -p "$work/depdb"
depcheck() { rpm --dbpath "$work/depdb" --test -i "$rpmfile" "$@"; }
check "installable with java-17-openjdk-headless (java-headless = 1:17.0.9)" \
  depcheck "$work/stubs/base-os.rpm" "$work/stubs/java-17-openjdk-headless.rpm"
check "installable with java-21-openjdk-headless (java-headless = 1:21.0.1)" \
  depcheck "$work/stubs/base-os.rpm" "$work/stubs/java-21-openjdk-headless.rpm"
check_not "not installable with only Java 8 (java-headless = 1:1.8.0)" \
  depcheck "$work/stubs/base-os.rpm" "$work/stubs/java-1.8.0-openjdk-headless.rpm"
check_not "not installable without iproute and nftables" \
  depcheck "$work/stubs/java-17-openjdk-headless.rpm"

step "preparing the scratch root"
debian_root_unpack "$root"
chroot_mounts "$root"
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"
}
in_root_sh() { in_root sh -c "$1"; }
R() { rpm --root "$root" "$@"; }

step "install (rpm --root, --nodeps: the root's Debian packages are not in its rpm database)"
check "rpm -i installs it and runs %post" R --nodeps -i "$rpmfile"
check "rpm reports tandem-$v1 installed" test "$(R -q tandem)" = "tandem-$v1.noarch"
check "rpm -V finds every file as packaged" sh -c "out=\$(rpm --root '$root' -V --nodeps tandem); echo \"\$out\"; test -z \"\$out\""
check "tandemd and tandemctl: /usr/sbin, mode 0755, root:root" in_root_sh \
  "test \"\$(stat -c '%a %U:%G' /usr/sbin/tandemd /usr/sbin/tandemctl | sort -u)\" = '755 root:root'"
check "config files: mode 0644, root:root" in_root_sh \
  "test \"\$(stat -c '%a %U:%G' /etc/tandem/ha.cf /etc/tandem/haresources /etc/tandem/director.cf | sort -u)\" = '644 root:root'"
check "%post generated authkeys: mode 0600, root:root" in_root_sh "test \"\$(stat -c '%a %U:%G' /etc/tandem/authkeys)\" = '600 root:root'"
check "authkeys holds 'auth 1' and a 256-bit sha256 key in hex" in_root_sh \
  "grep -qx 'auth 1' /etc/tandem/authkeys && grep -Eqx '1 sha256 [0-9a-f]{64}' /etc/tandem/authkeys"
check "rpm -qf names tandem as the owner of authkeys" sh -c "rpm --root '$root' -qf /etc/tandem/authkeys | grep -q '^tandem-'"
check "the jars are in /usr/share/tandem and lib/, all root:root 0644" in_root_sh \
  "test -f /usr/share/tandem/tandem-daemon.jar && test \"\$(find /usr/share/tandem -type f -printf '%m %u:%g\n' | sort -u)\" = '644 root:root'"
check "the unit is /usr/lib/systemd/system/tandem.service" in_root test -f /usr/lib/systemd/system/tandem.service
check "man pages are gzip-compressed" in_root_sh \
  "gzip -t /usr/share/man/man8/tandemd.8.gz /usr/share/man/man8/tandemctl.8.gz /usr/share/man/man5/ha.cf.5.gz"
check "/var/lib/tandem: directory, 0755, root:root" in_root_sh "test \"\$(stat -c '%F %a %U:%G' /var/lib/tandem)\" = 'directory 755 root:root'"
check "tandemctl --version runs from the rpm's files" in_root_sh "tandemctl --version | grep -q '^tandemctl '"
check "tandemd --check accepts the shipped example for director1" in_root tandemd --check --node director1
echo "#   $(in_root tandemd --check --node director1 2>&1 | tail -n1 || true)"
echo "#   authkeys: $(in_root stat -c '%A %U:%G' /etc/tandem/authkeys)"
key1=$(in_root sha256sum /etc/tandem/authkeys || echo missing)

step "the operator edits ha.cf, then upgrades"
v2_maven="${v1%%-*}.1-UPGRADETEST"
mkdir -p "$work/v2src" "$work/out"
cp -a "$packaging/." "$work/v2src/"
rm -rf "$work/v2src/target"
echo "# changed upstream in $v2_maven" >>"$work/v2src/common/config/ha.cf"
bash "$work/v2src/build.sh" rpm --version "$v2_maven" --jars "$packaging/target/jars" --out "$work/out" >/dev/null
rpm2=$(ls "$work"/out/tandem-*.noarch.rpm)
check "the operator edits ha.cf (keepalive 100ms, deadtime 500ms)" in_root_sh "sed -i 's/^#keepalive 200ms\$/keepalive 100ms/; s/^#deadtime 1s\$/deadtime 500ms/' /etc/tandem/ha.cf"
check "rpm -U upgrades to $(basename "$rpm2")" R --nodeps -U "$rpm2"
check "the operator's ha.cf is kept" in_root_sh "grep -qx 'keepalive 100ms' /etc/tandem/ha.cf"
check "the new upstream ha.cf is beside it as ha.cf.rpmnew" in_root grep -q "changed upstream" /etc/tandem/ha.cf.rpmnew
check "authkeys is the same key, still 0600" in_root_sh \
  "test \"\$(sha256sum /etc/tandem/authkeys)\" = '$key1' && test \"\$(stat -c %a /etc/tandem/authkeys)\" = 600"
check "tandemd --check accepts the kept configuration" in_root tandemd --check --node director1

step "erase"
check "rpm -e erases it" R --nodeps -e tandem
check "programs, jars, unit, man pages are gone" in_root_sh \
  "! test -e /usr/sbin/tandemd && ! test -e /usr/share/tandem && ! test -e /usr/lib/systemd/system/tandem.service && ! test -e /usr/share/man/man8/tandemd.8.gz"
check "the operator's changed ha.cf is saved as ha.cf.rpmsave" in_root grep -qx 'keepalive 100ms' /etc/tandem/ha.cf.rpmsave
check "unchanged config files are removed" in_root_sh "! test -e /etc/tandem/haresources && ! test -e /etc/tandem/director.cf"
check "authkeys (%ghost %config) stays, like every config file the operator has (rpm has no purge)" \
  in_root_sh "test \"\$(sha256sum /etc/tandem/authkeys)\" = '$key1'"
echo "#   left in /etc/tandem after erase: $(in_root_sh 'ls -A /etc/tandem 2>/dev/null | tr "\n" " "')"

echo "# rpm-install-test took $(( $(date +%s) - t0 ))s"
finish
