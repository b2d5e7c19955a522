#!/usr/bin/env bash
# The analytics endpoint against a bare net/http 204 handler, measured
# with wrk over loopback:
#
#   bench/endpoint.sh            (DURATION=10s CONNECTIONS=32 ROUNDS=5)
#
# Each round runs bench/bare204 and then folio collect (SQLite, the
# embedded default) with the same wrk load (bench/beacon.lua: 65,536
# reader networks behind a trusted proxy, 20 pages), and takes folio's
# requests a second as a ratio to the bare handler's of that round: other
# work on a shared machine moves both, and moves them less within a minute
# than across minutes. It prints each round, then the minimum and median
# of the ratios, and the load average before and after.
#
# After each collector run the collector is stopped cleanly (its last
# flush is written) and the store must hold exactly one count for each
# 2xx answer wrk saw, up to the requests still in flight when wrk stopped
# (at most one a connection): those were answered by the collector but
# not read by wrk.
#
# Needs wrk (apt-get install wrk) and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
rounds=${ROUNDS:-5}
threads=${THREADS:-2}

work=$(mktemp -d /tmp/folio-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/folio" ./cmd/folio
go build -o "$work/bare204" ./bench/bare204

# A built site of 20 pages at https://bench.example.
site="$work/site"
mkdir -p "$site/public"
printf 'title = "Bench"\nbaseURL = "https://bench.example/"\n[analytics]\nenabled = true\n' >"$site/folio.toml"
for i in $(seq 0 19); do mkdir -p "$site/public/p$i"; echo '<!doctype html>' >"$site/public/p$i/index.html"; done

. bench/servers.sh
# load URL: runs wrk against the server started last and prints requests
# a second, the 2xx answers, and the server's CPU time (user and system)
# a request in microseconds, a measure that other work on the machine
# moves less than throughput.
load() {
	local pid=${pids[-1]} before out
	before=$(cpu "$pid")
	out=$(wrk -t"$threads" -c"$conns" -d"$duration" -s bench/beacon.lua "$1")
	echo "$out" | awk -v cpu=$(($(cpu "$pid") - before)) -v hz="$(getconf CLK_TCK)" '
		/ requests in / {n = $1}
		/Non-2xx or 3xx responses:/ {bad = $NF}
		/Requests\/sec/ {rps = $2}
		END {print rps, n - bad, cpu / hz * 1e6 / n}'
}
# cpu PID: the user and system time PID has used, in clock ticks.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "== $(uptime)"
echo "== wrk -t$threads -c$conns -d$duration -s bench/beacon.lua, $rounds rounds, bare 204 then folio collect (SQLite)"
: >"$work/ratios"
for r in $(seq "$rounds"); do
	start "$work/bare204"
	read -r bare _ barecpu < <(load "$url")
	stop_all
	db="$work/analytics.$r.db"
	start "$work/folio" collect -root "$site" -addr 127.0.0.1:0 -trusted-proxies 127.0.0.1 -rate-limit 0 -db "$db"
	read -r folio ok foliocpu < <(load "$url")
	stop_all # the last flush is written before the process exits
	stored=$(sqlite3 "$db" 'SELECT (SELECT coalesce(sum(n), 0) FROM views) + (SELECT coalesce(sum(n), 0) FROM dropped)')
	views=$(sqlite3 "$db" 'SELECT coalesce(sum(n), 0) FROM views')
	awk -v r="$r" -v b="$bare" -v f="$folio" -v ok="$ok" -v s="$stored" -v v="$views" -v bc="$barecpu" -v fc="$foliocpu" 'BEGIN {
		printf "round %d: bare 204 %6.0f req/s %5.1f us CPU/req, folio %6.0f req/s %5.1f us CPU/req (%.3f); %d answered 2xx, %d stored (%d views), %+d\n", r, b, bc, f, fc, f / b, ok, s, v, s - ok
	}'
	if [ "$stored" -lt "$ok" ] || [ "$stored" -gt $((ok + conns)) ]; then
		echo "round $r: $ok answered 2xx but $stored stored" >&2
		exit 1
	fi
	awk -v b="$bare" -v f="$folio" 'BEGIN { print f / b }' >>"$work/ratios"
done
sort -n "$work/ratios" | awk '{v[NR] = $1} END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "ratio to the bare 204 handler: min %.3f, median %.3f, max %.3f\n", v[1], m, v[NR]
}'
echo "== $(uptime)"
