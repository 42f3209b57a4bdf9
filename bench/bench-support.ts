/**
 * What the Node benchmarks share: their command-line flags and the two summaries they print.
 *
 * @example
 * const { json, flag } = benchArgs(['--runs', '3', '--json']);
 * json;                  // true
 * flag('--runs', 5);     // 3
 * flag('--scale', 20);   // 20 (absent: the default)
 * median([5, 1, 3]);     // 3
 * round(2.345);          // 2.3
 */

/** `--json` and numeric `--<name> <n>` flags of a benchmark's command line (`process.argv` by default). */
export function benchArgs(args: readonly string[] = process.argv.slice(2)): { json: boolean; flag: (name: string, fallback: number) => number } {
	return {
		json: args.includes('--json'),
		flag: (name, fallback) => {
			const at = args.indexOf(name);
			return at >= 0 ? Number(args[at + 1]) : fallback;
		}
	};
}

/** The middle value (the upper one of an even count), as the benchmarks report. */
export function median(values: readonly number[]): number {
	return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** `x` rounded to `digits` decimals, as a number (for JSON and tables). */
export function round(x: number, digits = 1): number {
	return Number(x.toFixed(digits));
}
