#!/usr/bin/env bash
# Builds Folio's release binaries: static (CGO_ENABLED=0, so they run on
# any Linux without a C library to match), for Linux, macOS and Windows on
# amd64 and arm64, with a SHA256SUMS file to check them against.
#
#   scripts/release.sh [-only OS/ARCH] [-out DIR] [VERSION]
#
# VERSION (such as v1.2.0) is what folio version prints; without it the
# binaries carry the version Go derives from the repository's tags and
# commit. Every binary also records its commit and whether the tree had
# local changes. The binaries go into DIR (default dist/), as
# folio_OS_ARCH (folio_windows_ARCH.exe). -only builds one platform, as CI
# does to check the script quickly.
set -euo pipefail
cd "$(dirname "$0")/.."

all="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
platforms=$all
out=dist
version=""
while [ $# -gt 0 ]; do
	case "$1" in
	-only) platforms="$2"; shift 2 ;;
	-out) out="$2"; shift 2 ;;
	-h|-help|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "release.sh: unknown flag $1" >&2; exit 2 ;;
	*) version="$1"; shift ;;
	esac
done

ldflags="-s -w"
if [ -n "$version" ]; then
	case "$version" in
	v[0-9]*) ;;
	*) echo "release.sh: version $version: want v1.2.3" >&2; exit 2 ;;
	esac
	ldflags="$ldflags -X main.version=$version"
fi

# Go records the commit in the binary itself, except where it cannot read
# the repository (a git worktree, for one); these stand in then.
if rev=$(git rev-parse HEAD 2>/dev/null); then
	dirty=false
	[ -n "$(git status --porcelain 2>/dev/null)" ] && dirty=true
	when=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd)
	ldflags="$ldflags -X main.revision=$rev -X main.revisionTime=$when -X main.modified=$dirty"
fi

mkdir -p "$out"
names=()
for p in $platforms; do
	os=${p%/*} arch=${p#*/}
	case "$os/$arch" in
	linux/amd64|linux/arm64|darwin/amd64|darwin/arm64|windows/amd64|windows/arm64) ;;
	*) echo "release.sh: platform $p: want one of $all" >&2; exit 2 ;;
	esac
	name="folio_${os}_${arch}"
	[ "$os" = windows ] && name="$name.exe"
	echo "building $out/$name"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "$out/$name" ./cmd/folio
	names+=("$name")
done

# Checked with: cd DIR && sha256sum -c SHA256SUMS (shasum -a 256 -c on macOS).
(
	cd "$out"
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "${names[@]}"
	else
		shasum -a 256 "${names[@]}"
	fi
) >"$out/SHA256SUMS"
echo "wrote $out/SHA256SUMS"
