/**
 * What this browser remembers of the model bar (localStorage `latelab:models`): the Hub, the choice per
 * role and which roles were loaded, so a reload loads them again. Storage can hold anything (an older
 * version's shape, a hand edit): fields that do not check out are dropped, the rest is kept.
 */
import { ROLES } from '../engine/panels';
import type { ModelRole } from '../engine/pipelines/registry';
import { isDevice, isDtype, type ModelChoice } from '../worker/neural/protocol';

export const MODEL_BAR_KEY = 'latelab:models';

export interface SavedModelBar {
	hub?: string;
	choices?: Partial<Record<ModelRole, Partial<ModelChoice>>>;
	loaded?: ModelRole[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A saved choice's valid fields (spec, dtype, device, revision); the model bar fills the rest with defaults. */
function choiceFields(raw: unknown): Partial<ModelChoice> | undefined {
	if (!isObject(raw)) return undefined;
	const out: Partial<ModelChoice> = {};
	if (typeof raw.spec === 'string' && raw.spec.trim()) out.spec = raw.spec;
	if (isDtype(raw.dtype)) out.dtype = raw.dtype;
	if (isDevice(raw.device)) out.device = raw.device;
	if (typeof raw.revision === 'string' && raw.revision) out.revision = raw.revision;
	return Object.keys(out).length ? out : undefined;
}

/**
 * Reads the saved model bar; unreadable JSON or a wrong shape reads as nothing saved.
 * @example readModelBar('{"loaded":["colbert","nope"]}') // { loaded: ['colbert'] }
 */
export function readModelBar(text: string | null | undefined): SavedModelBar {
	let raw: unknown;
	try {
		raw = JSON.parse(text ?? '{}');
	} catch {
		return {};
	}
	if (!isObject(raw)) return {};
	const saved: SavedModelBar = {};
	if (typeof raw.hub === 'string' && raw.hub.trim()) saved.hub = raw.hub;
	if (isObject(raw.choices)) {
		const choices: SavedModelBar['choices'] = {};
		for (const role of ROLES) {
			const c = choiceFields(raw.choices[role]);
			if (c) choices[role] = c;
		}
		if (Object.keys(choices).length) saved.choices = choices;
	}
	if (Array.isArray(raw.loaded)) saved.loaded = ROLES.filter((r) => (raw.loaded as unknown[]).includes(r));
	return saved;
}
