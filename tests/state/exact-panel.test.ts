import { describe, expect, it } from 'vitest';
import { defaultOptions, type PanelId, type PanelOptions } from '../../src/lib/engine/panels';
import { exactPanelOf, isExactSetup } from '../../src/lib/state/exact-panel';
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

	it('panelTitles(added, options, sharesModel) titles a panel of the same model by what differs', () => {
		const added: PanelInstance[] = [{ id: 'colbert@2', kind: 'colbert', model: { ...model } }];
		const options = { 'colbert@2': opts({ storage: 'binary', rescore: 100 }) };
		expect(panelTitles(added, options, () => true)['colbert@2']).toBe('ColBERT (colbert, storage binary, rescore 100)');
		expect(panelTitles(added, options)['colbert@2']).toBe('ColBERT (colbert)');
	});
});
