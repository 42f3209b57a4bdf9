import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MODEL_DEVICES, MODEL_DTYPES, type ModelRef } from '../lib/engine/encoders/encoder';
import { createError } from '../lib/engine/errors';
import { checkPipelineOption } from '../lib/engine/panels';
import { MODEL_ROLES, pipelineInfo, type ModelRole, type PipelineOptions } from '../lib/engine/pipelines/registry';
import { checkPipelineKeys, type GivenOption } from './pipeline-options';

/**
 * Argument parsing for every command: `node:util` `parseArgs` in strict mode, with its errors
 * (Node `TypeError`s with `ERR_PARSE_ARGS_*` codes) turned into one-line `BAD_ARGUMENT`s that name the
 * command and point to its `--help`.
 */

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
	help: { type: 'boolean', short: 'h' },
	quiet: { type: 'boolean', short: 'q' },
	json: { type: 'boolean' }
} as const satisfies OptionSpec;

/** Options of commands that load a corpus (`search`, `eval`). */
export const DATA_OPTIONS = {
	data: { type: 'string' },
	'duplicate-ids': { type: 'string' }
} as const satisfies OptionSpec;

/** `--duplicate-ids`: `keep-first` (default: skip repeats with a warning) or `error` (strict). */
export function duplicateIdPolicy(values: Values): 'keep-first' | 'error' {
	const value = values['duplicate-ids'] ?? 'keep-first';
	if (value !== 'keep-first' && value !== 'error') {
		throw createError('UNKNOWN_OPTION', { what: '--duplicate-ids policy', value: String(value), expected: 'keep-first, error' });
	}
	return value;
}

/** Options that configure a pipeline; `search` and `eval` share them so new pipelines plug in unchanged. */
export const PIPELINE_OPTIONS = {
	pipeline: { type: 'string', short: 'p' },
	k1: { type: 'string' },
	b: { type: 'string' },
	model: { type: 'string', multiple: true },
	'first-stage': { type: 'string' },
	depth: { type: 'string' },
	dtype: { type: 'string' },
	device: { type: 'string' },
	opt: { type: 'string', multiple: true }
} as const satisfies OptionSpec;

/** The `--help` lines of PIPELINE_OPTIONS after `--pipeline` (which each command words itself), without a final newline. */
export const PIPELINE_OPTIONS_HELP = `  --k1 <x> --b <x>       BM25 parameters (default 0.9 and 0.4)
  --model [role=]<id|dir>  model per role (bi-encoder, cross-encoder, colbert); repeatable
  --first-stage <name>   candidate pipeline for rerankers
  --depth <n>            candidates a reranker rescores
  --dtype <name>         model weights: fp32 (Node default), fp16, q8, int8, uint8, q4, q4f16, bnb4
  --device <name>        cpu (Node default), wasm or webgpu
  --opt <key=value>      any other option the pipeline reads (e.g. --opt threads=2); repeatable; a key
                         it does not read exits 2 naming its options`;

/**
 * `--dtype` and `--device` as given, checked against the weights and execution providers the
 * encoders accept (`MODEL_DTYPES`, `MODEL_DEVICES`); absent flags stay absent.
 * @example modelRunFlags({ dtype: 'q8' }) // { dtype: 'q8' }
 */
export function modelRunFlags(values: Record<string, unknown>): Pick<ModelRef, 'dtype' | 'device'> {
	const flags: Pick<ModelRef, 'dtype' | 'device'> = {};
	for (const [flag, allowed] of [['dtype', MODEL_DTYPES], ['device', MODEL_DEVICES]] as const) {
		const value = values[flag];
		if (typeof value !== 'string') continue;
		if (!(allowed as readonly string[]).includes(value)) throw createError('UNKNOWN_OPTION', { what: flag, value, expected: allowed.join(', ') });
		(flags as Record<string, string>)[flag] = value;
	}
	return flags;
}

/** Options with their own flags; `--opt` may not set them. */
const RESERVED_OPTION_KEYS: Record<string, string> = { k1: '--k1', b: '--b', models: '--model', firstStage: '--first-stage', depth: '--depth', store: '--store' };

/**
 * Reads `--opt key=value` pairs: any other pipeline option (e.g. `--opt dtype=q8 --opt threads=2`),
 * so pipelines gain settings without new CLI flags. Values `true`/`false` become booleans, numbers
 * numbers, anything else stays a string. Keys are identifiers (camelCase, or a reference implementation's
 * snake_case name such as MUVERA's `k_sim`), each at most once. Whether the pipeline reads a key is
 * `pipelineFromArgs`'s check (`pipeline-options.ts`), not this one's: `score` has its own few keys.
 * @example parseExtraOptions(['dtype=q8', 'threads=2', 'cache=false']) // { dtype: 'q8', threads: 2, cache: false }
 */
