#!/usr/bin/env bash
# The README's test command. Runs every suite, then prints one closing line that CI reads:
# "latelab: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
status=0

npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json || status=1

node scripts/summarize-tests.mjs test-results || status=1
exit $status
