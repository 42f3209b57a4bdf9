import { describe, expect, it } from 'vitest';
import { checkPipelineOption, defaultOptions, optionsDiffer, optionsFromLink, optionsOf, optionsToLink, pipelineOptionsOf, PANEL_OPTIONS, type PanelOptions } from '../../../src/lib/engine/panels';

const opts = (o: Partial<PanelOptions>): PanelOptions => ({ ...defaultOptions(), ...o });

describe('ColBERT cost options (issue 12)', () => {
	it('PANEL_OPTIONS labels the controls "Storage", "Pool factor", "Rescore depth", "Candidates"', () => {
		expect([PANEL_OPTIONS.storage.label, PANEL_OPTIONS.pool.label, PANEL_OPTIONS.rescore.label, PANEL_OPTIONS.candidates.label]).toEqual(['Storage', 'Pool factor', 'Rescore depth', 'Candidates']);
	});

	it('optionsOf(colbert, o) shows each candidate stage\'s parameters and the storage options only where chosen', () => {
		expect(optionsOf('colbert', opts({ storage: 'binary' }))).toEqual(['kernel', 'pool', 'candidates', 'storage', 'rescore']);
		expect(optionsOf('colbert', opts({ storage: 'residual' }))).toEqual(['kernel', 'pool', 'candidates', 'storage', 'bits', 'rescore', 'centroids']);
		expect(optionsOf('colbert', opts({ candidates: 'muvera', storage: 'binary' }))).toEqual(['kernel', 'pool', 'candidates', 'muveraDepth', 'kSim']);
		expect(optionsOf('colbert', opts({ candidates: 'plaid' }))).toEqual(['kernel', 'pool', 'candidates', 'nprobe', 'ndocs', 'plaidBits', 'centroids']);
	});

	it('pipelineOptionsOf(colbert, o) gives the pipelines their option names', () => {
		expect(pipelineOptionsOf('colbert', opts({ kernel: 'js', storage: 'binary', rescore: 100, pool: 2 }))).toEqual({ maxsimBackend: 'js', pool: 2, candidates: 'exhaustive', storage: 'binary', rescore: 100 });
		expect(pipelineOptionsOf('colbert', opts({ kernel: 'js', candidates: 'plaid', nprobe: 2 }))).toEqual({ maxsimBackend: 'js', pool: 1, candidates: 'plaid', ncells: 2, ndocs: 256, bits: 2, centroids: 'auto' });
		expect(pipelineOptionsOf('colbert', opts({ kernel: 'js', candidates: 'muvera' }))).toEqual({ maxsimBackend: 'js', pool: 1, candidates: 'muvera', depth: 100, kSim: 5 });
	});

	it('optionsToLink / optionsFromLink round-trip the options, and an old link opens with the defaults', () => {
		const o = opts({ storage: 'binary', rescore: 100, pool: 2 });
		const link = optionsToLink('colbert', o)!;
		expect(link).toEqual({ sf: 'binary', rs: 100, pf: 2 });
		expect(optionsFromLink('colbert', link)).toEqual(o);
		expect(optionsFromLink('colbert', { k: 'wasm' })).toEqual(opts({ kernel: 'wasm' }));
		// rescore without a compressed storage format does not apply: dropped, as a stale link's would be.
		expect(optionsFromLink('colbert', { rs: 50 })).toEqual(defaultOptions());
	});

	it('optionsOf(colbert, o) shows Centroids while candidates is PLAID or storage is residual (a `when` list: any condition)', () => {
		expect(PANEL_OPTIONS.centroids.label).toBe('Centroids');
		expect(optionsOf('colbert', opts({ candidates: 'plaid', storage: 'residual' }))).toContain('centroids');
		expect(optionsOf('colbert', opts({ storage: 'binary' }))).not.toContain('centroids');
		expect(optionsOf('colbert', opts({ candidates: 'muvera', storage: 'residual' }))).not.toContain('centroids');
		expect(optionsOf('colbert-two-stage', opts({ candidates: 'plaid' }))).not.toContain('centroids');
		expect(pipelineOptionsOf('colbert', opts({ storage: 'residual', centroids: 1024 }))).toMatchObject({ storage: 'residual', centroids: 1024 });
	});

	it('optionsToLink / optionsFromLink round-trip Centroids under "ce"; a link without it (or a stale one) opens at auto', () => {
		const plaid = opts({ candidates: 'plaid', centroids: 4096 });
		expect(optionsToLink('colbert', plaid)).toEqual({ cs: 'plaid', ce: 4096 });
		expect(optionsFromLink('colbert', { cs: 'plaid', ce: 4096 })).toEqual(plaid);
		expect(optionsFromLink('colbert', { sf: 'residual', ce: 256 })).toEqual(opts({ storage: 'residual', centroids: 256 }));
		// Any integer in range is valid in a link (as on the CLI), though the control offers the presets.
		expect(optionsFromLink('colbert', { cs: 'plaid', ce: 512 }).centroids).toBe(512);
		expect(optionsFromLink('colbert', { cs: 'plaid' }).centroids).toBe('auto');
		expect(optionsToLink('colbert', opts({ candidates: 'plaid' }))).toEqual({ cs: 'plaid' });
		expect(optionsFromLink('colbert', { cs: 'plaid', ce: 'lots' }).centroids).toBe('auto');
		expect(optionsFromLink('colbert', { cs: 'plaid', ce: 0.5 }).centroids).toBe('auto');
		// Not PLAID nor residual: the key does not apply and is dropped.
		expect(optionsFromLink('colbert', { ce: 1024 })).toEqual(defaultOptions());
	});

	it('checkPipelineOption(centroids, v) takes auto or any integer in 1..2^20 (the CLI\'s --opt centroids=N)', () => {
		expect(checkPipelineOption('centroids', 'auto')).toBe('auto');
		expect(checkPipelineOption('centroids', 128)).toBe(128);
		expect(checkPipelineOption('centroids', 16384)).toBe(16384);
		expect(() => checkPipelineOption('centroids', 0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => checkPipelineOption('centroids', 'many')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
	});

	it('optionsDiffer(colbert, o) labels what sets a panel apart', () => {
		expect(optionsDiffer('colbert', opts({ storage: 'binary', rescore: 100 }))).toEqual(['storage binary', 'rescore 100']);
		expect(optionsDiffer('colbert', opts({ pool: 2 }))).toEqual(['pool 2']);
		expect(optionsDiffer('colbert', opts({ candidates: 'plaid' }))).toEqual(['candidates PLAID']);
	});

	it('checkPipelineOption checks storage, pool and rescore for the CLI too', () => {
		expect(() => checkPipelineOption('storage', 'int4')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
		expect(() => checkPipelineOption('pool', 0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(checkPipelineOption('rescore', 100)).toBe(100);
		// k_sim and nprobe keep the pipelines' own checks (the schema sets their aliases kSim / ncells).
		expect(checkPipelineOption('nprobe', 0)).toBe(0);
	});
});
