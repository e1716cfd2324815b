#!/bin/bash
# Builds Tandem's .deb or .rpm from the jars Maven collected. Maven runs it in the package
# phase of the `packages` profile (see pom.xml); tests run it directly to make a second,
# newer package for the upgrade test.
#
#   packaging/build.sh deb|rpm --version MAVEN_VERSION --jars DIR --out DIR
#
# DIR given to --jars holds tandem-daemon.jar, tandem-cli.jar and lib/*.jar (every runtime
# dependency of both, once). MAVEN_VERSION such as 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT for
# dpkg and Version 0.1.0, Release 0.SNAPSHOT for rpm, so a release sorts after its snapshots.
# Environment: TANDEM_MAINTAINER (name <email>), TANDEM_HOMEPAGE, SOURCE_DATE_EPOCH.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
format=${1:-}
shift || true
version="" jars="" out=""
while [ $# -gt 0 ]; do
  case $1 in
    --version) version=$2; shift 2 ;;
    --jars) jars=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "build.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$format" ] || [ -z "$version" ] || [ -z "$jars" ] || [ -z "$out" ]; then
  echo "usage: build.sh deb|rpm --version MAVEN_VERSION --jars DIR --out DIR" >&2
  exit 2
fi
case $version in
  [0-9]*) ;;
  *) echo "build.sh: version=$version must start with a digit" >&2; exit 2 ;;
esac
jars=$(cd "$jars" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

maintainer=${TANDEM_MAINTAINER:-Tandem maintainers <maintainers@tandem.example.org>}
homepage=${TANDEM_HOMEPAGE:-https://tandem.example.org/}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}
upstream=${version%%-*}
qualifier=""
[ "$upstream" = "$version" ] || qualifier=${version#*-}
deb_version=$upstream${qualifier:+~$qualifier}
rpm_version=$upstream
rpm_release=${qualifier:+0.${qualifier//-/.}}
rpm_release=${rpm_release:-1}

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-$format.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022

# The part both formats share: one FHS tree. Paths that differ (unit, docs) come after.
stage() {
  local root=$1
  install -d "$root/usr/share/tandem/lib" "$root/usr/sbin" "$root/etc/tandem" "$root/var/lib/tandem" \
    "$root/usr/share/man/man5" "$root/usr/share/man/man8" "$root/usr/share/bash-completion/completions"
  install -m 0644 "$jars/tandem-daemon.jar" "$jars/tandem-cli.jar" "$root/usr/share/tandem/"
  install -m 0644 "$jars"/lib/*.jar "$root/usr/share/tandem/lib/"
  install -m 0755 "$here/common/tandemd" "$here/common/tandemctl" "$root/usr/sbin/"
  install -m 0644 "$here/common/config/ha.cf" "$here/common/config/haresources" \
    "$here/common/config/director.cf" "$root/etc/tandem/"
  local date page section
  date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
  for page in tandemd.8 tandemctl.8 ha.cf.5; do
    section=${page##*.}
    sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date/g" "$here/common/man/$page" |
      gzip -9n >"$root/usr/share/man/man$section/$page.gz"
    chmod 0644 "$root/usr/share/man/man$section/$page.gz"
  done
  install -m 0644 "$here/common/tandemctl.bash-completion" "$root/usr/share/bash-completion/completions/tandemctl"
}

# Every bundled jar must be named in the copyright file, so the licence list cannot fall behind.
check_copyright_covers_jars() {
  local jar base pattern covered missing=""
  local patterns
  patterns=$(sed -n 's/^Files: //p' "$here/common/copyright")
  for jar in "$jars/tandem-daemon.jar" "$jars/tandem-cli.jar" "$jars"/lib/*.jar; do
    base=$(basename "$jar")
    covered=no
    for pattern in $patterns; do
      # shellcheck disable=SC2254
      case $base in $pattern) covered=yes ;; esac
    done
    [ $covered = yes ] || missing="$missing $base"
  done
  if [ -n "$missing" ]; then
    echo "build.sh: packaging/common/copyright names no licence for:$missing" >&2
    exit 1
  fi
}

build_deb() {
  local root=$work/root
  stage "$root"
  install -d "$root/lib/systemd/system" "$root/usr/share/doc/tandem" "$root/DEBIAN"
  install -m 0644 "$here/common/tandem.service" "$root/lib/systemd/system/tandem.service"
  sed "s/@YEAR@/$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)/" "$here/common/copyright" >"$root/usr/share/doc/tandem/copyright"
  chmod 0644 "$root/usr/share/doc/tandem/copyright"
  if [ -s "$here/debian/lintian-overrides" ]; then
    install -D -m 0644 "$here/debian/lintian-overrides" "$root/usr/share/lintian/overrides/tandem"
  fi
  sed -e "s/@DEB_VERSION@/$deb_version/g" -e "s/@MVN_VERSION@/$version/g" \
      -e "s|@MAINTAINER@|$maintainer|g" \
      -e "s/@DATE_RFC2822@/$(date -u -R -d "@$SOURCE_DATE_EPOCH")/g" "$here/debian/changelog.in" |
    gzip -9n >"$root/usr/share/doc/tandem/changelog.gz"
  chmod 0644 "$root/usr/share/doc/tandem/changelog.gz"
  install -m 0644 "$here/debian/conffiles" "$root/DEBIAN/conffiles"
  install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
    xargs -0 md5sum) >"$root/DEBIAN/md5sums"
  chmod 0644 "$root/DEBIAN/md5sums"
  local size
  size=$(du -k -s --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@DEB_VERSION@/$deb_version/g" -e "s/@INSTALLED_SIZE@/$size/g" \
      -e "s|@MAINTAINER@|$maintainer|g" -e "s|@HOMEPAGE@|$homepage|g" \
      "$here/debian/control.in" >"$root/DEBIAN/control"
  local deb=$out/tandem_${deb_version}_all.deb
  dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
  echo "build.sh: built $deb"
}

build_rpm() {
  local root=$work/root top=$work/rpmbuild
  stage "$root"
  install -d "$root/usr/lib/systemd/system" "$top/SPECS" "$top/BUILD" "$top/RPMS" "$top/SRPMS" "$top/tmp"
  install -m 0644 "$here/common/tandem.service" "$root/usr/lib/systemd/system/tandem.service"
  sed "s/@YEAR@/$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)/" "$here/common/copyright" >"$work/LICENSE.bundled"
  rpmbuild -bb --quiet \
    --define "_topdir $top" \
    --define "_tmppath $top/tmp" \
    --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "tandem_version $rpm_version" \
    --define "tandem_release $rpm_release" \
    --define "tandem_stage $root" \
    --define "tandem_license_file $work/LICENSE.bundled" \
    --define "tandem_maintainer $maintainer" \
    --define "tandem_homepage $homepage" \
    --define "tandem_date $(date -u -d "@$SOURCE_DATE_EPOCH" "+%a %b %d %Y")" \
    --define "source_date_epoch_from_changelog 0" \
    --define "__brp_compress %{nil}" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    "$here/rpm/tandem.spec"
  echo "build.sh: built $out/tandem-$rpm_version-$rpm_release.noarch.rpm"
}

check_copyright_covers_jars
case $format in
  deb) command -v dpkg-deb >/dev/null || { echo "build.sh: dpkg-deb is missing" >&2; exit 1; }; build_deb ;;
  rpm) command -v rpmbuild >/dev/null || { echo "build.sh: rpmbuild is missing (Debian: apt-get install rpm)" >&2; exit 1; }; build_rpm ;;
  *) echo "build.sh: format=$format must be deb or rpm" >&2; exit 2 ;;
esac
