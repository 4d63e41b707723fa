#!/usr/bin/env bash
# Run the built bundle's self-test offscreen, from an empty folder and with the build
# environment out of reach; fails unless the bundle loads its model and shows its window.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
APP="$HERE/dist/digitpad/digitpad"
[ -x "$APP" ] || APP="$HERE/dist/digitpad/digitpad.exe"
if [ ! -x "$APP" ]; then
    echo "no bundle at $HERE/dist/digitpad; run packaging/build.sh first" >&2
    exit 1
fi
cd "$(mktemp -d)"
env -i HOME="$HOME" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$APP" --self-test
echo "smoke test passed: $APP"
