/**
 * Which panel is the exact reference of a ColBERT panel: a panel of kind `colbert` with fp32 storage,
 * no pooling and exhaustive MaxSim, ranking with the same model (for a vectors folder without a model:
 * the same collection); and for a panel whose model runs with other weights or on another device, the
 * panel of the same model with fp32 weights on WASM. Pure functions of the panels' options and models,
 * so the page asks the worker for a drift only where one is meaningful.
 */
import { kindOf, panelKind, type PanelId, type PanelOptions } from '../engine/panels';

/**
 * True for the exact setup of a late-interaction panel: exhaustive MaxSim (a late-interaction kind that
 * reranks no first stage) with fp32 storage, no pooling and no candidate stage.
 * @example isExactSetup('colbert', defaultOptions()) // true
 */
export function isExactSetup(id: PanelId, options: PanelOptions | undefined): boolean {
	const { lateInteraction, reranks } = kindOf(id);
	if (!options || !lateInteraction || reranks) return false;
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

/** The model settings of a panel that its reference may differ in (a `ModelChoice`'s fields). */
export interface ModelSetting {
	spec: string;
	revision?: string;
	dtype: string;
	device: string;
}

/** What a panel's ranking is compared with: the panel, and what the reference is (`exact`, `fp32 weights`, `WASM`, `fp32 weights on WASM`). */
export interface PanelReference {
	panel: PanelId;
	label: string;
}

/** The model settings every other setting is compared with: full-precision weights on the WASM backend of ONNX Runtime. */
const REFERENCE_DTYPE = 'fp32';
const REFERENCE_DEVICE = 'wasm';

/**
 * The panel `id`'s ranking is compared with, if one is open:
 * - a late-interaction panel with a cheaper setup (storage, pooling, candidates): the exact panel of the
 *   same model, labelled `exact`;
 * - otherwise a panel whose model runs with other weights or on another device (q8 weights, WebGPU) —
 *   any neural kind: the panel of the same kind, options and model (spec, revision) with fp32 weights on
 *   WASM, labelled by what differs. transformers.js users report results that change silently across
 *   dtypes and devices; this makes the change visible.
 * @example
 * referenceOf('colbert@2', ['colbert', 'colbert@2'], options, modelOf, (id) => id === 'colbert' ? fp32Wasm : { ...fp32Wasm, device: 'webgpu' })
 * // { panel: 'colbert', label: 'WASM' } when both have the exact setup
 */
export function referenceOf(
	id: PanelId,
	panels: readonly PanelId[],
	options: Partial<Record<PanelId, PanelOptions>>,
	modelOf: (id: PanelId) => string | undefined,
	settingOf: (id: PanelId) => ModelSetting | undefined
): PanelReference | undefined {
	const exact = exactPanelOf(id, panels, options, modelOf);
	if (exact) return { panel: exact, label: 'exact' };
	const own = settingOf(id);
	if (!own || !kindOf(id).role) return undefined;
	const differs = [own.dtype !== REFERENCE_DTYPE ? `${REFERENCE_DTYPE} weights` : '', own.device !== REFERENCE_DEVICE ? 'WASM' : ''].filter(Boolean);
	if (differs.length === 0) return undefined;
	const same = JSON.stringify(sortedEntries(options[id]));
	const panel = panels.find((p) => {
		if (p === id || panelKind(p) !== panelKind(id) || JSON.stringify(sortedEntries(options[p])) !== same) return false;
		const s = settingOf(p);
		return s !== undefined && s.spec === own.spec && (s.revision ?? 'main') === (own.revision ?? 'main') && s.dtype === REFERENCE_DTYPE && s.device === REFERENCE_DEVICE;
	});
	return panel ? { panel, label: differs.join(' on ') } : undefined;
}

// The MaxSim kernel is left out: every kernel equals the reference to float error (tests/browser/kernels),
// so panels that differ only in it rank the same thing.
function sortedEntries(o: PanelOptions | undefined): [string, unknown][] {
	return Object.entries(o ?? {})
		.filter(([key]) => key !== 'kernel')
		.sort(([a], [b]) => a.localeCompare(b));
}
