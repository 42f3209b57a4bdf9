/**
 * Arrow layout of a latelab LanceDB table, built straight from Float32Arrays (no per-number JS objects,
 * which would cost minutes at 10^5 documents), and read back the same way.
 *
 * Columns: `id` utf8, `title` utf8, `text` utf8, `vectors` List<FixedSizeList<Float32, dim>> (LanceDB's
 * multivector type), `pooled` FixedSizeList<Float32, dim> (the normalised mean, for a first phase),
 * `unit` bool (every vector of the document has length 1, which decides the distance: see `StoreMeta`).
 * The `apache-arrow` module is passed in: it must be the CommonJS instance LanceDB itself loads, since
 * LanceDB checks `instanceof` and copies foreign nested data without its children (see `LanceModules`).
 */
import type * as Arrow from 'apache-arrow';
import type { MultiVectorDoc } from '../index/serialize';
import type { TokenMatrix } from '../types';
import { isUnitRows, pooledVector } from './multivector-math';

/** Column names. */
export const COLUMNS = { id: 'id', title: 'title', text: 'text', vectors: 'vectors', pooled: 'pooled', unit: 'unit' } as const;

/** `apache-arrow`'s exports. */
export type ArrowModule = typeof Arrow;

function vectorType(arrow: ArrowModule, dim: number): Arrow.FixedSizeList<Arrow.Float32> {
	return new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true));
}

/**
 * The table schema, with `metadata` (e.g. `{ latelab: JSON }`) as schema metadata.
 * @example String(storeSchema(arrow, 96, {}).fields[3].type) // 'List<FixedSizeList[96]<Float32>>'
 */
export function storeSchema(arrow: ArrowModule, dim: number, metadata: Record<string, string>): Arrow.Schema {
	return new arrow.Schema(
		[
			new arrow.Field(COLUMNS.id, new arrow.Utf8(), false),
			new arrow.Field(COLUMNS.title, new arrow.Utf8(), false),
			new arrow.Field(COLUMNS.text, new arrow.Utf8(), false),
			new arrow.Field(COLUMNS.vectors, new arrow.List(new arrow.Field('item', vectorType(arrow, dim), true)), false),
			new arrow.Field(COLUMNS.pooled, vectorType(arrow, dim), false),
			new arrow.Field(COLUMNS.unit, new arrow.Bool(), false)
		],
		new Map(Object.entries(metadata))
	);
}

/** One row's non-vector fields. */
export interface StoreRowInfo {
	id: string;
	title: string;
	text: string;
}

/**
 * A record batch of documents as an Arrow table matching `schema`.
 * Shapes: `docs[i].matrix` nd_i x dim; `info[i]` the same document's id, title and text.
 * @example
 * const t = documentsTable(arrow, storeSchema(arrow, 2, {}), 2, [{ ids: [], tokens: [], matrix: { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 } }], [{ id: 'd1', title: '', text: 'x' }]);
 * t.numRows // 1; t.getChild('pooled') holds [0.7071, 0.7071]; t.getChild('unit') holds [true]
 */
export function documentsTable(arrow: ArrowModule, schema: Arrow.Schema, dim: number, docs: readonly MultiVectorDoc[], info: readonly StoreRowInfo[]): Arrow.Table {
	const n = docs.length;
	let total = 0;
	for (const d of docs) total += d.matrix.rows;
	const floats = new Float32Array(total * dim);
	const offsets = new Int32Array(n + 1);
	const pooled = new Float32Array(n * dim);
	const units: boolean[] = [];
	let row = 0;
	docs.forEach((d, i) => {
		if (d.matrix.dim !== dim) throw new RangeError(`document ${info[i]?.id}: dim ${d.matrix.dim}, the store holds ${dim}`);
		floats.set(d.matrix.data.subarray(0, d.matrix.rows * dim), row * dim);
		row += d.matrix.rows;
		offsets[i + 1] = row;
		pooled.set(pooledVector(d.matrix), i * dim);
		units.push(isUnitRows(d.matrix));
	});
	const fsl = vectorType(arrow, dim);
	const floatData = (data: Float32Array) => arrow.makeData({ type: new arrow.Float32(), length: data.length, data, nullCount: 0 });
	const vectors = arrow.makeData({
		type: new arrow.List(new arrow.Field('item', fsl, true)),
		length: n,
		nullCount: 0,
		valueOffsets: offsets,
		child: arrow.makeData({ type: fsl, length: total, nullCount: 0, child: floatData(floats) })
	});
	const pooledData = arrow.makeData({ type: fsl, length: n, nullCount: 0, child: floatData(pooled) });
	const strings = (values: string[]) => arrow.vectorFromArray(values, new arrow.Utf8()).data[0];
	const children = [
		strings(info.map((r) => r.id)),
		strings(info.map((r) => r.title)),
		strings(info.map((r) => r.text)),
		vectors,
		pooledData,
		arrow.vectorFromArray(units, new arrow.Bool()).data[0]
	];
	const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children });
	return new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
}

/**
 * The multivectors of a `vectors` column read from a query result, one `TokenMatrix` per row (copies),
 * following each chunk's offsets (results may be sliced).
 * @example readMultiVectors(t.getChild('vectors'), 2)[0] // { data: Float32Array [1, 0, 0, 1], rows: 2, dim: 2 }
 */
export function readMultiVectors(column: Arrow.Vector | null, dim: number): TokenMatrix[] {
	const out: TokenMatrix[] = [];
	if (!column) return out;
	for (const data of column.data) {
		// arrow-js slices buffers, not just offsets: `valueOffsets` starts at this chunk's first row and
		// the float child's `values` at the FixedSizeList's first item, so indices need no `offset`.
		const offsets = data.valueOffsets as Int32Array;
		const values = data.children[0].children[0].values as Float32Array;
		for (let i = 0; i < data.length; i++) {
			const start = offsets[i];
			const end = offsets[i + 1];
			out.push({ data: values.slice(start * dim, end * dim), rows: end - start, dim });
		}
	}
	return out;
}

/** The strings of a utf8 column of a query result. @example readStrings(t.getChild('id')) // ['d1'] */
export function readStrings(column: Arrow.Vector | null): string[] {
	return column ? (column.toArray() as string[]).map(String) : [];
}
