/**
 * Which options each pipeline (and `index build`, `export`) actually reads, in one table, so the CLI can
 * refuse a `--opt` key, `--first-stage`, `--depth`, `--k1`, `--b`, `--dtype`, `--device` or `--model
 * <role>=` that would be silently ignored (the pipelines read what they understand and ignore the rest:
 * `--opt storage=int8` on colbert-muvera ran fp32 and exited 0). The check lives here, in the CLI, and not
 * in the engine: the playground's worker hands every pipeline the options of its panel (a BM25 first
 * stage's k1/b, `candidates`, ...) on purpose.
 *
 * Built by reading the pipelines: `engine/pipelines/*.ts` (bm25, dense, rerank, late-interaction,
 * candidate-stages, multivector-source, corpus-encoding, storage-index, first-stage), `candidates/options.ts`
 * (MUVERA and PLAID names and aliases), `neural-context.ts` (`NeuralPipelineOptions`, `modelRefFor`,
 * `storeFor`), `neural-deps.ts` (`cacheDir`), `engines/lancedb-pipeline.ts`, and the commands `index build`
 * and `export`. A pipeline that reads a new option needs its entry here, or the CLI refuses the option.
 */
import { createError } from '../lib/engine/errors';
import type { ModelRole } from '../lib/engine/pipelines/roles';

/** Another option having one of the listed values (its `fallback` when not given). */
export interface ReadCondition {
	option: string;
	is: readonly (string | number | boolean)[];
	fallback: string | number | boolean;
}

/** One option a pipeline reads. */
export interface OptionRead {
	/** The name the pipeline reads first (`k_sim`), or `models.<role>` for `--model <role>=`. */
	key: string;
	/** Other names read for the same setting; the first given wins there, so two at once is refused here. */
	aliases?: readonly string[];
	/** Read only while this holds (e.g. `centroids` only with `storage=residual`). */
	when?: ReadCondition;
}

/** What reads pipeline options: a registered pipeline, or a command that builds ColBERT vectors itself. */
export type OptionConsumer = string;

const model = (role: ModelRole, when?: ReadCondition): OptionRead => ({ key: `models.${role}`, ...(when ? { when } : {}) });
const keys = (names: readonly string[], when?: ReadCondition): OptionRead[] => names.map((key) => ({ key, ...(when ? { when } : {}) }));

/** `modelRefFor`: the weights, execution provider and Hub revision of every model a pipeline loads. */
const MODEL_RUN = ['dtype', 'device', 'revision'];
/** `encodingOptionsFor` / `storeFor` / `cliNeuralDeps`: corpus encoding batches and the on-disk cache. */
const ENCODING = ['batchSize', 'cache', 'cacheDir'];
/** `bm25IndexOptions` plus the BM25 index cache (`cache`, `cacheDir`). */
const BM25 = ['k1', 'b', 'stem'];
/** The MaxSim kernel choice of every scorer that runs MaxSim. */
const KERNEL = ['maxsimBackend', 'threads'];
/** `openMultiVectorSource`: the ColBERT model (or a vectors folder) and PyLate pooling. */
const SOURCE: OptionRead[] = [model('colbert'), ...keys(['pool', ...MODEL_RUN, ...ENCODING])];

const RESIDUAL: ReadCondition = { option: 'storage', is: ['residual'], fallback: 'fp32' };
/**
 * `storageOptionsOf` + `buildStoredIndex`. `rescore` with fp32 keeps the engine's own (documented)
 * message; the residual codec's settings are refused here with another format, before any loading.
 */
const STORAGE: OptionRead[] = [...keys(['storage', 'rescore', 'quantized']), ...keys(['bits', 'centroids', 'centroidBudget'], RESIDUAL)];

const BM25_FIRST: ReadCondition = { option: 'firstStage', is: ['bm25'], fallback: 'bm25' };
const DENSE_FIRST: ReadCondition = { option: 'firstStage', is: ['dense'], fallback: 'bm25' };
/** `createFirstStage`: BM25 (its k1, b, stem) or the dense pipeline (its bi-encoder, metric, batches). */
const FIRST_STAGE: OptionRead[] = [
	...keys(['firstStage', 'depth']),
	...keys(BM25, BM25_FIRST),
	model('bi-encoder', DENSE_FIRST),
	...keys(['metric'], DENSE_FIRST)
];

