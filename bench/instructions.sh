#!/usr/bin/env bash
# Counts the instructions one cold `folio build` of a generated site
# executes, under valgrind on one core. On a shared machine wall and CPU
# times move by a third between runs; the count moves by about 1%, so it
# shows a change of a few percent that timings cannot. It is a proxy: an
# instruction that misses the cache costs more than one that does not.
#
#   apt-get install -y valgrind
#   bench/instructions.sh                      # the working tree, 2,000 pages
#   PAGES=300 bench/instructions.sh HEAD~3 .   # a commit against the working tree
#
# Each argument is a git revision, or . for the working tree. SHAPE names
# the generated site's pages (docs, policy or mixed; see bench/gensite).
#
# The Go runtime reads the time stamp counter with RDTSCP where the
# processor has it, an instruction valgrind 3.19 cannot decode (it stops
# the program with SIGILL); GODEBUG=cpu.rdtscp=off makes the runtime use
# RDTSC instead, which valgrind runs.
set -euo pipefail
cd "$(dirname "$0")/.."

pages=${PAGES:-2000}
shape=${SHAPE:-docs}
command -v valgrind >/dev/null || { echo "instructions: install valgrind first: apt-get install -y valgrind" >&2; exit 1; }
[ $# -gt 0 ] || set -- .
work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

i=0
for rev in "$@"; do
	i=$((i + 1))
	if [ "$rev" = . ]; then
		go build -o "$work/folio-$i" ./cmd/folio
	else
		git worktree add --detach "$work/tree" "$rev" >/dev/null 2>&1
		(cd "$work/tree" && go build -o "$work/folio-$i" ./cmd/folio)
		git worktree remove --force "$work/tree"
	fi
done
go run ./bench/gensite -n "$pages" -shape "$shape" -out "$work/site" >/dev/null

i=0
for rev in "$@"; do
	i=$((i + 1))
	rm -rf "$work/public" "$work/site/.folio-cache"
	GOMAXPROCS=1 GODEBUG=cpu.rdtscp=off valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		"$work/folio-$i" build -quiet -root "$work/site" -out "$work/public" >"$work/log" 2>&1 || {
		echo "instructions: the build failed under valgrind:" >&2
		tail -n 20 "$work/log" >&2
		exit 1
	}
	count=$(awk '/I *refs/ {print $NF}' "$work/log")
	[ -n "$count" ] || { echo "instructions: valgrind printed no instruction count" >&2; tail -n 20 "$work/log" >&2; exit 1; }
	printf '%-12s %s instructions, %s %s pages\n' "$rev" "$count" "$pages" "$shape"
done
