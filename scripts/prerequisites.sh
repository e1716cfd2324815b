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
  # Servers the health-check tests start themselves on loopback (healthcheck/): PostgreSQL, MariaDB,
  # dnsmasq, FreeRADIUS (and radclient), sipp, JamNNTPd, ping; setpriv runs them as unprivileged users.
  [ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || missing="$missing postgresql"
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing="$missing mariadb-server-core"
  command -v mariadb-install-db >/dev/null 2>&1 || missing="$missing mariadb-server-core"
  [ -x /usr/sbin/dnsmasq ] || missing="$missing dnsmasq-base"
  [ -x /usr/sbin/freeradius ] || missing="$missing freeradius"
  command -v radclient >/dev/null 2>&1 || missing="$missing freeradius-utils"
  command -v sipp >/dev/null 2>&1 || missing="$missing sip-tester"
  [ -x /usr/sbin/jamnntpd ] || missing="$missing jamnntpd"
  command -v ping >/dev/null 2>&1 || missing="$missing iputils-ping"
  command -v setpriv >/dev/null 2>&1 || missing="$missing util-linux"
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
    # The server packages must not start their system services (port 53, 1812, 5432 ...): the
    # tests start their own. policy-rc.d 101 tells invoke-rc.d so, for this install only.
    policy_added=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      policy_added=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    if [ -n "$policy_added" ]; then
      rm -f /usr/sbin/policy-rc.d
    fi
  fi
}