export function parseExtraOptions(values: readonly string[]): Record<string, string | number | boolean> {
	const out: Record<string, string | number | boolean> = {};
	for (const item of values) {
		const match = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/.exec(item);
		if (!match) throw createError('BAD_ARGUMENT', { detail: `--opt expects key=value (e.g. --opt dtype=q8), got "${item}"` });
		const [, key, raw] = match;
		if (key in RESERVED_OPTION_KEYS) throw createError('BAD_ARGUMENT', { detail: `--opt ${key}: use ${RESERVED_OPTION_KEYS[key]} instead` });
		if (key in out) throw createError('BAD_ARGUMENT', { detail: `--opt ${key} given twice` });
		const numeric = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw);
		// Keys the panel-option schema knows (stem, maxsimBackend, ...) get its value check; which keys a pipeline reads is pipelineFromArgs's check.
		out[key] = checkPipelineOption(key, raw === 'true' ? true : raw === 'false' ? false : numeric ? Number(raw) : raw);
	}
	return out;
}

/**
 * Parses `args` for `command` (e.g. `"latelab eval"`). Throws `BAD_ARGUMENT` for unknown options,
 * missing values and unexpected positionals.
 * @example parseCommand('latelab eval', ['--k', '10'], { k: { type: 'string' } }, 0).values.k // '10'
 */
export function parseCommand(
	command: string,
	args: string[],
	options: OptionSpec,
	maxPositionals: number
): { values: Values; positionals: string[] } {
	let parsed: { values: Values; positionals: string[] };
	try {
		parsed = parseArgs({ args, options, strict: true, allowPositionals: true }) as typeof parsed;
	} catch (error) {
		throw translateParseError(command, error);
	}
	if (parsed.positionals.length > maxPositionals) {
		const extra = parsed.positionals[maxPositionals];
		throw createError('BAD_ARGUMENT', {
			detail: `${short(command)}: unexpected argument "${extra}"${extra.includes(' ') ? ' (quote a query with --query "...")' : ''}; see ${command} --help`
		});
	}
	return parsed;
}

/** `latelab eval` -> `eval`: the CLI already prefixes every error line with `latelab: `. */
function short(command: string): string {
	return command.replace(/^latelab /, '');
}

function translateParseError(command: string, error: unknown): unknown {
	const code = (error as { code?: string }).code;
	const message = error instanceof Error ? error.message : String(error);
	const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
	switch (code) {
		case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
			return createError('BAD_ARGUMENT', { detail: `${short(command)}: unknown option ${option}; see ${command} --help` });
		case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
			return createError('BAD_ARGUMENT', {
				detail: message.includes('does not take')
					? `${short(command)}: option ${option} takes no value`
					: message.includes('ambiguous')
						? `${short(command)}: the value of ${option} starts with "-"; write it as ${option}="-..."`
						: `${short(command)}: option ${option} needs a value`
			});
		case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
			return createError('BAD_ARGUMENT', { detail: `${short(command)}: unexpected argument; see ${command} --help` });
		default:
			return error;
	}
}

/** The value of a string option, or `BAD_ARGUMENT` naming the missing option. */
export function requireString(values: Values, name: string, command: string): string {
	const value = values[name];
	if (typeof value !== 'string' || value === '') {
		throw createError('BAD_ARGUMENT', { detail: `${short(command)}: --${name} is required; see ${command} --help` });
	}
	return value;
}

/** A positive integer option (`--k 10`), `fallback` when absent. */
export function positiveInt(values: Values, name: string, fallback: number): number;
export function positiveInt(values: Values, name: string, fallback?: number): number | undefined;
export function positiveInt(values: Values, name: string, fallback?: number): number | undefined {
	const text = values[name];
	if (text === undefined) return fallback;
	const n = Number(text);
	if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || n < 1 || !Number.isSafeInteger(n)) {
		throw createError('BAD_ARGUMENT', { detail: `--${name} expects a positive integer, got "${text}"` });
	}
	return n;
}

/** A finite number option within [min, max], `undefined` when absent. */
export function numberIn(values: Values, name: string, min: number, max: number): number | undefined {
	const text = values[name];
	if (text === undefined) return undefined;
	const n = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
	if (!Number.isFinite(n) || n < min || n > max) {
		const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
		throw createError('BAD_ARGUMENT', { detail: `--${name} expects a number ${range}, got "${text}"` });
	}
	return n;
}

