#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for Folio's tests, in a folder of its own.
#
#   .ci/postgres.sh start DIR   make a cluster in DIR if there is none, start
#                               it on 127.0.0.1 and print its URL
#   .ci/postgres.sh stop DIR    stop it, cutting open connections
#
# Starting DIR again after a stop keeps its data and its port, which the
# several-collector test relies on to take the database away and give it
# back. The cluster trusts every local connection: it holds test data only,
# listens on 127.0.0.1 and keeps its socket in DIR.
#
# PostgreSQL refuses to run as root, so as root the server runs as Debian's
# postgres user, which then owns DIR; DIR's parents must let that user in
# (a folder made with mktemp -d directly under /tmp does).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

bin=${FOLIO_POSTGRES_BIN:-}
if [ -z "$bin" ]; then
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	echo "$0: no PostgreSQL server found (apt-get install postgresql, or set FOLIO_POSTGRES_BIN)" >&2
	exit 1
fi

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

data="$dir/data"
case "$cmd" in
start)
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
	fi
	if [ -f "$dir/port" ]; then
		ports=$(cat "$dir/port")
	else
		# No tool to ask the system for a free port is certain to be
		# installed, so try random high ports until the server gets one.
		ports=$(for _ in $(seq 20); do echo $((20000 + RANDOM % 40000)); done)
	fi
	started=""
	for port in $ports; do
		if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start \
			-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c max_connections=200" >/dev/null; then
			started=$port
			break
		fi
		grep -q 'could not bind\|Address already in use' "$dir/server.log" || break
	done
	if [ -z "$started" ]; then
		echo "$0: the server did not start:" >&2
		tail -n 20 "$dir/server.log" >&2
		exit 1
	fi
	echo "$started" >"$dir/port"
	if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$started" -U postgres -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'folio'" | grep -q 1; then
		as_owner "$bin/createdb" -h 127.0.0.1 -p "$started" -U postgres folio
	fi
	echo "postgres://postgres@127.0.0.1:$started/folio?sslmode=disable"
	;;
stop)
	if [ -f "$data/postmaster.pid" ]; then
		as_owner "$bin/pg_ctl" -D "$data" -w -t 60 -m fast stop >/dev/null
	fi
	;;
*)
	usage
	;;
esac
