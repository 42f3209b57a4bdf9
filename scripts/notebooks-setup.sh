#!/usr/bin/env bash
# Registers the project-local tslab kernel "latelab-tslab" under .jupyter-local/ (git-ignored).
# Use it with: JUPYTER_PATH="$PWD/.jupyter-local" jupyter lab notebooks/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec="$root/.jupyter-local/kernels/latelab-tslab"
if [ ! -f "$root/node_modules/tslab/bin/tslab" ]; then
	echo "notebooks:setup: node_modules/tslab is missing; run npm ci first" >&2
	exit 1
fi
chmod +x "$root/scripts/notebooks-kernel.sh"
mkdir -p "$spec"
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["bash", "$root/scripts/notebooks-kernel.sh", "{connection_file}"],
  "display_name": "TypeScript (latelab)",
  "language": "typescript"
}
JSON
echo "notebooks:setup: kernel latelab-tslab registered in $spec"
echo "  open the notebooks with: JUPYTER_PATH=\"$root/.jupyter-local\" jupyter lab notebooks/"
