#!/usr/bin/env sh
# Builds the relay's production tree: the relay's dist/ with only its production node_modules (`pnpm deploy`),
# and the built keypad in keypad/. docker/relay.Dockerfile runs exactly this; so does the deploy test.
set -eu
out=${1:?usage: docker/build-relay-tree.sh OUT_DIR (absolute)}
case "$out" in /*) ;; *) echo "OUT_DIR must be absolute: $out" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
pnpm --filter @keyroom/key-events --filter @keyroom/relay build
rm -rf "$out"
pnpm --filter @keyroom/relay deploy --prod --legacy "$out"
# pnpm links the relay's own package back into the workspace; the image has no workspace, so drop such links.
root=$(realpath "$out")
find "$out/node_modules" -type l | while read -r link; do
  case "$(realpath "$link" 2>/dev/null)" in "$root"/*) ;; *) rm "$link" ;; esac
done
pnpm --filter @keyroom/keypad exec vite build --outDir "$out/keypad" --emptyOutDir
