/**
 * What is derived from the schema (`./schema.ts`): a panel id's kind, whether an option applies to a
 * panel, the defaults, checking a value (tolerantly for links, strictly for the CLI), the per-panel
 * object written in the link, the pipeline options the worker builds, and short "what differs" text.
 */
import { createError } from '../errors';
import type { OptionCondition, OptionSpec, OptionValue } from './option-spec';
import { KINDS, PANEL_KINDS, PANEL_OPTIONS, type KindInfo, type OptionKey, type PanelId, type PanelKind, type PanelOptions } from './schema';
import type { ModelRole } from '../pipelines/roles';

/** The kind of a panel id. @example panelKind('colbert@3') // 'colbert' */
export function panelKind(id: PanelId): PanelKind {
	const at = id.indexOf('@');
	return (at < 0 ? id : id.slice(0, at)) as PanelKind;
}

/** The kind entry of a panel id. @example kindOf('colbert-two-stage@2').reranks // true */
export function kindOf(id: PanelId): KindInfo {
	return KINDS[panelKind(id)];
}

/** The model role a panel needs (from its kind). @example roleOfPanel('colbert@2') // 'colbert' */
export function roleOfPanel(id: PanelId): ModelRole | undefined {
	return kindOf(id).role;
}

/** True for an added panel (`<kind>@<tag>`), false for a default one. */
export function isAddedPanel(id: PanelId): boolean {
	return id.includes('@');
}

const ID_PATTERN = new RegExp(`^(${PANEL_KINDS.join('|')})(@[a-z0-9]{1,8})?$`);

/** True for a default panel id or a well-formed added one (`<kind>@<tag>`; link input is untrusted). */
export function isPanelId(value: unknown): value is PanelId {
	return typeof value === 'string' && ID_PATTERN.test(value);
}

/** The option entries in control order, with their keys. */
export const OPTION_ENTRIES = Object.entries(PANEL_OPTIONS) as [OptionKey, OptionSpec][];

/** The entry of an option. */
export function optionSpec(key: OptionKey): OptionSpec {
	return PANEL_OPTIONS[key] as OptionSpec;
}

/** A table of option entries by key (the schema's `PANEL_OPTIONS`; tests pass their own). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/**
 * Whether option `key` applies to a panel of `kind` with these options: its `kinds` include the kind
 * and its `when` condition (if any) holds, i.e. the option it depends on applies and has one of the
 * listed values (so `bits` shows only while `storage` is `residual`); with a list of conditions, any one.
 * @example optionApplies('depth', 'colbert', defaultOptions()) // false
 */
export function optionApplies(key: OptionKey, kind: PanelKind, options: PanelOptions, table: OptionTable = PANEL_OPTIONS): boolean {
	const spec = table[key];
	if (!spec || !spec.kinds.includes(kind)) return false;
	if (!spec.when) return true;
	const conditions: readonly OptionCondition[] = 'option' in spec.when ? [spec.when] : spec.when;
	return conditions.some(({ option, is }) => optionApplies(option as OptionKey, kind, options, table) && is.includes((options as Record<string, OptionValue>)[option]));
}

/** The options that apply to a panel of `kind`, in control order. */
export function optionsOf(kind: PanelKind, options: PanelOptions): OptionKey[] {
	return OPTION_ENTRIES.filter(([key]) => optionApplies(key, kind, options)).map(([key]) => key);
}

/** Every option at its default. @example defaultOptions().kernel // 'auto' */
export function defaultOptions(): PanelOptions {
	return Object.fromEntries(OPTION_ENTRIES.map(([key, spec]) => [key, spec.default])) as PanelOptions;
}

/** `value` if it is valid for the option, else `undefined` (links are untrusted: no guessing). */
export function validValue(spec: OptionSpec, value: unknown): OptionValue | undefined {
	if (spec.type === 'choice') {
		if ((spec.values as readonly unknown[]).includes(value)) return value as OptionValue;
		const range = spec.integers;
		return range && typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max ? value : undefined;
	}
	if (spec.type === 'switch') return typeof value === 'boolean' ? value : undefined;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max) return undefined;
	return spec.integer && !Number.isInteger(value) ? undefined : value;
}

/** The allowed values of an option, in words (for errors and help). @example allowedText(PANEL_OPTIONS.depth) // 'an integer from 1 to 1000' */
export function allowedText(spec: OptionSpec): string {
	if (spec.type === 'choice') return spec.integers ? `${spec.values.join(', ')} or an integer from ${spec.integers.min} to ${spec.integers.max}` : spec.values.join(', ');
	if (spec.type === 'switch') return 'true, false';
	return `${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}`;
}

/**
 * Checks a `--opt key=value` the schema knows (by its `opt` name): returns the value, throws
 * `UNKNOWN_OPTION` (choice) or `BAD_ARGUMENT` (range, switch). Keys the schema does not know pass
 * through unchanged (pipelines read what they understand).
 * @example checkPipelineOption('stem', false) // false
 * @example checkPipelineOption('maxsimBackend', 'cuda') // throws UNKNOWN_OPTION
 */
