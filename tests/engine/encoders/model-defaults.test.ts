import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, knownModel } from '../../../src/lib/engine/encoders/model-defaults';

describe('knownModel', () => {
	it('knownModel(id) gives the MODELS.md settings of the default models', () => {
		expect(knownModel('Xenova/all-MiniLM-L6-v2')?.bi).toEqual({ pooling: 'mean', maxLength: 256 });
		expect(knownModel('Xenova/bge-small-en-v1.5')?.bi).toMatchObject({ pooling: 'cls', queryPrefix: 'Represent this sentence for searching relevant passages: ' });
		expect(knownModel('answerdotai/answerai-colbert-small-v1')?.colbert).toMatchObject({ queryLength: 32, documentLength: 300, dim: 96 });
		expect(knownModel('colbert-ir/colbertv2.0')?.colbert).toMatchObject({ queryLength: 32, documentLength: 180, dim: 128 });
		expect(knownModel('Xenova/colbertv2.0')?.colbert?.projectionFrom).toEqual({ repo: 'colbert-ir/colbertv2.0', file: 'model.safetensors', key: 'linear.weight' });
	});

	it('knownModel(folder) matches a local copy by its last path segment', () => {
		expect(knownModel('/models/all-MiniLM-L6-v2')?.key).toBe('Xenova/all-MiniLM-L6-v2');
		expect(knownModel('some/unknown-model')).toBeUndefined();
	});

	it('DEFAULT_MODELS names one known model per role', () => {
		expect(knownModel(DEFAULT_MODELS['bi-encoder'])?.bi).toBeDefined();
		expect(knownModel(DEFAULT_MODELS['cross-encoder'])?.cross).toBeDefined();
		expect(knownModel(DEFAULT_MODELS.colbert)?.colbert).toBeDefined();
	});
});
