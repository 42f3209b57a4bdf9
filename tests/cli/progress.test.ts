import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress';

function stream(isTTY: boolean) {
	const writes: string[] = [];
	return { writes, isTTY, write: (s: string) => writes.push(s) };
}

describe('createProgress', () => {
	it('createProgress(pipe) prints nothing for a stage that ends within a second', () => {
		const out = stream(false);
		let t = 0;
		const p = createProgress(out, { quiet: false, now: () => t });
		for (let i = 1; i <= 100; i++) {
			t = i * 5;
			p.update({ stage: 'search', done: i, total: 100 });
		}
		expect(out.writes).toEqual([]);
	});

	it('createProgress(pipe) prints one line per quarter of a long stage', () => {
		const out = stream(false);
		let t = 0;
		const p = createProgress(out, { quiet: false, now: () => t });
		for (let i = 0; i <= 300; i++) {
			t = i * 100;
			p.update({ stage: 'search', done: i, total: 300 });
		}
		p.finish();
		expect(out.writes).toEqual([
			'latelab: search 10/300   3%\n',
			'latelab: search 75/300  25%\n',
			'latelab: search 150/300  50%\n',
			'latelab: search 225/300  75%\n',
			'latelab: search 300/300 100%\n'
		]);
	});

	it('createProgress(tty) redraws one line at most every 100 ms and ends it when done', () => {
		const out = stream(true);
		let t = 0;
		const p = createProgress(out, { quiet: false, now: () => t });
		for (let i = 1; i <= 10; i++) {
			t = i * 30;
			p.update({ stage: 'index', done: i, total: 10 });
		}
		expect(out.writes.length).toBeLessThanOrEqual(6);
		expect(out.writes.every((w) => w.startsWith('\r\x1b[K') || w === '\n')).toBe(true);
		expect(out.writes.at(-2)).toBe('\r\x1b[K  index [########################] 10/10 100%');
		expect(out.writes.at(-1)).toBe('\n');
	});

	it('createProgress(stream, { quiet: true }) writes nothing; bytes print as MB', () => {
		const quiet = stream(true);
		createProgress(quiet, { quiet: true }).update({ stage: 'load', done: 1, total: 1 });
		expect(quiet.writes).toEqual([]);
		const out = stream(true);
		createProgress(out, { quiet: false }).update({ stage: 'load', done: 2_500_000, total: 10_000_000, unit: 'bytes' });
		expect(out.writes[0]).toContain('2.5/10.0 MB  25%');
	});
});
