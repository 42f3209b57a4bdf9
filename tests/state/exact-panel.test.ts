import { describe, expect, it } from 'vitest';
import { defaultOptions, type PanelId, type PanelOptions } from '../../src/lib/engine/panels';
import { exactPanelOf, isExactSetup, referenceOf, type ModelSetting } from '../../src/lib/state/exact-panel';
import { panelTitles, type PanelInstance } from '../../src/lib/state/panels';

const opts = (o: Partial<PanelOptions>): PanelOptions => ({ ...defaultOptions(), ...o });
const model = { spec: 'org/colbert', dtype: 'q8', device: 'wasm' } as const;

describe('exact panel', () => {
	it('isExactSetup(id, o) holds for fp32, unpooled, exhaustive ColBERT only', () => {
		expect(isExactSetup('colbert', defaultOptions())).toBe(true);
		expect(isExactSetup('colbert@2', opts({ storage: 'binary' }))).toBe(false);
		expect(isExactSetup('colbert@2', opts({ pool: 2 }))).toBe(false);
		expect(isExactSetup('colbert@2', opts({ candidates: 'plaid' }))).toBe(false);
		expect(isExactSetup('colbert-two-stage', defaultOptions())).toBe(false);
		expect(isExactSetup('colbert@2', defaultOptions())).toBe(true);
		expect(isExactSetup('colbert-two-stage@2', defaultOptions())).toBe(false);
		expect(isExactSetup('bi-encoder', defaultOptions())).toBe(false);
	});

	it('exactPanelOf(id, panels, options, modelOf) finds the exact panel of the same model, none for exact panels and other models', () => {
		const options: Partial<Record<PanelId, PanelOptions>> = { colbert: defaultOptions(), 'colbert@2': opts({ storage: 'binary' }), 'colbert@3': defaultOptions(), 'colbert-two-stage': defaultOptions() };
		const modelOf = (id: PanelId) => (id === 'colbert@3' ? 'other' : 'm');
		const panels: PanelId[] = ['bm25', 'colbert', 'colbert@2', 'colbert@3', 'colbert-two-stage'];
		expect(exactPanelOf('colbert@2', panels, options, modelOf)).toBe('colbert');
		expect(exactPanelOf('colbert-two-stage', panels, options, modelOf)).toBe('colbert');
		expect(exactPanelOf('colbert', panels, options, modelOf)).toBeUndefined();
		expect(exactPanelOf('bm25', panels, options, modelOf)).toBeUndefined();
		expect(exactPanelOf('colbert@2', ['colbert@2', 'colbert@3'], options, modelOf)).toBeUndefined();
	});

	it('referenceOf(...) compares a cheaper ColBERT setup with exact, and other weights or devices with fp32 weights on WASM of the same model', () => {
		const fp32 = { spec: 'org/m', dtype: 'fp32', device: 'wasm' };
		const settings: Record<string, ModelSetting> = {
			colbert: fp32,
			'colbert@2': { ...fp32, device: 'webgpu' },
			'colbert@3': { ...fp32, dtype: 'q8', device: 'webgpu' },
			'colbert@4': { ...fp32, dtype: 'q8' },
			'bi-encoder': fp32,
			'bi-encoder@2': { ...fp32, dtype: 'q8' },
			'bi-encoder@3': { ...fp32, spec: 'org/other', dtype: 'q8' },
			'bi-encoder@4': { ...fp32, dtype: 'q8', revision: 'v2' }
		};
		const settingOf = (id: PanelId) => settings[id];
		const modelOf = (id: PanelId) => (settings[id] ? JSON.stringify(settings[id]) : undefined);
		const options: Partial<Record<PanelId, PanelOptions>> = {
			colbert: defaultOptions(),
			'colbert@2': defaultOptions(),
			'colbert@3': defaultOptions(),
			'colbert@4': opts({ storage: 'binary' }),
			'bi-encoder': defaultOptions(),
			'bi-encoder@2': defaultOptions(),
			'bi-encoder@3': defaultOptions(),
			'bi-encoder@4': defaultOptions()
		};
		const panels = Object.keys(options) as PanelId[];
		const ref = (id: PanelId, within = panels) => referenceOf(id, within, options, modelOf, settingOf);
		expect(ref('colbert@2')).toEqual({ panel: 'colbert', label: 'WASM' });
		expect(ref('colbert@3')).toEqual({ panel: 'colbert', label: 'fp32 weights on WASM' });
		expect(ref('bi-encoder@2')).toEqual({ panel: 'bi-encoder', label: 'fp32 weights' });
		// The reference itself, another model, another revision: nothing to compare with.
		expect(ref('colbert')).toBeUndefined();
		expect(ref('bi-encoder')).toBeUndefined();
		expect(ref('bi-encoder@3')).toBeUndefined();
		expect(ref('bi-encoder@4')).toBeUndefined();
		// A cheaper storage with no exact panel of its own model: not compared across weights (two effects at once).
		expect(ref('colbert@4')).toBeUndefined();
		// Other options (a different first stage) are not the same panel with other weights.
		expect(referenceOf('bi-encoder@2', panels, { ...options, 'bi-encoder@2': opts({ stem: false }) }, modelOf, settingOf)).toBeUndefined();
		// The MaxSim kernel does not change what is ranked: still the same panel with other weights.
		expect(referenceOf('bi-encoder@2', panels, { ...options, 'bi-encoder@2': opts({ kernel: 'js' }) }, modelOf, settingOf)).toEqual({ panel: 'bi-encoder', label: 'fp32 weights' });
		// Only among open panels.
		expect(ref('colbert@2', ['colbert@2', 'bi-encoder'])).toBeUndefined();
	});

	it('panelTitles(added, options, sharesModel) titles a panel of the same model by what differs', () => {
		const added: PanelInstance[] = [{ id: 'colbert@2', kind: 'colbert', model: { ...model } }];
		const options = { 'colbert@2': opts({ storage: 'binary', rescore: 100 }) };
		expect(panelTitles(added, options, () => true)['colbert@2']).toBe('ColBERT (colbert, storage binary, rescore 100)');
		expect(panelTitles(added, options)['colbert@2']).toBe('ColBERT (colbert)');
	});
});
