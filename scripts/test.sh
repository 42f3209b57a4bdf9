#!/usr/bin/env bash
# The README's test command. Runs every suite, each writing a JSON report into test-results/,
# then prints one closing line that CI reads: "latelab: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
rm -rf test-results && mkdir -p test-results
status=0
stage() { printf '\n=== %s ===\n' "$1"; }

stage "types (svelte-check)"
if npx svelte-kit sync && npx svelte-check --tsconfig ./tsconfig.json --threshold error --output human; then
	echo '{"passed": 1, "failed": 0}' > test-results/typecheck.json
else
	echo '{"passed": 0, "failed": 1}' > test-results/typecheck.json
	status=1
fi

stage "engine, CLI, viz and state (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json || status=1

stage "browser (Playwright, Debian Chromium)"
npx playwright test || status=1

stage "notebooks (tslab, headless Jupyter)"
npm run --silent test:notebooks || status=1

stage "summary"
node scripts/summarize-tests.mjs test-results || status=1
exit $status
