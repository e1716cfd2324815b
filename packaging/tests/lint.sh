#!/bin/bash
# Static checks of the built packages:
#   lintian on the .deb and rpmlint on the .rpm and the spec: no errors, and every warning
#   they print must be explained in packaging/README.md (under "Lint warnings");
#   systemd-analyze verify on tandem.service as installed, and its security exposure score;
#   the man pages render without groff warnings; bash completion offers the commands.
#
#   packaging/tests/lint.sh [DEB RPM]      default: the ones in packaging/target
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packaging=$(dirname "$here")
. "$here/lib/check.sh"
. "$here/lib/prerequisites.sh"
ensure_packaging_tools

shopt -s nullglob
if [ $# -ge 2 ]; then
  deb=$1 rpmfile=$2
else
  debs=("$packaging"/target/tandem_*_all.deb)
  rpms=("$packaging"/target/tandem-*.noarch.rpm)
  if [ ${#debs[@]} -ne 1 ] || [ ${#rpms[@]} -ne 1 ]; then
    echo "lint: expected one .deb and one .rpm in packaging/target; build with: mvn -B package -Ppackages" >&2
    exit 2
  fi
  deb=${debs[0]} rpmfile=${rpms[0]}
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-lint.XXXXXX")
trap 'rm -rf "$work"' EXIT
readme="$packaging/README.md"

# Tags from lint output lines like "W: tandem: TAG ..." or "tandem.noarch: W: TAG ...".
explained() { # FILE-WITH-TAGS
  local tag missing=""
  while read -r tag; do
    grep -q -- "\`$tag\`" "$readme" || missing="$missing $tag"
  done <"$1"
  if [ -n "$missing" ]; then
    echo "not explained in packaging/README.md:$missing"
    return 1
  fi
}

step "lintian $(lintian --version | awk '{print $2}') on $(basename "$deb")"
# --pedantic shows every tag lintian has, info and pedantic ones included.
lintian --pedantic --display-info --fail-on error "$deb" >"$work/lintian.txt" 2>&1 && lintian_rc=0 || lintian_rc=$?
grep -v '^running with root privileges' "$work/lintian.txt" | sed 's/^/#   /' || true
echo "#   lintian: $(grep -c '^E:' "$work/lintian.txt" || true) errors, $(grep -c '^W:' "$work/lintian.txt" || true) warnings, $(grep -c '^[IP]:' "$work/lintian.txt" || true) info/pedantic"
check "lintian reports no errors" test "$lintian_rc" = 0 -a "$(grep -c '^E:' "$work/lintian.txt" || true)" = 0
sed -n 's/^[WIP]: tandem[^:]*: \([a-z0-9.+-]*\).*/\1/p' "$work/lintian.txt" | sort -u >"$work/lintian-tags"
check "every lintian warning is explained in packaging/README.md" explained "$work/lintian-tags"

step "rpmlint $(rpmlint --version 2>/dev/null | tail -n1) on $(basename "$rpmfile") and tandem.spec"
rpmlint -c "$packaging/rpm/rpmlint.toml" "$rpmfile" "$packaging/rpm/tandem.spec" >"$work/rpmlint.txt" 2>&1 && rpmlint_rc=0 || rpmlint_rc=$?
grep -E ': [EW]: |checked;' "$work/rpmlint.txt" | sed 's/^/#   /' || true
check "rpmlint reports no errors" test "$rpmlint_rc" = 0 -a "$(grep -c ': E: ' "$work/rpmlint.txt" || true)" = 0
sed -n 's/^[^ ]*: W: \([a-z0-9%-]*\).*/\1/p' "$work/rpmlint.txt" | sort -u >"$work/rpmlint-tags"
check "every rpmlint warning is explained in packaging/README.md" explained "$work/rpmlint-tags"
check "rpm -K: the .rpm's digests are intact" rpm -K --nosignature "$rpmfile"

step "systemd-analyze verify tandem.service as the .deb installs it"
# A root with the package's files and this machine's systemd units, so that the unit's
# dependencies (network-online.target, sysinit.target, ...) and ExecStart resolve.
mkdir -p "$work/root"
dpkg-deb -x "$deb" "$work/root"
cp -an /lib/systemd/system/. "$work/root/lib/systemd/system/"
# --man=no: the man pages are in the package, not on this machine; the next check renders them.
check "systemd-analyze verify accepts the unit" systemd-analyze verify --man=no --root="$work/root" tandem.service
systemd-analyze security --offline=true --root="$work/root" tandem.service >"$work/security.txt" 2>&1 || true
echo "#   $(grep -o 'Overall exposure level.*' "$work/security.txt" || echo 'systemd-analyze security gave no score')"
mkdir -p "$work/rpmroot"
(cd "$work/rpmroot" && rpm2cpio "$rpmfile" | cpio -id --quiet)
check "the .rpm carries the same unit" cmp "$work/root/lib/systemd/system/tandem.service" "$work/rpmroot/usr/lib/systemd/system/tandem.service"

step "man pages and bash completion"
for page in man8/tandemd.8.gz man8/tandemctl.8.gz man5/ha.cf.5.gz; do
  check "man renders $page without warnings" sh -c \
    "out=\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$work/root/usr/share/man/$page' 2>&1 >/dev/null); printf '%s' \"\$out\"; test -z \"\$out\""
done
complete_words() { # WORDS... (the last one is being completed)
  bash -c '. /usr/share/bash-completion/bash_completion
           . "$0"
           COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _tandemctl tandemctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
           printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
    "$work/root/usr/share/bash-completion/completions/tandemctl" "$@"
}
check "completion offers the commands" test "$(complete_words tandemctl '')" = "check-config conns failback garp history import-keepalived maintenance reload services standby status takeover "
check "completion offers services --stats" test "$(complete_words tandemctl services --s)" = "--stats "
check "completion offers the global options" test "$(complete_words tandemctl --)" = "--help --socket --version "
check "completion offers status --json" test "$(complete_words tandemctl status --j)" = "--json "
check "completion offers 'all' for takeover" sh -c "echo '$(complete_words tandemctl takeover '')' | grep -qw all"

finish
