import { describe, expect, it } from 'vitest';
import { hubAddressProblem, modelsFromParam, modelsToParam, searchWithModels } from '../../src/lib/state/url-models';

describe('models in the address', () => {
	it('modelsFromParam(modelsToParam(list)) round-trips Hub ids and folders', () => {
		const list = [
			{ role: 'colbert' as const, choice: { spec: 'latelab-test/tiny-colbert-pylate', dtype: 'fp32' as const, device: 'wasm' as const } },
			{ role: 'bi-encoder' as const, choice: { spec: '/models/all-MiniLM-L6-v2', dtype: 'q8' as const, device: 'webgpu' as const } }
		];
		expect(modelsFromParam(modelsToParam(list))).toEqual(list);
	});

	it('modelsFromParam(value) drops unknown roles, dtypes and devices and repeated roles', () => {
		expect(modelsFromParam('colbert~a/b~fp32~wasm,colbert~c/d~fp32~wasm,nope~a/b~fp32~wasm,bi-encoder~a/b~fp64~wasm,cross-encoder~a/b~q8~cuda')).toEqual([
			{ role: 'colbert', choice: { spec: 'a/b', dtype: 'fp32', device: 'wasm' } }
		]);
		expect(modelsFromParam(null)).toEqual([]);
	});

	it('searchWithModels(search, models, hub, default) keeps other parameters and omits the default Hub', () => {
		expect(searchWithModels('?x=1', 'colbert~a/b~q8~wasm', 'https://huggingface.co/', 'https://huggingface.co/')).toBe('?x=1&models=colbert%7Ea%2Fb%7Eq8%7Ewasm');
		expect(searchWithModels('?models=old&hub=h', '', 'http://127.0.0.1:1/', 'https://huggingface.co/')).toBe('?hub=http%3A%2F%2F127.0.0.1%3A1%2F');
	});

	it('hubAddressProblem(url) accepts http(s) addresses and says what is wrong with anything else', () => {
		expect(hubAddressProblem('https://huggingface.co/')).toBeUndefined();
		expect(hubAddressProblem(' http://127.0.0.1:8080 ')).toBeUndefined();
		expect(hubAddressProblem('not a url')).toBe('“not a url” is not a web address: enter one that starts with https:// (the Hugging Face Hub is https://huggingface.co/)');
		expect(hubAddressProblem('huggingface.co')).toMatch(/is not a web address/);
		expect(hubAddressProblem('ftp://example.com/')).toBe('“ftp://example.com/” uses ftp:, not https: or http: (a Hub is reached over https://, or http:// for one on this computer)');
	});
});