/** A list option given as `--metrics a,b` and/or repeated `--metrics a --metrics b`. */
export function listOption(values: Values, name: string): string[] | undefined {
	const raw = values[name];
	if (raw === undefined) return undefined;
	const items = (Array.isArray(raw) ? raw : [raw])
		.flatMap((v) => String(v).split(','))
		.map((s) => s.trim())
		.filter((s) => s !== '');
	return items;
}

/**
 * Reads `--model` values: `role=<id|dir>` for a named role, or a plain `<id|dir>` for the role of
 * `pipeline` itself. Each role at most once. A plain model for a pipeline without a role is an error.
 * @example parseModels(['colbert=./models/colbert', 'bi-encoder=Xenova/all-MiniLM-L6-v2'], 'colbert-rerank')
 * // { colbert: './models/colbert', 'bi-encoder': 'Xenova/all-MiniLM-L6-v2' }
 */
export function parseModels(values: readonly string[], pipeline: string): Partial<Record<ModelRole, string>> {
	const models: Partial<Record<ModelRole, string>> = {};
	for (const value of values) {
		const match = /^([a-z-]+)=(.*)$/.exec(value);
		let role: ModelRole;
		let model: string;
		if (match && (MODEL_ROLES as readonly string[]).includes(match[1])) {
			role = match[1] as ModelRole;
			model = match[2];
		} else if (match && !match[1].includes('/')) {
			throw createError('UNKNOWN_OPTION', { what: 'model role', value: match[1], expected: MODEL_ROLES.join(', ') });
		} else {
			const own = pipelineInfo(pipeline).role;
			if (!own) {
				throw createError('BAD_ARGUMENT', {
					detail: `pipeline "${pipeline}" uses no model; name the role, e.g. --model colbert=<id|dir>`
				});
			}
			role = own;
			model = value;
		}
		if (model === '') throw createError('BAD_ARGUMENT', { detail: `--model ${role}= needs a model id or folder` });
		if (models[role] !== undefined) throw createError('BAD_ARGUMENT', { detail: `--model for ${role} given twice` });
		models[role] = model;
	}
	return models;
}

/**
 * The pipeline name and its options from the shared pipeline flags. Validates the names against the
 * registry (`UNKNOWN_OPTION` lists what exists), the numbers (`BAD_ARGUMENT`), and, before any data is
 * loaded, that the pipeline reads every setting given (`checkPipelineKeys`: a `--opt` key, `--first-stage`,
 * `--depth`, `--k1`, `--b`, `--dtype`, `--device` or `--model <role>=` it would ignore is `BAD_ARGUMENT`).
 * `checkAs` names what reads the options when it is not the pipeline (`index build`, `export`).
 * @example pipelineFromArgs({ pipeline: 'colbert-plaid', opt: ['nprobe=2'] }) // { name: 'colbert-plaid', options: { nprobe: 2 } }
 */
export function pipelineFromArgs(values: Values, checkAs?: string): { name: string; options: PipelineOptions } {
	const name = typeof values.pipeline === 'string' ? values.pipeline : 'bm25';
	pipelineInfo(name);
	const options: PipelineOptions = parseExtraOptions(((values.opt as string[] | undefined) ?? []).map(String));
	const given: GivenOption[] = Object.keys(options).map((key) => ({ key, via: 'opt' }));
	// --opt dtype / device are the flags' values too: the same check, so a typo does not reach the model loader.
	for (const flag of ['dtype', 'device'] as const) {
		if (options[flag] !== undefined) modelRunFlags({ [flag]: String(options[flag]) });
	}
	const k1 = numberIn(values, 'k1', 0, Infinity);
	const b = numberIn(values, 'b', 0, 1);
	if (k1 !== undefined) options.k1 = k1;
	if (b !== undefined) options.b = b;
	const models = parseModels(((values.model as string[] | undefined) ?? []).map(String), name);
	if (Object.keys(models).length > 0) options.models = models;
	if (typeof values['first-stage'] === 'string') {
		pipelineInfo(values['first-stage']);
		options.firstStage = values['first-stage'];
	}
	const depth = positiveInt(values, 'depth');
	if (depth !== undefined) options.depth = depth;
	const run = modelRunFlags(values);
	for (const key of ['k1', 'b', 'firstStage', 'depth'] as const) if (options[key] !== undefined) given.push({ key, via: 'flag' });
	for (const role of Object.keys(models)) given.push({ key: `models.${role}`, via: 'flag' });
	for (const key of Object.keys(run)) given.push({ key, via: 'flag' });
	checkPipelineKeys(checkAs ?? name, given, { ...options, ...run });
	Object.assign(options, run);
	return { name, options };
}
