#!/bin/bash
# Installs tandem_*.deb into a clean Debian root (debootstrap minbase of this machine's
# release, with a Java runtime; cached under /var/cache/tandem-test), then: runs the commands,
# checks the shipped example configuration with tandemd --check, upgrades to a newer build
# while the operator's ha.cf is kept, removes, purges, and installs once more.
#
#   packaging/tests/deb-install-test.sh [PATH/TO/tandem_VERSION_all.deb]
#
# Default: the one .deb in packaging/target (mvn -B package -Ppackages). Needs root (chroot).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packaging=$(dirname "$here")
. "$here/lib/check.sh"
. "$here/lib/debian-root.sh"

if [ "$(id -u)" != 0 ]; then
  echo "deb-install-test: run as root (it uses chroot and mounts /proc)" >&2
  exit 2
fi
deb=${1:-}
if [ -z "$deb" ]; then
  shopt -s nullglob
  debs=("$packaging"/target/tandem_*_all.deb)
  if [ ${#debs[@]} -ne 1 ]; then
    echo "deb-install-test: expected one packaging/target/tandem_*_all.deb, found ${#debs[@]}; build with: mvn -B package -Ppackages" >&2
    exit 2
  fi
  deb=${debs[0]}
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-deb-test.XXXXXX")
root=$work/root
cleanup() {
  chroot_umounts "$root"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(date +%s)
step "preparing a clean Debian root"
debian_root_unpack "$root"
chroot_mounts "$root"
echo "#   root ready in $(( $(date +%s) - t0 ))s"

# Runs a command inside the root, with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
    DEBIAN_FRONTEND=noninteractive "$@"
}
in_root_sh() { in_root sh -c "$1"; }

# The newer build for the upgrade: the same jars, a higher version, and an ha.cf and a
# haresources that changed upstream, as a real new release would bring.
v1=$(dpkg-deb -f "$deb" Version)
upstream=${v1%%~*}
v2_maven="$upstream.1-UPGRADETEST"
step "building the newer package $v2_maven from packaging/target/jars"
mkdir -p "$work/v2src" "$work/out"
cp -a "$packaging/." "$work/v2src/" 2>/dev/null || true
rm -rf "$work/v2src/target"
echo "# changed upstream in $v2_maven" >>"$work/v2src/common/config/ha.cf"
echo "# changed upstream in $v2_maven" >>"$work/v2src/common/config/haresources"
bash "$work/v2src/build.sh" deb --version "$v2_maven" --jars "$packaging/target/jars" --out "$work/out" >/dev/null
deb2=$(ls "$work"/out/tandem_*_all.deb)
v2=$(dpkg-deb -f "$deb2" Version)
check "dpkg orders the new version $v2 after $v1" dpkg --compare-versions "$v2" gt "$v1"
cp "$deb" "$root/tmp/tandem-v1.deb"
cp "$deb2" "$root/tmp/tandem-v2.deb"

step "install $(basename "$deb")"
check "dpkg -i installs it (Depends satisfied by the root's packages)" in_root dpkg -i /tmp/tandem-v1.deb
check "dpkg reports $v1 installed" in_root_sh "dpkg-query -W -f='\${Status} \${Version}' tandem | grep -qx 'install ok installed $v1'"
check "the root has no tandem-owned file outside the expected places" in_root_sh \
  "dpkg -L tandem | grep -v -E '^/(\\.|etc/tandem|usr/sbin|usr/share/(tandem|doc/tandem|man|bash-completion)|lib/systemd/system|var/lib/tandem|etc|lib|usr|usr/share|var|var/lib|lib/systemd)(/|\$)' | grep . && exit 1 || exit 0"
check "tandemd and tandemctl are executables in /usr/sbin" in_root_sh "test -x /usr/sbin/tandemd && test -x /usr/sbin/tandemctl"
check "the jars are in /usr/share/tandem, dependencies once each in lib/" in_root_sh \
  "test -f /usr/share/tandem/tandem-daemon.jar && test -f /usr/share/tandem/tandem-cli.jar && ls /usr/share/tandem/lib/*.jar >/dev/null && test -z \"\$(ls /usr/share/tandem/lib | sed 's/-[0-9][^-]*\\(-linux-x86_64\\)\\?\\.jar\$//' | sort | uniq -d)\""
check "the unit is /lib/systemd/system/tandem.service" in_root test -f /lib/systemd/system/tandem.service
check "man pages tandemd(8), tandemctl(8), ha.cf(5) are gzip-compressed" in_root_sh \
  "gzip -t /usr/share/man/man8/tandemd.8.gz /usr/share/man/man8/tandemctl.8.gz /usr/share/man/man5/ha.cf.5.gz"
check "bash completion for tandemctl is installed" in_root test -f /usr/share/bash-completion/completions/tandemctl
check "ha.cf, haresources, director.cf are the package's conffiles" in_root_sh \
  "dpkg-query -W -f='\${Conffiles}\n' tandem | awk 'NF {print \$1}' | sort | tr '\n' ' ' | grep -qx '/etc/tandem/director.cf /etc/tandem/ha.cf /etc/tandem/haresources '"
check "director.cf holds only comments" in_root_sh "! grep -v -E '^[[:space:]]*(#|\$)' /etc/tandem/director.cf"
check "authkeys was generated: mode 0600, owner root:root" in_root_sh "test \"\$(stat -c '%a %U:%G' /etc/tandem/authkeys)\" = '600 root:root'"
check "authkeys holds 'auth 1' and a 256-bit sha256 key in hex" in_root_sh \
  "grep -qx 'auth 1' /etc/tandem/authkeys && grep -Eqx '1 sha256 [0-9a-f]{64}' /etc/tandem/authkeys"
check "authkeys is not in the package" in_root_sh "! dpkg -L tandem | grep -q authkeys"
check "/var/lib/tandem exists; /run/tandem is not shipped (RuntimeDirectory=)" in_root_sh \
  "test -d /var/lib/tandem && ! dpkg -L tandem | grep -q '^/run'"
key1=$(in_root sha256sum /etc/tandem/authkeys || echo missing)

step "run the commands"
check "tandemctl --version prints the version" in_root_sh "tandemctl --version | tee /dev/stderr | grep -q '^tandemctl '"
check "tandemd --version prints the version" in_root_sh "tandemd --version | tee /dev/stderr | grep -q '^tandemd '"
check "tandemd --check accepts the shipped example for director1" in_root_sh \
  "tandemd --check --node director1 | tee /dev/stderr | grep -q 'is valid for node director1'"
check "tandemd --check accepts the shipped example for director2" in_root tandemd --check --node director2
echo "#   $(in_root tandemctl --version || true) / $(in_root tandemd --version || true)"
echo "#   $(in_root tandemd --check --node director1 2>&1 | tail -n1 || true)"
expect_exit 2 "tandemd --check refuses a node that is not in ha.cf" in_root tandemd --check --node director3
in_root chmod 0644 /etc/tandem/authkeys || true
expect_exit 2 "tandemd --check refuses authkeys readable by others" in_root tandemd --check --node director1
in_root chmod 0600 /etc/tandem/authkeys || true
expect_exit 3 "tandemctl status says the daemon is unreachable when it is not running" in_root tandemctl status
expect_exit 2 "tandemctl with no command is a usage error" in_root tandemctl

step "the operator edits ha.cf, then upgrades to $v2"
check "the operator edits ha.cf (keepalive 100ms, deadtime 500ms)" in_root_sh "sed -i 's/^#keepalive 200ms\$/keepalive 100ms/; s/^#deadtime 1s\$/deadtime 500ms/' /etc/tandem/ha.cf"
check "the operator's ha.cf is valid" in_root_sh "grep -qx 'keepalive 100ms' /etc/tandem/ha.cf && tandemd --check --node director1"
in_root_sh "echo 7 >/var/lib/tandem/generation" || true
check "dpkg -i of the newer package upgrades (keeping changed conffiles)" \
  in_root dpkg -i --force-confdef --force-confold /tmp/tandem-v2.deb
check "dpkg reports $v2 installed" in_root_sh "dpkg-query -W -f='\${Status} \${Version}' tandem | grep -qx 'install ok installed $v2'"
check "the operator's ha.cf is kept" in_root_sh "grep -qx 'keepalive 100ms' /etc/tandem/ha.cf && grep -qx 'deadtime 500ms' /etc/tandem/ha.cf"
check "the new upstream ha.cf is beside it as ha.cf.dpkg-dist" in_root grep -q "changed upstream in $v2_maven" /etc/tandem/ha.cf.dpkg-dist
check "haresources, unchanged by the operator, is updated" in_root grep -q "changed upstream in $v2_maven" /etc/tandem/haresources
check "authkeys is the same key, still 0600" in_root_sh \
  "test \"\$(sha256sum /etc/tandem/authkeys)\" = '$key1' && test \"\$(stat -c %a /etc/tandem/authkeys)\" = 600"
check "tandemd --check accepts the kept configuration after the upgrade" in_root tandemd --check --node director1

step "remove"
check "dpkg -r removes the package" in_root dpkg -r tandem
check "dpkg reports config-files only" in_root_sh "dpkg-query -W -f='\${Status}' tandem | grep -qx 'deinstall ok config-files'"
check "programs, jars, unit, man pages are gone" in_root_sh \
  "! test -e /usr/sbin/tandemd && ! test -e /usr/sbin/tandemctl && ! test -e /usr/share/tandem && ! test -e /lib/systemd/system/tandem.service && ! test -e /usr/share/man/man8/tandemd.8.gz"
check "ha.cf, haresources, director.cf stay after remove" in_root_sh \
  "test -f /etc/tandem/ha.cf && test -f /etc/tandem/haresources && test -f /etc/tandem/director.cf && grep -qx 'keepalive 100ms' /etc/tandem/ha.cf"
check "authkeys stays after remove, same key" in_root_sh "test \"\$(sha256sum /etc/tandem/authkeys)\" = '$key1'"
check "the state in /var/lib/tandem stays after remove" in_root test -f /var/lib/tandem/generation

step "purge"
check "dpkg -P purges the package" in_root dpkg -P tandem
check "dpkg no longer knows the package" in_root_sh "! dpkg-query -W -f='\${Status}' tandem 2>/dev/null | grep -q ."
check "/etc/tandem is gone, authkeys and .dpkg-dist included" in_root_sh "! test -e /etc/tandem"
check "/var/lib/tandem is gone" in_root_sh "! test -e /var/lib/tandem"
check "no tandem file is left anywhere in /etc, /usr, /lib, /var" in_root_sh \
  "test -z \"\$(find /etc /usr /lib /var -name '*tandem*' 2>/dev/null | grep -v -e '^/var/lib/dpkg/' -e '^/var/log/')\""

step "install again after purge"
check "dpkg -i installs it again" in_root dpkg -i /tmp/tandem-v1.deb
check "a new key is generated, mode 0600" in_root_sh \
  "test \"\$(stat -c %a /etc/tandem/authkeys)\" = 600 && test \"\$(sha256sum /etc/tandem/authkeys)\" != '$key1'"
check "tandemd --check accepts the fresh example for director1" in_root tandemd --check --node director1

echo "# deb-install-test took $(( $(date +%s) - t0 ))s"
finish
