#!/bin/bash
# Builds the packages and runs every packaging test; what CI runs for packaging/.
#
#   packaging/tests/run-all.sh [--no-build]
#
# As root on Debian: installs what is missing (rpm, lintian, rpmlint, debootstrap, ...), builds
# with `mvn -B package -Ppackages -DskipTests` (the module tests run in scripts/test), then runs
# lint.sh, deb-install-test.sh and rpm-install-test.sh. The first run debootstraps a Debian root
# with a JRE and caches it in /var/cache/tandem-test (about 2 minutes); later runs reuse it.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib/prerequisites.sh"
if [ "$(id -u)" != 0 ]; then
  echo "run-all: run as root (the install tests use chroot)" >&2
  exit 2
fi

t0=$(date +%s)
ensure_packaging_tools || exit 1
if [ "${1:-}" != "--no-build" ]; then
  echo "# mvn -B package -Ppackages -DskipTests"
  tb=$(date +%s)
  (cd "$repo" && mvn -B -q package -Ppackages -DskipTests) || { echo "run-all: the build failed" >&2; exit 1; }
  echo "# build took $(( $(date +%s) - tb ))s"
fi

passed=0 failed=0 summary=""
for t in lint.sh deb-install-test.sh rpm-install-test.sh; do
  echo
  echo "# === $t"
  ts=$(date +%s)
  "$here/$t" >"${TMPDIR:-/tmp}/tandem-$t.log" 2>&1
  rc=$?
  cat "${TMPDIR:-/tmp}/tandem-$t.log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "${TMPDIR:-/tmp}/tandem-$t.log" | tail -n1)
  rm -f "${TMPDIR:-/tmp}/tandem-$t.log"
  p=$(echo "$line" | awk '{print $1}') f=$(echo "$line" | awk '{print $3}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" = 0 ]; then failed=$((failed + 1)); fi
  summary="$summary$(printf '#   %-22s %4ss  %s (exit %s)' "$t" "$(( $(date +%s) - ts ))" "${line:-no result}" "$rc")\n"
done
echo
echo "# packaging tests, $(( $(date +%s) - t0 ))s in all:"
printf "$summary"
echo "packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
