/**
 * Small formatters for model and encoding progress: sizes, rates, times left.
 * @example formatBytes(1536) // '1.5 kB'; formatEta(75) // '1 min 15 s'
 */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
	const units = ['B', 'kB', 'MB', 'GB'];
	let v = bytes;
	let u = 0;
	while (v >= 1000 && u < units.length - 1) {
		v /= 1000;
		u++;
	}
	return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Seconds as `42 s` or `3 min 5 s`. */
export function formatEta(seconds: number | undefined): string {
	if (seconds === undefined || !Number.isFinite(seconds)) return '…';
	const s = Math.max(0, Math.round(seconds));
	return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Milliseconds as `850 ms` or `2.4 s`. */
export function formatMs(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
