#!/usr/bin/env bash
# Remakes cmd/folio/default.pgo, the CPU profile the Go toolchain uses to
# optimise the folio binary (profile-guided optimisation: go build and
# go run pick it up by themselves). The profile is what Folio spends its
# time on in use: a cold build of a generated 10,000-page docs site, and
# the analytics endpoint answering beacons. Rerun it after a change that
# moves where that time goes; an old profile still helps, a little less.
#
#   bench/pgo.sh          # about a minute
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -pgo=off -o "$work/folio" ./cmd/folio
go run ./bench/gensite -n 10000 -out "$work/site" >/dev/null
"$work/folio" build -quiet -root "$work/site" -out "$work/public" -cpuprofile "$work/build.pprof"
go test ./analytics -run '^$' -bench '^BenchmarkEndpoint$/^folio$' -benchtime 3s -cpuprofile "$work/endpoint.pprof" -o "$work/analytics.test" >/dev/null
go tool pprof -proto "$work/build.pprof" "$work/endpoint.pprof" >cmd/folio/default.pgo 2>/dev/null
echo "wrote cmd/folio/default.pgo ($(wc -c <cmd/folio/default.pgo) bytes)"
