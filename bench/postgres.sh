#!/usr/bin/env bash
# Ingest with PostgreSQL behind folio collect, measured with wrk:
#
#  1. requests a second of a bare 204 handler, of one collector on SQLite
#     and of one collector on PostgreSQL, with the same beacons and
#     connections, and each collector's ratio to the bare handler;
#  2. rows PostgreSQL writes per flush as 1 to 4 collectors share it.
#
#   bench/postgres.sh            (DURATION=20s CONNECTIONS=32 FLUSH=10s ROUNDS=5)
#
# Needs wrk and a PostgreSQL server (apt-get install wrk postgresql); a
# throwaway cluster is made with .ci/postgres.sh and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20s}
conns=${CONNECTIONS:-32}
flush=${FLUSH:-10s}
rounds=${ROUNDS:-5}

work=$(mktemp -d /tmp/folio-bench.XXXXXX)
# Apart from $work and directly under /tmp: as root the server runs as the
# postgres user, which must be able to enter the folder's parents.
pgdir=$(mktemp -d /tmp/folio-pg.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	.ci/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

go build -o "$work/folio" ./cmd/folio
go build -o "$work/bare204" ./bench/bare204
dsn=$(.ci/postgres.sh start "$pgdir")
psql_() { psql "$dsn" -Atqc "$1"; }

# A built site of 20 pages at https://bench.example.
site="$work/site"
mkdir -p "$site/public"
printf 'title = "Bench"\nbaseURL = "https://bench.example/"\n[analytics]\nenabled = true\n' >"$site/folio.toml"
for i in $(seq 0 19); do mkdir -p "$site/public/p$i"; echo '<!doctype html>' >"$site/public/p$i/index.html"; done

. bench/servers.sh
collector() {
	start "$work/folio" collect -root "$site" -addr 127.0.0.1:0 -trusted-proxies 127.0.0.1 -rate-limit 0 -flush "$flush" "$@"
}
rps() { wrk -t2 -c"$conns" -d"$duration" -s bench/beacon.lua "$1" | awk '/Requests\/sec/ {print $2}'; }

echo "== ingest, wrk -c$conns -d$duration, flush every $flush, $rounds rounds"
# The three run in turn within each round, and each round's ratios are
# taken to the bare handler of that round: other work on a shared machine
# moves all of them, and moves them less within a minute than across
# minutes. The result is the median of the rounds' ratios.
: >"$work/ratios"
for r in $(seq "$rounds"); do
	start "$work/bare204"
	bare=$(rps "$url")
	stop_all
	collector -db "$work/analytics.db"
	sqlite=$(rps "$url")
	stop_all
	collector -db "$dsn"
	pg=$(rps "$url")
	stop_all
	awk -v r="$r" -v b="$bare" -v s="$sqlite" -v p="$pg" 'BEGIN {
		printf "round %d: bare 204 %6.0f req/s, SQLite %6.0f (%.2f), PostgreSQL %6.0f (%.2f)\n", r, b, s, s / b, p, p / b
	}'
	awk -v b="$bare" -v s="$sqlite" -v p="$pg" 'BEGIN { print s / b, p / b }' >>"$work/ratios"
done
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf "median ratio to the bare 204 handler: SQLite %.2f, PostgreSQL %.2f\n" \
	"$(cut -d' ' -f1 "$work/ratios" | median)" "$(cut -d' ' -f2 "$work/ratios" | median)"

echo "== rows written per flush as collectors share one PostgreSQL (flush every $flush)"
# Each collector writes the cells it holds: the same pages and values for
# all of them, so rows written per flush grow with collectors, not with
# traffic.
rows() { psql_ "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname IN ('views', 'dimensions', 'dropped', 'visitors')"; }
for n in 1 2 3 4; do
	urls=()
	for _ in $(seq "$n"); do
		collector -db "$dsn"
		urls+=("$url")
	done
	# Statistics reach pg_stat_user_tables within a second or so.
	sleep 1
	before=$(rows)
	loads=()
	for i in "${!urls[@]}"; do
		wrk -t1 -c$((conns / n)) -d"$duration" -s bench/beacon.lua "${urls[$i]}" | awk '/Requests\/sec/ {print $2}' >"$work/rps.$i" &
		loads+=($!)
	done
	wait "${loads[@]}"
	total=$(cat "$work"/rps.* | awk '{t += $1} END {print t}')
	rm -f "$work"/rps.*
	stop_all # the final flush of each collector is written too
	sleep 1
	after=$(rows)
	# Flushes are counted as the whole intervals of the run plus the final
	# one at the stop: exact when DURATION is a multiple of FLUSH.
	awk -v n="$n" -v r=$((after - before)) -v d="${duration%s}" -v f="${flush%s}" -v t="$total" 'BEGIN {
		flushes = n * (int(d / f) + 1)
		printf "%d collector(s): %7.0f req/s in all, %6d rows in %d flushes: %4.0f rows a flush, %4.0f rows a flush interval in all\n", n, t, r, flushes, r / flushes, n * r / flushes
	}'
done
