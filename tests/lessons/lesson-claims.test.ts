// @vitest-environment jsdom
/**
 * Claims the lessons' prose makes about their own output, checked by running the cells (model-free ones,
 * in the page runtime on the demo corpus).
 */
import { describe, expect, it } from 'vitest';
import { createLessonRuntime } from '../../src/lib/lessons/runtime';
import { loadGenerated, recorder } from './generated-lesson';

/** Runs a lesson's cells up to (not including) cell `stop`, or up to its first model cell; returns what each cell output. */
async function runCells(slug: string, stop?: number) {
	const mod = await loadGenerated(slug);
	const firstModels = mod.page.blocks.find((b) => b.type === 'code' && b.flags.includes('models'));
	const gate = Math.min(stop ?? Infinity, firstModels?.type === 'code' ? firstModels.cell : Infinity);
	const { cells, output } = recorder();
	class Stop extends Error {}
	const rt = createLessonRuntime({ output, beforeCell: (i) => { if (i >= gate) throw new Stop(); } });
	await mod.run(rt).catch((e) => { if (!(e instanceof Stop)) throw e; });
	return [...cells.values()];
}

/** Runs every cell of a lesson that needs no model; returns all printed lines. */
async function printedLines(slug: string): Promise<string[]> {
	return (await runCells(slug)).flatMap((c) => c.text);
}

const numberAfter = (lines: string[], label: RegExp) => {
	const line = lines.find((l) => label.test(l));
	if (!line) throw new Error(`no line matching ${label} in:\n${lines.join('\n')}`);
	return Number(/=\s*(-?\d+(?:\.\d+)?)/.exec(line)?.[1]);
};

describe('lesson 08-evaluating-rankers', () => {
	it('08: the by-hand nDCG@10 (linear gain) equals evaluateRun on the graded demo judgments', async () => {
		const lines = await printedLines('08-evaluating-rankers');
		const byHand = numberAfter(lines, /by hand\s+nDCG@10 =/);
		const engine = numberAfter(lines, /evaluateRun nDCG@10 =/);
		expect(Number.isFinite(byHand)).toBe(true);
		expect(byHand).toBeCloseTo(engine, 4);
		expect(lines.some((l) => /^largest difference over \d+ judged queries: 0\.0e\+0$/.test(l))).toBe(true);
	});
});

describe('lesson 03-maxsim-by-hand', () => {
	it("03: q2 at 120 degrees ties d2 and d3 (0.5 each), as the prose says, and the sum matches maxSim", async () => {
		const lines = await printedLines('03-maxsim-by-hand');
		const row = lines.find((l) => l.startsWith("q2's row:"));
		expect(row, lines.join('\n')).toBeDefined();
		const values = [...row!.matchAll(/d(\d) (-?\d+\.\d+)/g)].map((m) => Number(m[2]));
		expect(values[1]).toBeCloseTo(0.5, 6);
		expect(values[2]).toBeCloseTo(0.5, 6);
		const sums = /by hand: (\S+)\s+maxSim\(q, d\): (\S+)/.exec(lines.find((l) => l.startsWith('by hand:')) ?? '');
		expect(Number(sums?.[1])).toBeCloseTo(Number(sums?.[2]), 4);
	});
});

describe('lesson 07-multi-stage-retrieval', () => {
	it("07: q02's best answer shares no word with the query and BM25 never returns it (the recall ceiling the slope chart names)", async () => {
		const lines = await printedLines('07-multi-stage-retrieval');
		expect(lines.some((l) => /^q02 .*shares no word with the query/.test(l)), lines.join('\n')).toBe(true);
		expect(lines.some((l) => /^BM25 returns \d+ of \d+ passages for it, not including/.test(l))).toBe(true);
	});
});

describe('lesson 10-pages-as-tokens', () => {
	it('10: each heatmap\'s patch maxima add up to the page\'s maxSim, and a non-relevant page is shown next to the top one', async () => {
		const lines = await printedLines('10-pages-as-tokens');
		const pairs = lines.map((l) => /sum of the patch maxima (-?\d+\.\d+), maxSim (-?\d+\.\d+)/.exec(l)).filter((m) => m !== null);
		expect(pairs.length, lines.join('\n')).toBeGreaterThanOrEqual(2);
		for (const m of pairs) expect(Number(m![1])).toBeCloseTo(Number(m![2]), 3);
		expect(lines.some((l) => /^\d+ x \d+ = 1024 patch vectors, 1030 vectors per page in all$/.test(l))).toBe(true);
	});
});

describe('lesson 09-late-interaction-at-scale', () => {
	it('09: the storage table gives the prose\'s arithmetic: 180 x 128 is 46 KB in fp16 and about 6.5 KB at 2 bits plus a centroid id', async () => {
		// The storage table is the lesson's second cell; nothing after it is needed.
		const cells = await runCells('09-late-interaction-at-scale', 2);
		const rows = cells
			.flatMap((c) => [...c.elements.map((e) => e.outerHTML), ...c.html])
			.flatMap((html) => [...new DOMParser().parseFromString(html, 'text/html').querySelectorAll('tr')])
			.map((tr) => [...tr.querySelectorAll('td, th')].map((td) => td.textContent?.trim() ?? ''));
		const kb = (format: RegExp) => {
			const row = rows.find((r) => format.test(r[0]));
			expect(row, JSON.stringify(rows)).toBeDefined();
			return Number(row![2]);
		};
		expect(kb(/^fp16$/)).toBeCloseTo(46.1, 1);
		expect(kb(/2 bits/)).toBeCloseTo(6.5, 1);
	});

	it("09: at PLAID's defaults the misses come from stage 4's decoded residuals: exact vectors there recover exact search's top 10", async () => {
		// Cells 0-4: the collection, the codec and the PLAID cell that prints both overlaps.
		const lines = (await runCells('09-late-interaction-at-scale', 5)).flatMap((c) => c.text);
		const line = lines.find((l) => /^over all 12 queries, PLAID's top 10 shares/.test(l));
		expect(line, lines.join('\n')).toBeDefined();
		const [decoded, exactLast] = [...line!.matchAll(/(\d+\.\d+)/g)].map((m) => Number(m[1]));
		expect(exactLast).toBe(10);
		expect(decoded).toBeLessThan(10);
	});
});
