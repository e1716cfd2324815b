# Sourced by the packaging tests: installs the Debian packages they use when missing
# (apt-get update once, then one install).
ensure_packaging_tools() {
  local missing="" pair
  for pair in dpkg-deb:dpkg rpmbuild:rpm rpm2cpio:rpm2cpio lintian:lintian rpmlint:rpmlint \
      debootstrap:debootstrap zstd:zstd systemd-analyze:systemd cpio:cpio man:man-db; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair##*:}"
  done
  [ -f /usr/share/bash-completion/bash_completion ] || missing="$missing bash-completion"
  if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "packaging tests: missing$missing; install them (apt-get install$missing) or run as root" >&2
      return 1
    fi
    echo "packaging tests: installing$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}
