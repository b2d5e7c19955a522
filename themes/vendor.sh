#!/usr/bin/env bash
# Copies the pinned releases of the libraries the default theme loads on
# pages that need them (mermaid for diagrams, KaTeX for math) from npm into
# themes/default/static/vendor/NAME-VERSION/, with their licences.
#
# They are static files, not assets: mermaid's build is more than 4 MB in
# one file and is split into chunks that import one another by name, and
# KaTeX's stylesheet names its fonts by relative path, so neither may be
# renamed by the fingerprinting of assets/. The version in the folder name
# does that job instead: a new release is a new address.
#
# Run from anywhere; it needs npm and reaches only the npm registry.
# After a version change, update the versions in layouts/base.html too.
set -euo pipefail
mermaid=12.3.0
katex=0.19.1

here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/default/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() { # name version: unpacks the package into $tmp/name
	(cd "$tmp" && npm pack --silent "$1@$2" >/dev/null)
	mkdir -p "$tmp/$1"
	tar -xzf "$tmp/$1-$2.tgz" -C "$tmp/$1" --strip-components=1
}

fetch mermaid "$mermaid"
rm -rf "$vendor"/mermaid-*
m="$vendor/mermaid-$mermaid"
mkdir -p "$m/chunks/mermaid.esm.min"
cp "$tmp/mermaid/LICENSE" "$tmp/mermaid/dist/mermaid.esm.min.mjs" "$m/"
cp "$tmp/mermaid/dist/chunks/mermaid.esm.min/"*.mjs "$m/chunks/mermaid.esm.min/"

fetch katex "$katex"
rm -rf "$vendor"/katex-*
k="$vendor/katex-$katex"
mkdir -p "$k/fonts"
cp "$tmp/katex/LICENSE" "$tmp/katex/dist/katex.min.js" "$tmp/katex/dist/katex.min.css" "$k/"
# Every browser that runs the loader reads woff2, the first format the
# stylesheet names; the woff and ttf copies would only add weight.
cp "$tmp/katex/dist/fonts/"*.woff2 "$k/fonts/"

du -sh "$m" "$k"
