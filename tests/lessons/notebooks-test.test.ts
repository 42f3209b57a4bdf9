import { describe, expect, it } from 'vitest';
import { failureReport, type Cell, type Output } from '../../scripts/notebooks-test';

const code = (id: string, source: string, outputs: Output[], count: number | null): Cell => ({ id, cell_type: 'code', source, outputs, execution_count: count });

describe('failureReport(cells, runFailed)', () => {
	it('failureReport() is null when every cell ran without error', () => {
		expect(failureReport([code('a', 'x', [{ output_type: 'stream', name: 'stderr', text: 'a warning' }], 1)], false)).toBeNull();
	});

	it('failureReport() names the cell with an error output and prints its traceback without colours', () => {
		const report = failureReport(
			[code('a', 'ok', [], 1), code('b', 'throw new Error("boom")', [{ output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['\u001b[31mError: boom\u001b[0m'] }], 2)],
			true
		);
		expect(report).toContain('code cell 1 (id b) failed');
		expect(report).toContain('Error: boom');
		expect(report).not.toContain('\u001b[');
	});

	it('failureReport() blames the last executed cell for a type error (stderr only, later cells not run)', () => {
		const report = failureReport(
			[code('a', 'const x: number = "s";', [{ output_type: 'stream', name: 'stderr', text: ["1:7 - Type 'string' is not assignable to type 'number'.\n"] }], 1), code('b', 'next', [], null)],
			true
		);
		expect(report).toContain('code cell 0 (id a) failed');
		expect(report).toContain("1:7 - Type 'string'");
	});

	it('failureReport() reports a kernel that never ran a cell', () => {
		expect(failureReport([code('a', 'x', [], null)], true)).toContain('did not run');
	});
});
