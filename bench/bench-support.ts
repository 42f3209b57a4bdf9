/**
 * What the Node benchmarks share: their command-line flags and the two summaries they print.
 *
 * @example
 * const { json, flag, list } = benchArgs(['--runs', '3', '--json']);
 * json;                  // true
 * flag('--runs', 5);     // 3
 * flag('--scale', 20);   // 20 (absent: the default)
 * list('--sizes', [10]); // [10] (absent); '--sizes 1,2' gives [1, 2]
 * median([5, 1, 3]);     // 3
 * round(2.345);          // 2.3
 */

/**
 * `--json`, numeric `--<name> <n>` flags, `--<name> a,b,c` number lists and numeric flags with no
 * default (`optional`: undefined when absent) of a benchmark's command line (`process.argv` by default).
 */
export function benchArgs(args: readonly string[] = process.argv.slice(2)): {
	json: boolean;
	flag: (name: string, fallback: number) => number;
	optional: (name: string) => number | undefined;
	list: (name: string, fallback: number[]) => number[];
} {
	const valueOf = (name: string) => args[args.indexOf(name) + 1];
	return {
		json: args.includes('--json'),
		flag: (name, fallback) => (args.includes(name) ? Number(valueOf(name)) : fallback),
		optional: (name) => (args.includes(name) ? Number(valueOf(name)) : undefined),
		list: (name, fallback) => (args.includes(name) ? valueOf(name).split(',').map(Number) : fallback)
	};
}

/** MUVERA's FDE parameters, by their CLI names. */
export interface MuveraFlag {
	k_sim: number;
	dim_proj: number;
	r_reps: number;
}

/**
 * `--muvera k_sim=<n>,dim_proj=<n>,r_reps=<n>` (any subset), over fastembed's defaults (5, 16, 20).
 * @example muveraFlag(['--muvera', 'r_reps=40']) // { k_sim: 5, dim_proj: 16, r_reps: 40 }
 */
export function muveraFlag(args: readonly string[]): MuveraFlag {
	const params: MuveraFlag = { k_sim: 5, dim_proj: 16, r_reps: 20 };
	if (!args.includes('--muvera')) return params;
	for (const pair of (args[args.indexOf('--muvera') + 1] ?? '').split(',')) {
		const [key, value] = pair.split('=');
		if (!(key in params) || !/^\d+$/.test(value ?? '')) throw new Error(`--muvera: expected k_sim=<n>,dim_proj=<n>,r_reps=<n>, got "${pair}"`);
		params[key as keyof MuveraFlag] = Number(value);
	}
	return params;
}

/** The middle value (the upper one of an even count), as the benchmarks report. */
export function median(values: readonly number[]): number {
	return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** `x` rounded to `digits` decimals, as a number (for JSON and tables). */
export function round(x: number, digits = 1): number {
	return Number(x.toFixed(digits));
}