/**
 * The options each pipeline the CLI ships reads, and those of `index build` and `export`.
 * @example PIPELINE_OPTION_TABLE['colbert-plaid'].some((o) => o.key === 'nprobe') // true
 */
export const PIPELINE_OPTION_TABLE: Readonly<Record<OptionConsumer, readonly OptionRead[]>> = {
	bm25: keys([...BM25, 'cache', 'cacheDir']),
	dense: [model('bi-encoder'), ...keys(['metric', ...MODEL_RUN, ...ENCODING])],
	// The cross-encoder reads no document vectors: batchSize only for a dense first stage's encoding.
	cross: [model('cross-encoder'), ...keys([...MODEL_RUN, 'cache', 'cacheDir']), ...FIRST_STAGE, ...keys(['batchSize'], DENSE_FIRST)],
	colbert: [...SOURCE, ...STORAGE, ...keys(KERNEL)],
	'colbert-rerank': [...SOURCE, ...STORAGE, ...keys(KERNEL), ...FIRST_STAGE],
	'colbert-muvera': [
		...SOURCE,
		...keys(['depth', ...KERNEL, 'seed']),
		{ key: 'k_sim', aliases: ['kSim'] },
		{ key: 'dim_proj', aliases: ['dimProj'] },
		{ key: 'r_reps', aliases: ['rReps'] }
	],
	'colbert-plaid': [
		...SOURCE,
		...keys(['bits', 'centroids', 'centroidBudget', 'sample', 'iterations', 'seed', 'rerank', 'ndocs', ...KERNEL]),
		{ key: 'nprobe', aliases: ['ncells'] },
		{ key: 'threshold', aliases: ['centroid_score_threshold'] }
	],
	// `store` comes from --store; with a vectors folder no model is loaded (known only once the data is read).
	lancedb: [
		model('colbert'),
		...keys(['store', 'mode', ...MODEL_RUN]),
		...keys(['depth'], { option: 'mode', is: ['two-phase'], fallback: 'exhaustive' }),
		...keys(['nprobes', 'refine'], { option: 'mode', is: ['ann'], fallback: 'exhaustive' })
	],
	// `storage` is read to refuse anything but fp32 with its own message (a store holds float32).
	'index build': [...SOURCE, ...keys(['storage', 'index']), ...keys(['partitions', 'subVectors'], { option: 'index', is: ['ivf_pq'], fallback: 'none' })],
	export: [...SOURCE, ...keys(['storage', 'depth'])]
};

/** Keys set by their own flag (never by `--opt`), and how a user writes them. */
const FLAG_OF: Readonly<Record<string, string>> = { k1: '--k1', b: '--b', firstStage: '--first-stage', depth: '--depth' };

/** Why an option another pipeline reads is not read here, where the reason is worth a line. */
const NOT_HERE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
	'colbert-muvera': { storage: 'it reranks with fp32 vectors', rescore: 'its MaxSim on the top --depth is exact already', quantized: 'it reranks with fp32 vectors' },
	'colbert-plaid': { storage: 'it stores ColBERTv2 residuals: --opt bits, --opt centroids', rescore: 'its last stage is --opt rerank=residual|exact', depth: 'its stages keep --opt ndocs' },
	colbert: { depth: 'it scores every document; colbert-rerank reranks a first stage', firstStage: 'it scores every document; colbert-rerank reranks a first stage' },
	lancedb: { pool: 'the store holds the vectors index build wrote: pool there', storage: 'a store holds float32 vectors' },
	bm25: { dtype: 'it loads no model', device: 'it loads no model', revision: 'it loads no model' }
};

/** Keys no pipeline reads on the CLI but a user may know from elsewhere. */
const ELSEWHERE: Readonly<Record<string, string>> = {
	candidates: 'the playground\'s candidate stage; on the CLI it is the pipeline: -p colbert-muvera or -p colbert-plaid'
};

/** One setting as the user gave it: its pipeline option name and where it came from. */
export interface GivenOption {
	/** The pipeline option (`nprobe`, `depth`, `models.bi-encoder`). */
	key: string;
	/** How it was given: `--opt` (key=value), or a flag (`--depth`, `--dtype`, `--model bi-encoder=`). */
	via: 'opt' | 'flag';
}

/** How a given option reads in a message: `--opt nprobe`, `--depth`, `--model bi-encoder=...`. */
function label(given: GivenOption): string {
	if (given.key.startsWith('models.')) return `--model ${given.key.slice(7)}=...`;
	if (given.via === 'flag') return FLAG_OF[given.key] ?? `--${given.key}`;
	return `--opt ${given.key}`;
}

