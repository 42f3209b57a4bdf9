import { describe, expect, it } from 'vitest';
import {
	checkPipelineOption,
	defaultOptions,
	KINDS,
	optionApplies,
	optionsDiffer,
	optionsFromLink,
	optionsOf,
	optionsToLink,
	PANEL_KINDS,
	PANEL_OPTIONS,
	panelBlurb,
	pipelineOptionsOf,
	roleOfPanel,
	type OptionSpec,
	type PanelOptions
} from '../../../src/lib/engine/panels';

const opts = (o: Partial<PanelOptions> = {}): PanelOptions => ({ ...defaultOptions(), ...o });

describe('panel kinds', () => {
	it('KINDS names each kind\'s role, pipeline and whether it reranks', () => {
		expect(PANEL_KINDS).toEqual(['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage']);
		expect(PANEL_KINDS.filter((k) => KINDS[k].reranks)).toEqual(['cross-encoder', 'colbert-two-stage']);
		expect(PANEL_KINDS.map((k) => KINDS[k].pipeline)).toEqual(['bm25', 'dense', 'cross', 'colbert', 'colbert-rerank']);
		expect(roleOfPanel('colbert-two-stage@3')).toBe('colbert');
		expect(roleOfPanel('bm25')).toBeUndefined();
	});
});

describe('panel options', () => {
	it('optionsOf(kind, o) lists the options that apply to each kind, in control order', () => {
		expect(optionsOf('bm25', defaultOptions())).toEqual(['stem']);
		expect(optionsOf('bi-encoder', defaultOptions())).toEqual([]);
		expect(optionsOf('cross-encoder', defaultOptions())).toEqual(['firstStage', 'depth']);
		expect(optionsOf('colbert', defaultOptions())).toEqual(['kernel', 'pool', 'candidates', 'storage']);
		expect(optionsOf('colbert-two-stage', defaultOptions())).toEqual(['kernel', 'firstStage', 'depth', 'pool']);
	});

	it('optionApplies(key, kind, o, table) follows a `when` condition: an option shown only while another has a value', () => {
		// The shape a later storage option takes: `bits` only when `storage` is `residual`.
		const table: Record<string, OptionSpec> = {
			storage: { type: 'choice', label: 'storage', kinds: ['colbert'], values: ['fp32', 'residual'], default: 'fp32', link: 'sg', opt: 'storage' },
			bits: { type: 'choice', label: 'residual bits', kinds: ['colbert'], values: [1, 2], default: 2, link: 'rb', opt: 'bits', when: { option: 'storage', is: ['residual'] } }
		};
		const with_ = (storage: string) => ({ ...defaultOptions(), storage, bits: 2 }) as unknown as PanelOptions;
		expect(optionApplies('bits' as never, 'colbert', with_('fp32'), table)).toBe(false);
		expect(optionApplies('bits' as never, 'colbert', with_('residual'), table)).toBe(true);
		expect(optionApplies('bits' as never, 'bm25', with_('residual'), table)).toBe(false);
	});

	it('optionsToLink(kind, o) keeps the options that apply and differ, by link key; optionsFromLink reads them back', () => {
		const o = opts({ kernel: 'wasm', stem: false, depth: 20 });
		expect(optionsToLink('colbert', o)).toEqual({ k: 'wasm' });
		expect(optionsToLink('bm25', o)).toEqual({ st: false });
		expect(optionsToLink('colbert-two-stage', o)).toEqual({ k: 'wasm', d: 20 });
		expect(optionsToLink('bi-encoder', o)).toBeUndefined();
		expect(optionsFromLink('bm25', { st: false })).toEqual(opts({ stem: false }));
		// Untrusted input: wrong types, out-of-range numbers and unknown values fall back to the default.
		expect(optionsFromLink('colbert-two-stage', { k: 'cuda', f: 'dense', d: 5000, st: 'no' })).toEqual(opts({ firstStage: 'dense' }));
	});

	it('pipelineOptionsOf(kind, o) names each applying option by its pipeline key (the CLI\'s --opt key)', () => {
		expect(pipelineOptionsOf('bm25', opts({ stem: false }))).toEqual({ stem: false });
		expect(pipelineOptionsOf('colbert-two-stage', opts({ kernel: 'js' }))).toEqual({ maxsimBackend: 'js', firstStage: 'bm25', depth: 100, pool: 1 });
		expect(PANEL_OPTIONS.kernel.opt).toBe('maxsimBackend');
	});

	it('checkPipelineOption(opt, v) checks keys the schema knows and passes unknown keys through', () => {
		expect(checkPipelineOption('stem', false)).toBe(false);
		expect(checkPipelineOption('maxsimBackend', 'wasm')).toBe('wasm');
		expect(() => checkPipelineOption('maxsimBackend', 'cuda')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
		expect(() => checkPipelineOption('stem', 'no')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(checkPipelineOption('storage', 'int8')).toBe('int8');
	});

	it('optionsDiffer(kind, o) and panelBlurb(kind, o) say what a panel\'s options change', () => {
		expect(optionsDiffer('colbert', opts({ kernel: 'js', stem: false }))).toEqual(['kernel js']);
		expect(optionsDiffer('bm25', opts({ stem: false }))).toEqual(['no stemming']);
		expect(optionsDiffer('cross-encoder', opts({ firstStage: 'dense', depth: 20 }))).toEqual(['first stage bi-encoder', 'top 20']);
		expect(panelBlurb('cross-encoder', opts({ depth: 50 }))).toBe('Reads query and document together; reranks the BM25 top 50.');
		expect(panelBlurb('colbert-two-stage', opts({ firstStage: 'dense' }))).toBe('Bi-encoder candidates (top 100), reranked by MaxSim.');
		expect(panelBlurb('bm25', opts())).toBe(KINDS.bm25.blurb);
	});
});
