#!/usr/bin/env bash
# Copies the pinned releases of two libraries from npm, with their
# licences: mermaid, which the default theme loads on pages with a diagram,
# into themes/default/static/vendor/mermaid-VERSION/, and KaTeX, which the
# build runs to write formulas as MathML, into themes/katex/.
#
# mermaid is static files, not assets: its build is more than 4 MB in one
# file and is split into chunks that import one another by name, so it may
# not be renamed by the fingerprinting of assets/. The version in the
# folder name does that job instead: a new release is a new address.
#
# Run from anywhere; it needs npm and reaches only the npm registry.
# After a version change of mermaid, update its version in
# layouts/base.html too.
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
# KaTeX runs in the build, which writes formulas as MathML: pages never
# load it, so it is kept out of the theme's static files, and only its
# script is needed.
k="$here/katex"
mkdir -p "$k"
cp "$tmp/katex/LICENSE" "$tmp/katex/dist/katex.min.js" "$k/"

du -sh "$m" "$k"
