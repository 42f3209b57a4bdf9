// Sums the JSON reports of every suite (vitest, Playwright, notebooks) into one closing line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'test-results';
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
	const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
	if ('numPassedTests' in report) {
		// vitest / jest format
		passed += report.numPassedTests;
		failed += report.numFailedTests;
		skipped += report.numPendingTests + (report.numTodoTests ?? 0);
	} else if (report.stats && 'expected' in report.stats) {
		// Playwright JSON reporter
		passed += report.stats.expected + (report.stats.flaky ?? 0);
		failed += report.stats.unexpected;
		skipped += report.stats.skipped;
	} else if ('passed' in report && 'failed' in report) {
		// our own runners (notebooks, browser kernels)
		passed += report.passed;
		failed += report.failed;
		skipped += report.skipped ?? 0;
	}
}
console.log(`latelab: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