export function checkPipelineOption(opt: string, value: OptionValue): OptionValue {
	const entry = OPTION_ENTRIES.find(([, spec]) => spec.opt === opt);
	if (!entry) return value;
	const spec = entry[1];
	const valid = validValue(spec, value);
	if (valid !== undefined) return valid;
	if (spec.type === 'choice' && !spec.integers) throw createError('UNKNOWN_OPTION', { what: `--opt ${opt}`, value: String(value), expected: allowedText(spec) });
	throw createError('BAD_ARGUMENT', { detail: `--opt ${opt} must be ${allowedText(spec)}, got ${String(value)}` });
}

/**
 * A panel's options as its link object: the options that apply and differ from their default, by
 * link key; `undefined` when there are none.
 * @example optionsToLink('colbert', { ...defaultOptions(), kernel: 'wasm' }) // { k: 'wasm' }
 */
export function optionsToLink(kind: PanelKind, options: PanelOptions): Record<string, OptionValue> | undefined {
	const out: Record<string, OptionValue> = {};
	for (const key of optionsOf(kind, options)) {
		const spec = optionSpec(key);
		if (options[key] !== spec.default) out[spec.link] = options[key];
	}
	return Object.keys(out).length ? out : undefined;
}

/**
 * A panel's options from its link object: each link key of an option that applies to `kind`, with a
 * valid value; defaults for the rest (so a state read from a link writes back the same link).
 * @example optionsFromLink('colbert', { k: 'wasm', d: 20 }) // { ...defaultOptions(), kernel: 'wasm' } (depth does not apply to ColBERT)
 */
export function optionsFromLink(kind: PanelKind, raw: Record<string, unknown>): PanelOptions {
	return readOptions(kind, (key, spec) => raw[spec.link]);
}

/**
 * Options from any source: `read(key, spec)` gives a raw value per option; valid values of options
 * that apply to `kind` (their `when` conditions checked in schema order) are kept, defaults elsewhere.
 */
export function readOptions(kind: PanelKind, read: (key: OptionKey, spec: OptionSpec) => unknown): PanelOptions {
	const options = defaultOptions() as Record<OptionKey, OptionValue>;
	for (const [key, spec] of OPTION_ENTRIES) {
		if (!optionApplies(key, kind, options as PanelOptions)) continue;
		const value = validValue(spec, read(key, spec));
		if (value !== undefined) options[key] = value;
	}
	return options as PanelOptions;
}

/**
 * The pipeline options a panel's options become (the options that apply, by their `opt` name).
 * @example pipelineOptionsOf('colbert-two-stage', defaultOptions()) // { maxsimBackend: 'auto', firstStage: 'bm25', depth: 100 }
 */
export function pipelineOptionsOf(kind: PanelKind, options: PanelOptions): Record<string, OptionValue> {
	return Object.fromEntries(optionsOf(kind, options).map((key) => [optionSpec(key).opt, options[key]]));
}

/** How a value reads: `'bi-encoder'` for first stage `dense`, `'no stemming'` for stem off, `'kernel wasm'`. */
export function valueText(key: OptionKey, value: OptionValue): string {
	const spec = optionSpec(key);
	const text = spec.text ?? spec.label;
	if (spec.type === 'switch') return value ? text : (spec.offText ?? `no ${text}`);
	if (spec.type === 'choice') return `${text} ${spec.valueLabels?.[String(value)] ?? String(value)}`;
	return `${text} ${value}`;
}

/**
 * What sets a panel's options apart from `base` (default: the defaults), as short phrases, e.g. to
 * tell two panels of the same model apart.
 * @example optionsDiffer('colbert', { ...defaultOptions(), kernel: 'js' }) // ['kernel js']
 */
export function optionsDiffer(kind: PanelKind, options: PanelOptions, base: PanelOptions = defaultOptions()): string[] {
	return optionsOf(kind, options)
		.filter((key) => options[key] !== base[key])
		.map((key) => valueText(key, options[key]));
}

/**
 * The one-line blurb of a panel, saying what a reranker reranks.
 * @example panelBlurb('cross-encoder', defaultOptions()) // 'Reads query and document together; reranks the BM25 top 100.'
 */
export function panelBlurb(kind: PanelKind, options: PanelOptions | undefined): string {
	if (!options || !KINDS[kind].reranks) return KINDS[kind].blurb;
	const first = PANEL_OPTIONS.firstStage.valueLabels?.[options.firstStage] ?? options.firstStage;
	if (KINDS[kind].lateInteraction) return `${first === 'BM25' ? 'BM25' : 'Bi-encoder'} candidates (top ${options.depth}), reranked by MaxSim.`;
	return `Reads query and document together; reranks the ${first} top ${options.depth}.`;
}
