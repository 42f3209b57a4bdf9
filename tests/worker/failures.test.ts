import { describe, expect, it } from 'vitest';
import { createError } from '../../src/lib/engine/errors';
import { toFailure } from '../../src/lib/worker/failures';

describe('toFailure', () => {
	it('createError(code, params) keeps its params, so a fix reads them instead of parsing the message', () => {
		const error = createError('MODEL_FILE_MISSING', { path: '/models/x', file: 'tokenizer.json', detail: '' });
		expect(error.params).toEqual({ path: '/models/x', file: 'tokenizer.json', detail: '' });
		expect(toFailure(error, { dtype: 'q8' }).fix).toContain('This model has no tokenizer.json');
	});

	it('toFailure(MODEL_FILE_MISSING for an ONNX file) points at the dtype the load asked for', () => {
		const failure = toFailure(createError('MODEL_FILE_MISSING', { path: 'org/m', file: 'onnx/model_quantized.onnx', detail: '' }), { dtype: 'q8' });
		expect(failure.code).toBe('MODEL_FILE_MISSING');
		expect(failure.fix).toContain('you asked for q8');
	});

	it('toFailure(MODEL_FILE_MISSING for config.json) says no model answers at that Hub id, or that a folder is not a model folder; never the dtype', () => {
		const hub = toFailure(createError('MODEL_FILE_MISSING', { path: 'Hub repo nobody/no-such-model@main (https://hub.test/)', file: 'config.json', detail: ' (HTTP 404: wrong model id, revision or file name?)' }), { dtype: 'q8' });
		expect(hub.message).toBe('Hub repo nobody/no-such-model@main (https://hub.test/) lacks config.json (HTTP 404: wrong model id, revision or file name?)');
		expect(hub.fix).toMatch(/^No model answers at this id and revision: check its spelling/);
		expect(hub.fix).not.toContain('dtype');
		const folder = toFailure(createError('MODEL_FILE_MISSING', { path: 'model folder /models/notes', file: 'config.json', detail: '' }), { dtype: 'q8' });
		expect(folder.message).toBe('model folder /models/notes lacks config.json');
		expect(folder.fix).toMatch(/^This folder is not a model folder \(it has no config.json\)/);
	});

	it('toFailure(OFFLINE) names the Hub host and the address that failed, and a browser "Failed to fetch" is OFFLINE too', () => {
		const offline = toFailure(createError('OFFLINE', { url: 'https://hub.test/org/m/resolve/main/config.json', detail: 'fetch failed' }), { hub: 'https://hub.test/' });
		expect(offline.message).toBe('Cannot reach hub.test (fetching https://hub.test/org/m/resolve/main/config.json failed)');
		expect(offline.fix).toContain('static/models/<name>/');
		const browser = toFailure(new TypeError('Failed to fetch'), { hub: 'https://hub.test/' });
		expect(browser).toMatchObject({ code: 'OFFLINE', message: 'Cannot reach hub.test' });
		expect(toFailure(new Error('boom')).code).toBe('INTERNAL');
	});
});
