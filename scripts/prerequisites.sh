# Sourced by scripts/test and scripts/demo: checks for root and installs the Debian packages the
# lab uses when they are missing (a bare Debian machine with Java and Maven lacks some of them).
ensure_prerequisites() {
  if [ "$(id -u)" != 0 ]; then
    echo "$0: run as root: the lab creates network namespaces, veth pairs and a bridge" >&2
    exit 2
  fi
  missing=""
  command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
  command -v nft >/dev/null 2>&1 || missing="$missing nftables"
  command -v curl >/dev/null 2>&1 || missing="$missing curl"
  command -v java >/dev/null 2>&1 || missing="$missing openjdk-17-jdk-headless"
  command -v mvn >/dev/null 2>&1 || missing="$missing maven"
  # tcpdump: the lab watches gratuitous ARPs reach the client (MetricsLabTest).
  command -v tcpdump >/dev/null 2>&1 || [ -x /usr/sbin/tcpdump ] || missing="$missing tcpdump"
  # rsyslogd: the real syslog daemon LogSetupTest sends logfacility lines to (on a socket of its own).
  [ -x /usr/sbin/rsyslogd ] || missing="$missing rsyslog"
  # Prometheus' own exposition parsers (its Python client), which the metrics tests read /metrics with.
  if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
    missing="$missing python3-prometheus-client"
  fi
  if [ -n "$missing" ]; then
    echo "$0: installing$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
}