/** The option as a noun: `storage`, `--depth`, `a bi-encoder model`. */
function noun(key: string): string {
	if (key.startsWith('models.')) return `a ${key.slice(7)} model`;
	return FLAG_OF[key] ?? key;
}

/** `a`, `a and b`, `a, b and c`. */
function andList(items: readonly string[]): string {
	return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The table's commands (the rest are pipelines). */
const COMMANDS: ReadonlySet<string> = new Set(['index build', 'export']);

/** Consumers shown as users name them: pipelines by name, commands as `latelab <command>`. */
function consumerName(consumer: OptionConsumer): string {
	return COMMANDS.has(consumer) ? `latelab ${consumer}` : consumer;
}

/** A condition's value as a user sets it: `--first-stage dense`, `--opt storage=int8`. */
function setting(option: string, value: unknown): string {
	return FLAG_OF[option] ? `${FLAG_OF[option]} ${String(value)}` : `--opt ${option}=${String(value)}`;
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
	const s = a.toLowerCase();
	const t = b.toLowerCase();
	let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
	for (let i = 1; i <= s.length; i++) {
		const row = [i];
		for (let j = 1; j <= t.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
		prev = row;
	}
	return prev[t.length];
}

/** The closest of `names` to `key`, when close enough to be a typo (about one edit in three letters). */
function closest(key: string, names: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestD = Infinity;
	for (const name of names) {
		const d = distance(key, name);
		if (d < bestD) [best, bestD] = [name, d];
	}
	return best !== undefined && bestD <= Math.max(1, Math.floor(Math.max(key.length, best.length) / 3)) ? best : undefined;
}

/** A suggested name as the table spells it: `k_sim` for `kSim` (the pipeline's first name), `--depth` for a flag. */
function suggestion(reads: readonly OptionRead[], near: string): string {
	return noun(entryFor(reads, near)?.key ?? near);
}

/** Every name (key and aliases) of `reads`. */
function namesOf(reads: readonly OptionRead[]): string[] {
	return reads.flatMap((r) => [r.key, ...(r.aliases ?? [])]);
}

/** The entry of `reads` that `key` names (as its key or an alias). */
function entryFor(reads: readonly OptionRead[], key: string): OptionRead | undefined {
	return reads.find((r) => r.key === key || r.aliases?.includes(key));
}

/** The `--opt` keys of a consumer, for "its options: ...": aliases after a slash, flag-only and --model keys left out. */
export function optKeysText(consumer: OptionConsumer): string {
	const reads = PIPELINE_OPTION_TABLE[consumer] ?? [];
	const seen = new Set<string>();
	const out: string[] = [];
	for (const r of reads) {
		if (r.key in FLAG_OF || r.key.startsWith('models.') || r.key === 'store' || seen.has(r.key)) continue;
		seen.add(r.key);
		out.push([r.key, ...(r.aliases ?? [])].join('/'));
	}
	return out.join(', ');
}

/** The consumers whose entries read `key` (as a key or an alias), in table order. */
export function consumersReading(key: string): OptionConsumer[] {
	return Object.entries(PIPELINE_OPTION_TABLE)
		.filter(([, reads]) => entryFor(reads, key) !== undefined)
		.map(([name]) => name);
}

/**
 * Refuses, with one `BAD_ARGUMENT` line, a setting `consumer` would not read: a key no pipeline reads
 * (with the closest accepted key when one is a likely typo, and the consumer's `--opt` keys), a key
 * other pipelines read (naming them), one read only under another setting (`centroids` without
 * `storage=residual`, `--depth` without `--opt mode=two-phase` on lancedb), and an option given
 * together with its alias (`nprobe` and `ncells`). `options` are the final pipeline options (flags
 * included), for the conditions. A consumer the table does not know (a host's own pipeline) is not checked.
 * @example checkPipelineKeys('colbert-plaid', [{ key: 'nprob', via: 'opt' }], {})
 * // throws "--opt nprob is not an option of colbert-plaid; did you mean nprobe? (its options: ...)"
 */
export function checkPipelineKeys(consumer: OptionConsumer, given: readonly GivenOption[], options: Readonly<Record<string, unknown>>): void {
	const reads = PIPELINE_OPTION_TABLE[consumer];
	if (!reads) return;
	const name = consumerName(consumer);
	const fail = (detail: string) => createError('BAD_ARGUMENT', { detail });
	const byEntry = new Map<OptionRead, GivenOption>();
	for (const g of given) {
		const entry = entryFor(reads, g.key);
		if (!entry) {
			const readers = consumersReading(g.key).map(consumerName);
			if (readers.length === 0) {
				if (ELSEWHERE[g.key]) throw fail(`${label(g)} is not an option of ${name}: ${g.key} is ${ELSEWHERE[g.key]}`);
				const near = closest(g.key, namesOf(reads).filter((k) => !k.startsWith('models.') && k !== 'store'));
				const nearOther = near ? undefined : closest(g.key, [...new Set(Object.values(PIPELINE_OPTION_TABLE).flatMap(namesOf))].filter((k) => !k.startsWith('models.') && k !== 'store'));
				const hint = near ? `; did you mean ${suggestion(reads, near)}?` : nearOther ? `; did you mean ${noun(nearOther)} (an option of ${andList(consumersReading(nearOther).map(consumerName))})?` : '';
				throw fail(`${label(g)} is not an option of ${name}${hint} (its options: ${optKeysText(consumer) || 'none'})`);
			}
			const why = NOT_HERE[consumer]?.[g.key];
			throw fail(`${label(g)} does not apply to ${name}${why ? ` (${why})` : ''}; ${noun(g.key)} is ${g.key.startsWith('models.') ? 'read by' : 'an option of'} ${andList(readers)}`);
		}
		if (entry.when) {
			const { option, is, fallback } = entry.when;
			const value = options[option] ?? fallback;
			if (!is.includes(value as string | number | boolean)) {
				const now = `${setting(option, value)}${options[option] === undefined ? ' (the default)' : ''}`;
				throw fail(`${label(g)} does not apply to ${name} with ${now}; it is read with ${is.map((v) => setting(option, v)).join(' or ')}`);
			}
		}
		const other = byEntry.get(entry);
		if (other) {
			const alias = [other.key, g.key].find((k) => k !== entry.key);
			const same = alias ? ` (${alias} is another name of ${entry.key})` : '';
			throw fail(`${label(other)} and ${label(g)} set the same option of ${name}${same}; give one`);
		}
		byEntry.set(entry, g);
	}
}

/** The ColBERT pipelines whose vectors a vectors folder replaces (their model is then loaded only when named). */
const FOLDER_SOURCED = new Set(['colbert', 'colbert-rerank', 'colbert-muvera', 'colbert-plaid']);
/** Settings of the ColBERT model and its corpus encoding: unread on a vectors folder unless a model is named. */
const COLBERT_MODEL_SETTINGS: Readonly<Record<string, string>> = { dtype: '--dtype', device: '--device', revision: '--opt revision', batchSize: '--opt batchSize', cache: '--opt cache', cacheDir: '--opt cacheDir' };

/**
 * Once the data is known: refuses ColBERT model settings a vectors folder would leave unread. Its
 * vectors need no model, so `--dtype`, `--device`, `--opt revision`, `batchSize`, `cache` and `cacheDir`
 * only apply with `--model colbert=` (which encodes free-text queries), or to a dense first stage.
 * `options` are the pipeline options as the user gave them (before the CLI's own cache defaults).
 * @example checkVectorsFolderOptions('colbert', { dtype: 'q8' }, true)
 * // throws "--dtype does not apply to colbert on a vectors folder: ..."
 */
export function checkVectorsFolderOptions(pipeline: string, options: Readonly<Record<string, unknown>>, vectorsFolder: boolean): void {
	if (!vectorsFolder || !FOLDER_SOURCED.has(pipeline)) return;
	const models = options.models as Partial<Record<ModelRole, string>> | undefined;
	if (models?.colbert !== undefined || options.firstStage === 'dense') return;
	const given = Object.keys(COLBERT_MODEL_SETTINGS).filter((key) => options[key] !== undefined);
	if (given.length === 0) return;
	const flags = andList(given.map((key) => COLBERT_MODEL_SETTINGS[key]));
	throw createError('BAD_ARGUMENT', {
		detail: `${flags} ${given.length === 1 ? 'does' : 'do'} not apply to ${pipeline} on a vectors folder: its vectors need no model; give --model colbert=<the model that made them> to encode free-text queries with it`
	});
}
