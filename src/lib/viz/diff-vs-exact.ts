/**
 * "Diff vs exact": what an approximate ColBERT panel (compressed storage, pooling, a candidate stage)
 * changed in the top k against the exact fp32 exhaustive panel of the same model: overlap@k, the mean
 * and max score drift, and the documents that entered or left the top k with their rank in each list.
 * The same view compares a model's own settings (q8 weights, WebGPU) with fp32 weights on WASM
 * (`reference` names what the list is compared with). The numbers are the engine's `rankingDrift` (`engine/eval/drift.ts`, computed in the worker), so the
 * view, the cost line and the CLI agree. Document titles are user text and only ever set as text.
 */
import type { DriftEntry, RankingDrift } from '../engine/eval/drift';
import { formatScore, resolveDocument, type VizContext } from './dom';

export interface DiffVsExactData {
	/** `rankingDrift(panel hits, exact hits, k)` for the current query. */
	drift: RankingDrift;
	/** Document titles to show instead of ids, when known. */
	titles?: ReadonlyMap<string, string>;
}

export interface DiffVsExactOptions extends VizContext {
	/** What the approximate panel is ("binary · rescore 100"). Default `this panel`. */
	label?: string;
	/** What the panel is compared with ("exact", "fp32 weights", "WASM"). Default `exact`. */
	reference?: string;
}

/**
 * The comparison in one line, as the panel's cost line ends.
 * @example driftSummary({ k: 10, common: 8, depth: 10, overlap: 0.8, entered: [], left: [], compared: 12, meanDrift: 0.0123, maxDrift: 0.05 })
 * // 'overlap@10 8/10 · score drift mean 0.012, max 0.050'
 */
export function driftSummary(d: RankingDrift): string {
	const drift = d.compared > 0 ? ` · score drift mean ${formatScore(d.meanDrift)}, max ${formatScore(d.maxDrift)}` : ' · no shared documents to measure drift on';
	return `overlap@${d.k} ${d.common}/${d.depth}${drift}`;
}

/**
 * Renders `<section class="latelab-diff-vs-exact">`: the summary line, then "entered" and "left" lists
 * (`li[data-id]`), or a note that the top k is unchanged.
 * @example
 * diffVsExact({ drift: rankingDrift([{ id: 'a', score: 0.9, rank: 1 }, { id: 'c', score: 0.5, rank: 2 }],
 *   [{ id: 'a', score: 1, rank: 1 }, { id: 'b', score: 0.7, rank: 2 }, { id: 'c', score: 0.6, rank: 3 }], 2) })
 * // 'overlap@2 1/2 · score drift mean 0.100, max 0.100'; entered: c (rank 2 here, 3 in exact); left: b (2 in exact, not returned here)
 */
export function diffVsExact(data: DiffVsExactData, options: DiffVsExactOptions = {}): HTMLElement {
	const doc = resolveDocument(options);
	const { drift } = data;
	const k = drift.k;
	const label = options.label ?? 'this panel';
	const ref = options.reference ?? 'exact';
	const root = doc.createElement('section');
	root.className = 'latelab-diff-vs-exact';
	root.setAttribute('aria-label', `Diff vs ${ref}`);
	root.dataset.overlap = String(drift.overlap);
	root.dataset.meanDrift = String(drift.meanDrift);
	root.dataset.maxDrift = String(drift.maxDrift);

	const summary = doc.createElement('p');
	summary.className = 'diff-summary';
	summary.textContent = driftSummary(drift);
	root.append(summary);
	if (drift.entered.length === 0 && drift.left.length === 0) {
		const same = doc.createElement('p');
		same.className = 'diff-same';
		same.textContent = `Same top ${k} as ${ref} (order may differ).`;
		root.append(same);
		return root;
	}
	const name = (id: string) => data.titles?.get(id) || id;
	root.append(
		list(doc, 'entered', `Entered the top ${k} with ${label} (${drift.entered.length})`, drift.entered, (e) =>
			`rank ${e.rank} here, ${e.exactRank === undefined ? `not returned by ${ref}` : `${e.exactRank} in ${ref}`}`, name),
		list(doc, 'left', `Left the top ${k} (${drift.left.length})`, drift.left, (e) =>
			`rank ${e.exactRank} in ${ref}, ${e.rank === undefined ? 'not returned here' : `${e.rank} here`}`, name)
	);
	return root;
}

function list(doc: Document, kind: 'entered' | 'left', heading: string, entries: readonly DriftEntry[], where: (e: DriftEntry) => string, name: (id: string) => string): HTMLElement {
	const box = doc.createElement('div');
	box.className = `diff-${kind}`;
	const h = doc.createElement('h4');
	h.textContent = heading;
	const ol = doc.createElement('ul');
	for (const e of entries) {
		const li = doc.createElement('li');
		li.dataset.id = e.id;
		const title = doc.createElement('span');
		title.className = 'diff-doc';
		title.textContent = name(e.id);
		const ranks = doc.createElement('span');
		ranks.className = 'diff-ranks';
		ranks.textContent = ` — ${where(e)}`;
		li.append(kind === 'entered' ? '▲ ' : '▼ ', title, ranks);
		ol.append(li);
	}
	box.append(h, ol);
	return box;
}
