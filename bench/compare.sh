#!/usr/bin/env bash
# Builds the same generated site with Hugo, with folio build (cold, warm
# after a one-page edit, and again with nothing changed) and with the bare
# floor, and prints wall time and peak memory of each side by side. See
# bench/README.md.
#
#   bench/compare.sh [PAGES...]      default: 1000 10000
#   RUNS=3 bench/compare.sh 10000    each figure the median of 3 rounds
#   SHAPES="docs policy mixed" bench/compare.sh 10000   one table row set per shape
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hugo >/dev/null || { echo "compare: install Hugo first: apt-get install -y hugo" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare: install GNU time first: apt-get install -y time" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/folio" ./cmd/folio
go build -o "$work/floor" ./bench/floor
go build -o "$work/gensite" ./bench/gensite

# measure NAME COMMAND...: runs COMMAND, prints "NAME wall_s rss_mib cpu_s".
measure() {
	local name=$1; shift
	sync
	/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
	read -r wall kb user sys <"$work/time"
	printf '%s %s %s %s\n' "$name" "$wall" "$((kb / 1024))" "$(printf %.2f "$(echo "$user + $sys" | bc)")"
}

# median VALUES...: the middle value (the lower middle of an even count).
median() {
	printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"
}

runs=${RUNS:-1}
read -ra shapes <<<"${SHAPES:-docs}"
printf '%-7s %-8s %-12s %9s %9s %9s %10s %10s\n' shape pages tool wall_s rss_MiB cpu_s "x_hugo_t" "x_hugo_mem"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
for shape in "${shapes[@]}"; do
for n1 in "${sizes[@]}"; do
	{
		site="$work/site-$n1"
		hsite="$work/hugo-$n1"
		rm -rf "$site" "$hsite"
		"$work/gensite" -n "$n1" -shape "$shape" -out "$site"
		mkdir -p "$hsite/themes"
		cp -r "$site/content" "$hsite/content"
		cp -r bench/hugo-theme "$hsite/themes/bench"
		cat >"$hsite/config.toml" <<TOML
baseURL = "https://bench.example.org/"
title = "Bench"
theme = "bench"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.highlight]
noClasses = false
TOML
		# Rounds alternate the tools, so a machine that slows down for a
		# while slows all of them; each figure is the median of its rounds.
		tools=(hugo floor folio-cold folio-warm folio-noop)
		declare -A walls rsss cpus
		for t in "${tools[@]}"; do walls[$t]=""; rsss[$t]=""; cpus[$t]=""; done
		for ((round = 1; round <= runs; round++)); do
			rm -rf "$work/out-hugo-$n1" "$work/out-floor-$n1" "$work/out-folio-$n1" "$site/.folio-cache"
			rows=()
			rows+=("$(measure hugo hugo --quiet --minify -s "$hsite" -d "$work/out-hugo-$n1")")
			rows+=("$(measure floor "$work/floor" -site "$site" -out "$work/out-floor-$n1")")
			rows+=("$(measure folio-cold "$work/folio" build -quiet -root "$site" -out "$work/out-folio-$n1")")
			echo "Edit $round." >>"$site/content/area-0/section-000/page-00000.md"
			rows+=("$(measure folio-warm "$work/folio" build -quiet -root "$site" -out "$work/out-folio-$n1")")
			rows+=("$(measure folio-noop "$work/folio" build -quiet -root "$site" -out "$work/out-folio-$n1")")
			for r in "${rows[@]}"; do
				read -r name wall rss cpu <<<"$r"
				walls[$name]+="$wall "
				rsss[$name]+="$rss "
				cpus[$name]+="$cpu "
			done
		done
		# The ratios are the median of each round's ratio: a tool is
		# compared with the Hugo run of its own round, moments apart.
		read -ra hw <<<"${walls[hugo]}"
		read -ra hr <<<"${rsss[hugo]}"
		for t in "${tools[@]}"; do
			read -ra tw <<<"${walls[$t]}"
			read -ra tr <<<"${rsss[$t]}"
			xt=() xm=()
			for ((k = 0; k < ${#tw[@]}; k++)); do
				xt+=("$(echo "${tw[k]} / ${hw[k]}" | bc -l)")
				xm+=("$(echo "${tr[k]} / ${hr[k]}" | bc -l)")
			done
			printf '%-7s %-8s %-12s %9s %9s %9s %10.3f %10.3f\n' "$shape" "$n1" "$t" "$(median ${walls[$t]})" "$(median ${rsss[$t]})" \
				"$(median ${cpus[$t]})" "$(median "${xt[@]}")" "$(median "${xm[@]}")"
		done
	}
done
done
