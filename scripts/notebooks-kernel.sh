#!/usr/bin/env bash
# Jupyter starts kernels in the notebook's folder; tslab compiles with that folder as rootDir, so
# root-relative imports (`./src/lib/...`) would fail. Start tslab from the project root instead.
# Usage (from the kernelspec): notebooks-kernel.sh <connection-file>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
conn="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$root"
exec node --import ./scripts/notebooks-kernel-preload.mjs node_modules/tslab/bin/tslab kernel --config-path "$conn"
