import { describe, expect, it } from 'vitest';
import { docRecord, docsOf, putDocs, withIndexedDb } from '../../../src/lib/engine/store/idb-docs';

const doc = { data: Float32Array.of(1, 0, 0, 1, 9, 9), rows: 2, dim: 2 }; // two extra floats of a shared batch buffer

describe('idb-docs', () => {
	it('docRecord(doc) copies exactly rows x dim floats; docsOf(records, rows, label) reads them back in order', () => {
		const record = docRecord(doc);
		expect(record.data.byteLength).toBe(16);
		expect(docsOf([record, record], [4, 7], 'x')).toEqual([{ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }, { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }]);
	});

	it('docsOf(records, rows, label) with a missing record fails with BAD_ARGUMENT naming its row', () => {
		expect(() => docsOf([docRecord(doc), undefined], [4, 7], 'IndexedDB t')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringContaining('IndexedDB t: no document 7') }));
	});

	it('putDocs(docs, put) hands each record with its place and returns the bytes queued', () => {
		const seen: [number, number][] = [];
		expect(putDocs([doc, { data: Float32Array.of(3), rows: 1, dim: 1 }], (record, i) => void seen.push([i, record.data.byteLength]))).toBe(20);
		expect(seen).toEqual([[0, 16], [1, 4]]);
	});

	it('withIndexedDb(factory, open) runs open with factory as globalThis.indexedDB and puts the previous one back, also on a throw', () => {
		const previous = globalThis.indexedDB;
		const factory = {} as IDBFactory;
		expect(withIndexedDb(factory, () => globalThis.indexedDB)).toBe(factory);
		expect(() => withIndexedDb(factory, () => { throw new Error('open failed'); })).toThrow('open failed');
		expect(globalThis.indexedDB).toBe(previous);
	});
});
