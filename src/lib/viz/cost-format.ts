/**
 * How cost numbers read on the page: bytes in binary units, milliseconds, size factors, and the cost
 * line of a ColBERT panel. The numbers come from the engine (`engine/eval/cost.ts`, computed in the
 * worker); only their formatting lives here, so the page bundle carries no engine code.
 */
import type { CostSummary } from '../engine/eval/cost';

/**
 * Bytes in binary units with three significant digits: `B`, `KiB`, `MiB`, `GiB`.
 * @example formatBytes(512) // '512 B'; formatBytes(1536) // '1.50 KiB'; formatBytes(5 * 2 ** 20) // '5.00 MiB'
 */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes)) return '—';
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (Math.abs(value) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	if (unit === 0) return `${Math.round(value)} B`;
	return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/**
 * Milliseconds for a label: one decimal below 10 ms, whole numbers above; `—` when unknown.
 * @example formatMs(4.26) // '4.3 ms'; formatMs(1234.5) // '1235 ms'
 */
export function formatMs(ms: number): string {
	if (!Number.isFinite(ms)) return '—';
	return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/**
 * A size ratio with enough digits to tell 1/32 from 1/16: `1×`, `0.50×`, `0.031×`.
 * @example formatFactor(1) // '1×'; formatFactor(0.25) // '0.25×'; formatFactor(1 / 32) // '0.031×'
 */
export function formatFactor(factor: number): string {
	if (!Number.isFinite(factor)) return '—';
	if (Math.abs(factor - 1) < 1e-9) return '1×';
	return `${factor >= 0.1 ? factor.toFixed(2) : factor.toPrecision(2)}×`;
}

/**
 * The centroids of a residual index, and ColBERTv2's count when another was used.
 * @example centroidText({ count: 1024, rule: 16384, capped: true }) // "1,024 centroids (ColBERTv2's rule: 16,384; capped so the index builds in this tab)"
 * @example centroidText({ count: 16384, rule: 16384, capped: false }) // '16,384 centroids'
 */
export function centroidText(c: NonNullable<CostSummary['centroids']>): string {
	const used = `${c.count.toLocaleString('en-US')} centroids`;
	if (c.count === c.rule) return used;
	return `${used} (ColBERTv2's rule: ${c.rule.toLocaleString('en-US')}${c.capped ? '; capped so the index builds in this tab' : ''})`;
}

/**
 * The cost line a ColBERT panel shows (residual indexes: with their centroids).
 * @example
 * costLine({ bytes: 120, bytesPerDocument: 60, factor: 0.03125, buildMs: 3, queryMs: 4, format: 'binary' })
 * // 'binary · 60 B/doc · index 120 B (0.031× fp32) · build 3.0 ms · query 4.0 ms'
 */
export function costLine(cost: CostSummary): string {
	const factor = Number.isFinite(cost.factor) ? ` (${formatFactor(cost.factor)} fp32)` : '';
	const centroids = cost.centroids ? ` · ${centroidText(cost.centroids)}` : '';
	return `${cost.format} · ${formatBytes(cost.bytesPerDocument)}/doc · index ${formatBytes(cost.bytes)}${factor}${centroids} · build ${formatMs(cost.buildMs)} · query ${formatMs(cost.queryMs)}`;
}
