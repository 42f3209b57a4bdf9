import { describe, expect, it } from 'vitest';
import { costColumns, qualityCostData, qualityCostRows, rowText, type PanelMeasure } from '../../../src/lib/components/explorer/explorer-data';

const fp32 = { documents: 2, vectors: 10, bytes: 3840, bytesPerDocument: 1920, format: 'fp32', buildMs: 5 };
const binary = { documents: 2, vectors: 10, bytes: 120, bytesPerDocument: 60, format: 'binary', buildMs: 3 };
const measures: PanelMeasure[] = [
	{ panel: 'bm25', label: 'BM25', exact: false, queryMs: 1, quality: 0.5 },
	{ panel: 'colbert', label: 'ColBERT', model: 'm', exact: true, index: fp32, queryMs: 5, quality: 0.7 },
	{ panel: 'colbert@2', label: 'binary', model: 'm', exact: false, index: binary, queryMs: 2, quality: 0.6 },
	{ panel: 'colbert@3', label: 'other model', model: 'n', exact: false, index: binary, fp32Bytes: 480, queryMs: NaN }
];

describe('qualityCostRows', () => {
	it('qualityCostRows(measures) keeps panels with an index, factors against the same model\'s exact panel', () => {
		const rows = qualityCostRows(measures);
		expect(rows.map((r) => r.panel)).toEqual(['colbert', 'colbert@2', 'colbert@3']);
		expect(rows[0]).toMatchObject({ exact: true, factor: 1, factorOf: 'exact', queryMs: 5, quality: 0.7 });
		expect(rows[1]).toMatchObject({ bytes: 120, bytesPerDocument: 60, factorOf: 'exact', buildMs: 3, queryMs: 2, quality: 0.6 });
		expect(rows[1].factor).toBeCloseTo(1 / 32, 12);
	});

	it('qualityCostRows(measures) falls back to the fp32 size of the vectors when the model has no exact panel', () => {
		const row = qualityCostRows(measures)[2];
		expect(row).toMatchObject({ factor: 0.25, factorOf: 'fp32' });
		expect(row.queryMs).toBeNaN();
		expect(row.quality).toBeNaN();
	});

	it('qualityCostData(rows) gives one chart point per row with the same numbers', () => {
		const rows = qualityCostRows(measures);
		expect(qualityCostData(rows)[1]).toEqual({ id: 'colbert@2', label: 'binary', bytes: 120, quality: 0.6, queryMs: 2, exact: false });
	});

	it('costColumns(row) gives raw numbers for exports, empty for unknown ones', () => {
		const rows = qualityCostRows(measures);
		expect(costColumns(rows[1])).toEqual({ index_bytes: 120, bytes_per_doc: 60, factor_vs_exact: 1 / 32, build_ms: 3, median_query_ms: 2 });
		expect(costColumns(rows[2]).median_query_ms).toBe('');
		expect(costColumns(undefined).index_bytes).toBe('');
	});

	it('rowText(row) formats like the chart tooltip', () => {
		expect(rowText(qualityCostRows(measures)[1])).toEqual({ bytes: '120 B', perDoc: '60 B', factor: '0.031× exact', build: '3.0 ms', query: '2.0 ms', quality: '0.600' });
	});
});
