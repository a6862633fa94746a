#!/bin/sh
# Rebuilds dist/ (committed, so `go build` needs no Node) from src/.
# Needs node and npm; run from anywhere: sh hub/web/build.sh
set -eu
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
npx --no-install tsc --noEmit -p .
rm -rf dist
mkdir -p dist/static
npx --no-install esbuild src/main.ts --bundle --minify --target=es2020,chrome100,firefox100,safari15 \
  --loader:.png=dataurl --loader:.svg=dataurl --legal-comments=linked \
  --outfile=dist/static/app.js --log-level=warning
cp src/index.html dist/index.html
# Fingerprint of what dist/ was built from; TestDistUpToDate compares it.
# The same sum is recomputed in Go: sha256 of `sha256sum` lines of these files, sorted by path.
{ find src -type f; echo build.sh; echo package-lock.json; echo tsconfig.json; } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1 > dist/.source-sha256
echo "built $(du -sh dist | cut -f1) in hub/web/dist"
