/**
 * Which panel is the exact reference of a ColBERT panel: a panel of kind `colbert` with fp32 storage,
 * no pooling and exhaustive MaxSim, ranking with the same model (for a vectors folder without a model:
 * the same collection). Pure functions of the panels' options and models, so the page asks the worker
 * for a drift only where one is meaningful.
 */
import { kindOf, panelKind, type PanelId, type PanelOptions } from '../engine/panels';

/** True for the exact setup of a late-interaction panel. @example isExactSetup('colbert', defaultOptions()) // true */
export function isExactSetup(id: PanelId, options: PanelOptions | undefined): boolean {
	if (!options || panelKind(id) !== 'colbert') return false;
	return options.candidates === 'exhaustive' && options.storage === 'fp32' && options.pool === 1;
}

/**
 * The exact panel to compare `id` with among `panels` (in order), or undefined when `id` is exact
 * itself, not late interaction, or no exact panel of its model is open.
 * @example exactPanelOf('colbert@2', ['bm25', 'colbert', 'colbert@2'], options, modelOf) // 'colbert' (same model)
 */
export function exactPanelOf(id: PanelId, panels: readonly PanelId[], options: Partial<Record<PanelId, PanelOptions>>, modelOf: (id: PanelId) => string | undefined): PanelId | undefined {
	if (!kindOf(id).lateInteraction || isExactSetup(id, options[id])) return undefined;
	const model = modelOf(id);
	return panels.find((p) => p !== id && isExactSetup(p, options[p]) && modelOf(p) === model);
}
