/**
 * Byte sizes as people write them (`LATELAB_CACHE_MAX=500MB`, `--max 2G`) and as latelab prints
 * them. Decimal units as disks are sold: K/KB = 1000, M/MB = 10^6, G/GB = 10^9, T/TB = 10^12;
 * binary units spelled out: KiB = 1024, MiB, GiB, TiB. A bare number is bytes.
 *
 * @example parseSize('500MB') // 500_000_000
 * @example parseSize('1.5GiB') // 1_610_612_736
 * @example formatSize(2_000_000_000) // '2.0 GB'
 */
import { createError } from '../errors';

/** The on-disk cache budget when `LATELAB_CACHE_MAX` is not set: 2 GB. */
export const DEFAULT_CACHE_MAX = 2_000_000_000;

const UNITS: Record<string, number> = {
	'': 1,
	b: 1,
	k: 1e3,
	kb: 1e3,
	m: 1e6,
	mb: 1e6,
	g: 1e9,
	gb: 1e9,
	t: 1e12,
	tb: 1e12,
	kib: 1024,
	mib: 1024 ** 2,
	gib: 1024 ** 3,
	tib: 1024 ** 4
};

/**
 * Bytes of a size string; `what` names the setting in the error (`BAD_ARGUMENT`).
 * @example parseSize('2G') // 2_000_000_000
 */
export function parseSize(text: string, what = 'size'): number {
	const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
	const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
	if (!m || unit === undefined) {
		throw createError('BAD_ARGUMENT', { detail: `${what}: expected a size such as 500MB, 2G or 1.5GiB, got "${text}"` });
	}
	return Math.round(Number(m[1]) * unit);
}

/**
 * A size for people, decimal units, one decimal from kB up.
 * @example formatSize(0) // '0 B'
 * @example formatSize(15_400_000) // '15.4 MB'
 */
export function formatSize(bytes: number): string {
	if (bytes < 1000) return `${bytes} B`;
	const units = ['kB', 'MB', 'GB', 'TB'];
	let value = bytes / 1000;
	let i = 0;
	while (value >= 1000 && i < units.length - 1) {
		value /= 1000;
		i++;
	}
	return `${value.toFixed(1)} ${units[i]}`;
}

/**
 * The cache budget from the environment: `LATELAB_CACHE_MAX` parsed, else `DEFAULT_CACHE_MAX`.
 * @example cacheBudget({ LATELAB_CACHE_MAX: '500MB' }) // 500_000_000
 */
export function cacheBudget(env: Record<string, string | undefined>): number {
	const raw = env.LATELAB_CACHE_MAX;
	return raw === undefined || raw.trim() === '' ? DEFAULT_CACHE_MAX : parseSize(raw, 'LATELAB_CACHE_MAX');
}
