#!/usr/bin/env bash
# Builds generated sites whose one section holds N pages (default 500,
# 2000 and 8000) with folio build, and prints for each: pages written,
# total output bytes, build time, and the largest page gzipped, which the
# 14 KB budget bounds. Output and time should grow linearly with N. See
# bench/README.md; BenchmarkBigSection reports the same from go test.
#
#   bench/bigsection.sh [PAGES...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gzip >/dev/null || { echo "bigsection: needs gzip" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/folio" ./cmd/folio
go build -o "$work/gensite" ./bench/gensite

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000 8000)
printf '%-8s %8s %14s %12s %8s %12s %10s\n' section pages out_bytes bytes/page build_s ms/page max_gz
for n in "${sizes[@]}"; do
	site="$work/site-$n"
	"$work/gensite" -big -n "$n" -out "$site"
	start=$(date +%s.%N)
	(cd "$site" && "$work/folio" build >/dev/null)
	end=$(date +%s.%N)
	pages=$(find "$site/public" -name '*.html' | wc -l)
	bytes=$(find "$site/public" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
	# Every page gzipped in one gzip run, not one process a page.
	cp -r "$site/public" "$work/gz"
	find "$work/gz" -type f ! -name '*.html' -delete
	gzip -6 -r "$work/gz"
	maxgz=$(find "$work/gz" -name '*.html.gz' -printf '%s\n' | sort -n | tail -1)
	rm -rf "$work/gz"
	secs=$(echo "$end - $start" | bc)
	printf '%-8s %8d %14d %12d %8.2f %12.2f %10d\n' "$n" "$pages" "$bytes" "$((bytes / pages))" "$secs" "$(echo "$secs * 1000 / $pages" | bc -l)" "$maxgz"
	[ "$maxgz" -le 14336 ] || echo "bigsection: a page of the $n-page site is $maxgz bytes gzipped, over 14 KB" >&2
	rm -rf "$site"
done
