#!/usr/bin/env bash
# Build the one-folder standalone app with PyInstaller into packaging/dist/digitpad/.
# Usage: packaging/build.sh [TORCH_INDEX_URL]
#   TORCH_INDEX_URL (optional): where to take torch from, e.g.
#   https://download.pytorch.org/whl/cpu for a CPU-only bundle that is gigabytes smaller.
# Works the same on Linux and macOS; on Windows run the same steps from Git Bash.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
WORK="$HERE/build"
VENV="$WORK/venv"
mkdir -p "$WORK"

# A clean environment with digitpad installed from the source tree (not editable, so
# PyInstaller sees ordinary packages), plus PyInstaller.
python3 -m venv "$VENV"
if [ -x "$VENV/Scripts/python.exe" ]; then PY="$VENV/Scripts/python.exe"; else PY="$VENV/bin/python"; fi
"$PY" -m pip install --quiet --upgrade pip
if [ "${1:-}" != "" ]; then
    "$PY" -m pip install --quiet torch torchvision --index-url "$1"
fi
"$PY" -m pip install --quiet "$ROOT" "pyinstaller>=6.10"

cd "$HERE"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$HERE/dist" --workpath "$WORK/pyinstaller" digitpad.spec
echo "built $HERE/dist/digitpad ($(du -sh "$HERE/dist/digitpad" | cut -f1))"
