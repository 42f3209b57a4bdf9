/**
 * The loaded models in the page address (`?models=`), so a shared link opens with the same models:
 * one `role~spec~dtype~device` entry per loaded role, comma-separated. Input from the URL is untrusted:
 * unknown roles, dtypes or devices are dropped, not guessed.
 * @example modelsToParam([{ role: 'colbert', choice: { spec: 'org/m', dtype: 'q8', device: 'wasm' } }]) // 'colbert~org/m~q8~wasm'
 */
import { ROLES } from '../engine/panels';
import type { ModelRole } from '../engine/pipelines/registry';
import { isDevice, isDtype, type ModelChoice } from '../worker/neural/protocol';

export interface RoleChoice {
	role: ModelRole;
	choice: ModelChoice;
}

export function modelsToParam(list: RoleChoice[]): string {
	return list.map(({ role, choice }) => [role, choice.spec, choice.dtype, choice.device].join('~')).join(',');
}

/** Parses `?models=`; entries that do not check out are skipped. @example modelsFromParam('colbert~org/m~q8~wasm,x~y') // [{ role: 'colbert', choice: { spec: 'org/m', dtype: 'q8', device: 'wasm' } }] */
export function modelsFromParam(value: string | null | undefined): RoleChoice[] {
	if (!value) return [];
	const out: RoleChoice[] = [];
	for (const entry of value.split(',')) {
		const [role, spec, dtype, device] = entry.split('~');
		if (!ROLES.includes(role as ModelRole) || !spec || spec.length > 300) continue;
		if (!isDtype(dtype) || !isDevice(device)) continue;
		if (out.some((r) => r.role === role)) continue;
		out.push({ role: role as ModelRole, choice: { spec, dtype, device } });
	}
	return out;
}

/** The address's query string with `models` and `hub` set (or removed when empty / the default). */
export function searchWithModels(search: string, models: string, hub: string, defaultHub: string): string {
	const params = new URLSearchParams(search);
	if (models) params.set('models', models);
	else params.delete('models');
	if (hub && hub !== defaultHub) params.set('hub', hub);
	else params.delete('hub');
	const s = params.toString();
	return s ? `?${s}` : '';
}

/**
 * Why `url` cannot be a Hub address (models are fetched from `<hub><id>/resolve/<revision>/<file>`), or
 * undefined when it can: an absolute http or https address.
 * @example hubAddressProblem('not a url') // '“not a url” is not a web address: enter one that starts with https:// (the Hugging Face Hub is https://huggingface.co/)'
 */
export function hubAddressProblem(url: string): string | undefined {
	const text = url.trim();
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		return `“${text}” is not a web address: enter one that starts with https:// (the Hugging Face Hub is https://huggingface.co/)`;
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `“${text}” uses ${parsed.protocol}, not https: or http: (a Hub is reached over https://, or http:// for one on this computer)`;
	return undefined;
}
