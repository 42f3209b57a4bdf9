/**
 * Source of the WASM kernels of the compressed storage formats of issue 10 (`int8`, `binary`): a
 * TypeScript template that writes WAT, assembled by `kernels/build-kernels.ts` like the f32 kernels
 * of `maxsim-template.ts` (whose design notes, ../shared/docs/KERNELS.md, apply here too).
 * Measurements: `docs/BENCHMARKS.md` (MaxSim storage formats in Node).
 *
 * `score_binary(q, qRows, nBytes, dim, table, first, end, out)`, token similarity `1 - 2 hamming / dim`:
 * - Query in lanes: the query's rows are binarised and taken 16 at a time (a "group", one u8 lane per
 *   row); groups go in pairs (2 accumulators share each doc load), a last unpaired group alone. Rows
 *   past `qRows` are zero and masked out at the end.
 * - Doc: its tokens' bits as they are stored, `nBytes = ceil(dim / 8)` bytes per token, no padding
 *   (bit k of a token is bit k % 8 of byte k >> 3, the byte order of `encodeBinary`'s words).
 * - Up to 31 bytes per token (dim <= 248): the query is stored as byte tables: for doc byte b and
 *   byte value v, one 16-byte vector per group = `popcount(byte b of each row xor v)`. A token's
 *   distances to 16 rows are then one table load + one `i8x16.add` per byte, the table offset
 *   computed from the doc word with one shift and one mask (FAISS's fast-scan lookup tables, turned
 *   around: query in the lanes, doc bytes as scalar indices). On x64 in V8 (Node 20 emits no
 *   `vpopcntb`), `i8x16.popcnt` is ~10 instructions (two `vpshufb` nibble lookups plus reloaded
 *   constants): nibble tables (two loads per byte, 16x smaller) measured 1.3x faster than xor +
 *   popcount, and byte tables 1.3-1.8x faster than nibble tables, bit for bit the same (dim 96-248,
 *   16 and 32 rows; docs/BENCHMARKS.md). A pair's tables are `nBytes x 8 KiB` (96 KiB at dim 96): in
 *   L2, mostly in L1; the loads are independent, so their latency overlaps. Per-lane sums stay u8 (<= 248).
 * - Longer tokens: single groups of the rows' bytes (for byte b, 16 bytes: byte b of each row); per
 *   doc token `v128.load8_splat` of each byte, xor, `i8x16.popcnt`, summed in u8 lanes for 31-byte
 *   chunks, each widened into two u16 accumulators (dims up to 65535).
 * - A lane-wise min (`i8x16.min_u` / `i16x8.min_u`) keeps each row's nearest token (max similarity =
 *   min distance), so there is no horizontal step per token, only one masked sum per doc and group.
 * - Table: 16 bytes per doc: i32 offset, i32 rows, unused, unused.
 * - `out[e] = qRows - 2 H / dim` (f32), H = sum over rows of the minimum distance; 0 for an empty doc.
 *
 * `score_int8(q, nGroups, dimP, table, first, end, out, scratch, qInv, wide)`, token similarity `q · (s v)`:
 * - Doc: the i16 panel layout of `maxsim-template.ts` narrowed to int8 codes, in blocks of
 *   `INT8_BLOCK_PANELS` (2) panels of 4 tokens (padded by repeating the last token, code and scale):
 *   per component pair kk and panel, 8 bytes `(v[t][2kk], v[t][2kk+1])` for t = 0..3; then the
 *   tokens' float32 scales, 4 per panel, in order.
 * - Blocks outermost, row groups inside: each block is sign-extended to i16 once (`v128.load8x8_s`
 *   into `wide`, dimP x 16 bytes, in L1) and then read with plain loads by every row group. The
 *   extend is a vector uop (`vpmovsxbw`) competing with the dot products for the same three ports, a
 *   load is not: extending per block and group cost 2 of every 18 vector uops of the k loop; per
 *   block, 1 of 64 (1.08-1.10x faster, A and B, paired rounds, bit for bit the same scores;
 *   docs/BENCHMARKS.md).
 * - Query: int16 (`packQueryInt8Rows`), rows in groups of `INT8_ROWS` (4): per kk the pair of each row
 *   in turn, already splatted (the pair repeated 4 times, 16 bytes per row, 64 per kk); quantised with
 *   one scale (`qInv` = its inverse) small enough that no i32 lane overflows (`int8QueryScale`), so
 *   the query keeps ~15 bits, not 8. Stored splatted because `v128.load32_splat` costs a vector ALU
 *   op on this CPU besides the load, and the dot products leave no ALU slot free: plain 16-byte loads
 *   measured 1.10-1.13x faster (A and B, paired rounds; docs/BENCHMARKS.md). 4x the query bytes
 *   (16 KiB for 32 x 128) still sit in L1.
 * - Register block 4 rows x 2 panels: per k step 4 query loads, 2 doc loads, 8
 *   `i32x4.dot_i16x8_s` + 8 `i32x4.add`, the ceiling measured by `ceiling_int8`. After the k loop each
 *   accumulator (4 tokens) is converted to f32 and multiplied by its tokens' scales before the running
 *   max (each token has its own scale); the maxima of all rows live in `scratch` (16 bytes per row,
 *   `nGroups x 64` bytes), not in registers, and are summed per group in row order at the end.
 * - Table: 16 bytes per doc: i32 codes offset, i32 scales offset, i32 `nBlocks << 3 | tail`, unused.
 *
 * Both import `env.memory` (shared in the `-shared` build, for worker threads).
 */

import { INT8_BLOCK_PANELS, INT8_ROWS } from '../../src/lib/engine/maxsim/storage-pack';

/** Largest memory the shared build accepts: 4 GiB (wasm32 limit). */
const MAX_PAGES = 65536;

/** int8 register block, shared with the engine's packing code (`storage-pack.ts` says why 4 x 2). */
export { INT8_BLOCK_PANELS, INT8_ROWS };

/** Bytes summed in u8 lanes before widening: 31 x 8 = 248 < 256. */
export const BINARY_U8_BYTES = 31;

function get(name: string): string {
	return `(local.get $${name})`;
}

const ALL_ONES = '(v128.const i32x4 -1 -1 -1 -1)';
const ZERO = '(v128.const i32x4 0 0 0 0)';

// ---------------------------------------------------------------------------------------------
// binary

/** Popcount of (query vector at `qOffset` from $qp) xor `splat`, added to accumulator `acc` (u8 lanes). */
function hamStep(acc: string, qOffset: number, splat: string): string {
	return `(local.set $${acc} (i8x16.add ${get(acc)} (i8x16.popcnt (v128.xor (v128.load offset=${qOffset} ${get('qp')}) ${get(splat)}))))`;
}

/** Bytes per query-byte step in a group block of `groups` groups. */
function qStride(groups: number): number {
	return 16 * groups;
}

/**
 * The byte loop of one token for `groups` (1 or 2) groups, from $dp up to $bend: 4 bytes per
 * iteration, then single bytes. Advances $dp and $qp.
 */
function byteLoop(groups: number): string {
	const lines: string[] = [];
	const unroll = 4;
	lines.push(`(if (i32.le_u (i32.add ${get('dp')} (i32.const ${unroll})) ${get('bend')}) (then (loop $b4`);
	for (let u = 0; u < unroll; u++) {
		lines.push(`  (local.set $s (v128.load8_splat offset=${u} ${get('dp')}))`);
		for (let g = 0; g < groups; g++) lines.push(`  ${hamStep(`h${g}`, u * qStride(groups) + 16 * g, 's')}`);
	}
	lines.push(`  (local.set $dp (i32.add ${get('dp')} (i32.const ${unroll})))`);
	lines.push(`  (local.set $qp (i32.add ${get('qp')} (i32.const ${unroll * qStride(groups)})))`);
	lines.push(`  (br_if $b4 (i32.le_u (i32.add ${get('dp')} (i32.const ${unroll})) ${get('bend')})))))`);
	lines.push(`(if (i32.lt_u ${get('dp')} ${get('bend')}) (then (loop $b1`);
	lines.push(`  (local.set $s (v128.load8_splat ${get('dp')}))`);
	for (let g = 0; g < groups; g++) lines.push(`  ${hamStep(`h${g}`, 16 * g, 's')}`);
	lines.push(`  (local.set $dp (i32.add ${get('dp')} (i32.const 1)))`);
	lines.push(`  (local.set $qp (i32.add ${get('qp')} (i32.const ${qStride(groups)})))`);
	lines.push(`  (br_if $b1 (i32.lt_u ${get('dp')} ${get('bend')})))))`);
	return lines.join('\n');
}

/** Sum of the u8 lanes of `v` (as i32), lanes >= `valid` (a local i32) masked to 0. */
function sumU8(v: string, valid: string): string {
	const mask = `(i8x16.gt_u (i8x16.splat ${get(valid)}) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))`;
	return sumI32(`(i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (v128.and ${v} ${mask})))`);
}

function sumI32(v: string): string {
	return `(i32.add (i32.add (i32x4.extract_lane 0 (local.tee $t ${v})) (i32x4.extract_lane 1 ${get('t')})) (i32.add (i32x4.extract_lane 2 ${get('t')}) (i32x4.extract_lane 3 ${get('t')})))`;
}

/**
 * Byte offset of byte `j` (0..3) of the 32-bit word $w within a table of `valueBytes` bytes per byte
 * value: `((w >> 8j) & 255) * valueBytes`, as one shift and (below the top byte) one mask.
 */
function byteOffset(j: number, valueBytes: 16 | 32): string {
	const scale = Math.log2(valueBytes);
	const shift = 8 * j - scale; // right shift; negative = left
	if (j === 3) return `(i32.shl (i32.shr_u ${get('w')} (i32.const 24)) (i32.const ${scale}))`;
	const shifted = shift === 0 ? get('w') : shift < 0 ? `(i32.shl ${get('w')} (i32.const ${-shift}))` : `(i32.shr_u ${get('w')} (i32.const ${shift}))`;
	return `(i32.and ${shifted} (i32.const ${255 * valueBytes}))`;
}

/**
 * A never-taken branch between doc bytes whose arm reads the accumulators (as `fence` in
 * maxsim-template.ts): without it TurboFan hoists the table loads of an iteration to its top and
 * spills them. $tp is even, so it never equals the odd constant.
 */
function tableFence(groups: number, j: number): string {
	const all = Array.from({ length: groups }, (_, g) => get(`h${g}`)).reduce((a, b) => `(v128.or ${a} ${b})`);
	return `  (if (i32.eq ${get('tp')} (i32.const ${-1 - 2 * j})) (then (v128.store (i32.const 0) ${all})))`;
}

/** Table bytes per doc byte of a block of `groups` (1 or 2) groups: 256 values x 16 lanes x `groups`. */
export function binaryTableBytesPerByte(groups: number): number {
	return 256 * 16 * groups;
}

/**
 * The byte loop of one token through the query's byte tables (from $tp), for `groups` (1 or 2)
 * groups: per doc byte b the table holds, for each byte value v, the 16-lane vector of
 * `popcount(byte b of each query row xor v)`, so a token's distance to 16 rows is a sum of one load
 * per byte, no xor and no popcount. 4 doc bytes per iteration from one i32 load, then single bytes.
 * Advances $dp and $tp.
 */
function tableLoop(groups: number): string {
	const valueBytes = (16 * groups) as 16 | 32;
	const byteBytes = binaryTableBytesPerByte(groups);
	const lines: string[] = [];
	const add = (g: number, offset: number, index: string) =>
		`  (local.set $h${g} (i8x16.add ${get(`h${g}`)} (v128.load offset=${offset + 16 * g} (i32.add ${get('tp')} ${index}))))`;
	lines.push(`(if (i32.le_u (i32.add ${get('dp')} (i32.const 4)) ${get('bend')}) (then (loop $b4`);
	lines.push(`  (local.set $w (i32.load ${get('dp')}))`);
	for (let j = 0; j < 4; j++) {
		if (j === 2) lines.push(tableFence(groups, j));
		lines.push(`  (local.set $x ${byteOffset(j, valueBytes)})`);
		for (let g = 0; g < groups; g++) lines.push(add(g, j * byteBytes, get('x')));
	}
	lines.push(`  (local.set $dp (i32.add ${get('dp')} (i32.const 4)))`);
	lines.push(`  (local.set $tp (i32.add ${get('tp')} (i32.const ${4 * byteBytes})))`);
	lines.push(`  (br_if $b4 (i32.le_u (i32.add ${get('dp')} (i32.const 4)) ${get('bend')})))))`);
	lines.push(`(if (i32.lt_u ${get('dp')} ${get('bend')}) (then (loop $b1`);
	lines.push(`  (local.set $x (i32.shl (i32.load8_u ${get('dp')}) (i32.const ${Math.log2(valueBytes)})))`);
	for (let g = 0; g < groups; g++) lines.push(add(g, 0, get('x')));
	lines.push(`  (local.set $dp (i32.add ${get('dp')} (i32.const 1)))`);
	lines.push(`  (local.set $tp (i32.add ${get('tp')} (i32.const ${byteBytes})))`);
	lines.push(`  (br_if $b1 (i32.lt_u ${get('dp')} ${get('bend')})))))`);
	return lines.join('\n');
}

/**
 * Rows 16 x `groups` of the query (byte tables from $qg) against every token of the doc (from $d0,
 * $rows tokens): adds the masked sums of the minimum distances to $H. Distances fit u8 ($nBytes <= 31).
 */
function narrowGroups(groups: number): string {
	const lines: string[] = [];
	for (let g = 0; g < groups; g++) lines.push(`(local.set $m${g} ${ALL_ONES})`);
	lines.push(`(local.set $dp ${get('d0')})`);
	lines.push(`(loop $tokens`);
	for (let g = 0; g < groups; g++) lines.push(`  (local.set $h${g} ${ZERO})`);
	lines.push(`  (local.set $tp ${get('qg')})`);
	lines.push(`  (local.set $bend (i32.add ${get('dp')} ${get('nBytes')}))`);
	lines.push(tableLoop(groups));
	for (let g = 0; g < groups; g++) lines.push(`  (local.set $m${g} (i8x16.min_u ${get(`m${g}`)} ${get(`h${g}`)}))`);
	lines.push(`  (br_if $tokens (i32.lt_u ${get('dp')} ${get('dend')})))`);
	for (let g = 0; g < groups; g++) {
		lines.push(`(local.set $valid (i32.sub ${get('qRows')} (i32.add ${get('row')} (i32.const ${16 * g}))))`);
		// at most 16 (i8x16.splat keeps only the low 8 bits)
		lines.push(`(local.set $valid (select (i32.const 16) ${get('valid')} (i32.gt_u ${get('valid')} (i32.const 16))))`);
		lines.push(`(local.set $H (i32.add ${get('H')} ${sumU8(get(`m${g}`), 'valid')}))`);
	}
	return lines.join('\n');
}

/**
 * One group (16 rows) against the doc when a token has more than 31 bytes: per token, 31-byte chunks
 * summed in u8 lanes, each widened into two u16 accumulators; lane-wise u16 minima.
 */
function wideGroup(): string {
	const lines: string[] = [];
	lines.push(`(local.set $m0 ${ALL_ONES})`);
	lines.push(`(local.set $m1 ${ALL_ONES})`);
	lines.push(`(local.set $dp ${get('d0')})`);
	lines.push(`(loop $tokens`);
	lines.push(`  (local.set $lo ${ZERO})`);
	lines.push(`  (local.set $hi ${ZERO})`);
	lines.push(`  (local.set $qp ${get('qg')})`);
	lines.push(`  (local.set $tend (i32.add ${get('dp')} ${get('nBytes')}))`);
	lines.push(`  (loop $chunks`);
	lines.push(`    (local.set $h0 ${ZERO})`);
	lines.push(`    (local.set $bend (select (i32.add ${get('dp')} (i32.const ${BINARY_U8_BYTES})) ${get('tend')} (i32.lt_u (i32.add ${get('dp')} (i32.const ${BINARY_U8_BYTES})) ${get('tend')})))`);
	lines.push(byteLoop(1));
	lines.push(`    (local.set $lo (i16x8.add ${get('lo')} (i16x8.extend_low_i8x16_u ${get('h0')})))`);
	lines.push(`    (local.set $hi (i16x8.add ${get('hi')} (i16x8.extend_high_i8x16_u ${get('h0')})))`);
	lines.push(`    (br_if $chunks (i32.lt_u ${get('dp')} ${get('tend')})))`);
	lines.push(`  (local.set $m0 (i16x8.min_u ${get('m0')} ${get('lo')}))`);
	lines.push(`  (local.set $m1 (i16x8.min_u ${get('m1')} ${get('hi')}))`);
	lines.push(`  (br_if $tokens (i32.lt_u ${get('dp')} ${get('dend')})))`);
	// Rows row..row+7 are in m0's lanes, row+8..row+15 in m1's; mask lanes >= valid.
	const mask16 = (first: number) =>
		`(i16x8.gt_u (i16x8.splat (i32.sub ${get('valid')} (i32.const ${first}))) (v128.const i16x8 0 1 2 3 4 5 6 7))`;
	lines.push(`(local.set $valid (i32.sub ${get('qRows')} ${get('row')}))`);
	lines.push(`(local.set $valid (select (i32.const 16) ${get('valid')} (i32.gt_u ${get('valid')} (i32.const 16))))`);
	for (const [m, first] of [['m0', 0], ['m1', 8]] as const) {
		// valid - first may be negative: clamp at 0 so the splat (u16 compare) masks every lane.
		lines.push(`(if (i32.gt_s ${get('valid')} (i32.const ${first})) (then`);
		lines.push(`  (local.set $H (i32.add ${get('H')} ${sumI32(`(i32x4.extadd_pairwise_i16x8_u (v128.and ${get(m)} ${mask16(first)}))`)}))))`);
	}
	return lines.join('\n');
}

function binaryFunction(): string {
	const i32s = ['e', 'entry', 'rows', 'd0', 'dp', 'dend', 'bend', 'tend', 'qp', 'qg', 'row', 'valid', 'H', 'pairEnd', 'groupBytes', 'tp', 'w', 'x'];
	const v128s = ['s', 'h0', 'h1', 'm0', 'm1', 't', 'lo', 'hi'];
	return `
(func $score_binary (export "score_binary")
  (param $q i32) (param $qRows i32) (param $nBytes i32) (param $dim i32)
  (param $table i32) (param $first i32) (param $end i32) (param $out i32)
  ${i32s.map((n) => `(local $${n} i32)`).join(' ')} ${v128s.map((n) => `(local $${n} v128)`).join(' ')}
  (local.set $groupBytes (i32.shl ${get('nBytes')} (i32.const 4)))
  ;; rows covered by group pairs, 32 per pair: groups = ceil(qRows / 16), pairs = floor(groups / 2)
  (local.set $pairEnd (i32.shl (i32.shr_u (i32.add ${get('qRows')} (i32.const 15)) (i32.const 5)) (i32.const 5)))
  (local.set $e ${get('first')})
  (block $done (loop $docs
    (br_if $done (i32.ge_u ${get('e')} ${get('end')}))
    (local.set $entry (i32.add ${get('table')} (i32.shl ${get('e')} (i32.const 4))))
    (local.set $d0 (i32.load ${get('entry')}))
    (local.set $rows (i32.load offset=4 ${get('entry')}))
    (local.set $H (i32.const 0))
    (if (i32.eqz ${get('rows')})
      (then (f32.store (i32.add ${get('out')} (i32.shl ${get('e')} (i32.const 2))) (f32.const 0)))
      (else
        (local.set $dend (i32.add ${get('d0')} (i32.mul ${get('rows')} ${get('nBytes')})))
        (local.set $qg ${get('q')})
        (local.set $row (i32.const 0))
        (if (i32.le_u ${get('nBytes')} (i32.const ${BINARY_U8_BYTES}))
          (then
            (block $pairsDone (loop $pairs
              (br_if $pairsDone (i32.ge_u ${get('row')} ${get('pairEnd')}))
${narrowGroups(2)}
              ;; a pair's tables: nBytes x 256 values x 32 bytes
              (local.set $qg (i32.add ${get('qg')} (i32.shl ${get('nBytes')} (i32.const ${Math.log2(binaryTableBytesPerByte(2))}))))
              (local.set $row (i32.add ${get('row')} (i32.const 32)))
              (br $pairs)))
            (if (i32.lt_u ${get('row')} ${get('qRows')}) (then
${narrowGroups(1)})))
          (else
            (block $groupsDone (loop $groups
              (br_if $groupsDone (i32.ge_u ${get('row')} ${get('qRows')}))
${wideGroup()}
              ;; a wide query is stored in single groups (see packQueryBinary)
              (local.set $qg (i32.add ${get('qg')} ${get('groupBytes')}))
              (local.set $row (i32.add ${get('row')} (i32.const 16)))
              (br $groups)))))
        (f32.store (i32.add ${get('out')} (i32.shl ${get('e')} (i32.const 2)))
          (f32.demote_f64 (f64.sub (f64.convert_i32_u ${get('qRows')})
            (f64.div (f64.convert_i32_u (i32.shl ${get('H')} (i32.const 1))) (f64.convert_i32_u ${get('dim')})))))))
    (local.set $e (i32.add ${get('e')} (i32.const 1)))
    (br $docs))))`;
}

// ---------------------------------------------------------------------------------------------
// int8

/** k steps (component pairs) per iteration of the unrolled k loop (as in maxsim-template.ts). */
const UNROLL = 4;

/** Accumulator names of an `INT8_ROWS` x `panels` register block. */
function int8Accumulators(panels: number): string[] {
	return Array.from({ length: INT8_ROWS }, (_, r) => r).flatMap((r) => Array.from({ length: panels }, (_, p) => `a${r}${p}`));
}

/** A never-taken branch reading every accumulator between unrolled steps (see `fence` in maxsim-template.ts). */
function int8Fence(panels: number, u: number): string {
	const all = int8Accumulators(panels).map(get).reduce((a, b) => `(v128.or ${a} ${b})`);
	return `  (if (i32.eq ${get('q')} (i32.const ${-1 - 2 * u})) (then (v128.store (i32.const 0) ${all})))`;
}

/** Bytes of one k step of a query row group: `INT8_ROWS` rows x one 16-byte splat of 2 components. */
const INT8_STEP_BYTES = 16 * INT8_ROWS;

/**
 * One k step of the widened block at $wp: a (pre-splatted) query load per row, then per panel one
 * plain load of 8 i16 components shared by all rows.
 */
function int8Step(panels: number, u: number): string[] {
	const lines: string[] = [];
	for (let r = 0; r < INT8_ROWS; r++) lines.push(`  (local.set $x${r} (v128.load offset=${u * INT8_STEP_BYTES + 16 * r} ${get('q')}))`);
	for (let p = 0; p < panels; p++) {
		lines.push(`  (local.set $d0 (v128.load offset=${(u * panels + p) * 16} ${get('wp')}))`);
		for (let r = 0; r < INT8_ROWS; r++) {
			lines.push(`  (local.set $a${r}${p} (i32x4.add ${get(`a${r}${p}`)} (i32x4.dot_i16x8_s ${get('d0')} ${get(`x${r}`)})))`);
		}
	}
	return lines;
}

/** Advances $q and $wp past `steps` k steps. */
function int8Advance(steps: number, panels: number): string[] {
	return [
		`  (local.set $q (i32.add ${get('q')} (i32.const ${steps * INT8_STEP_BYTES})))`,
		`  (local.set $wp (i32.add ${get('wp')} (i32.const ${steps * panels * 16})))`
	];
}

/** Widened chunks (8 codes -> 8 i16) per iteration of the widening loop. */
const WIDEN_UNROLL = 4;

/**
 * Sign-extends the next `panels` panels of codes at $dp (dimP / 2 x panels chunks of 8 bytes, in
 * order) into $wide as i16, once per block instead of once per block and row group: the extends are
 * vector uops competing with the dot products, the loads in the k loop are not. Advances $dp.
 */
function int8Widen(panels: number): string {
	const lines: string[] = [];
	lines.push(`(local.set $wp ${get('wide')})`);
	lines.push(`(local.set $wend (i32.add ${get('wide')} (i32.mul ${get('dimP')} (i32.const ${8 * panels}))))`);
	lines.push(`(if (i32.le_u (i32.add ${get('wp')} (i32.const ${16 * WIDEN_UNROLL})) ${get('wend')}) (then (loop $widen`);
	for (let u = 0; u < WIDEN_UNROLL; u++) {
		// The pointer advances per load: V8 (Node 20) folds no offset into a load-extend's address.
		lines.push(`  (v128.store offset=${16 * u} ${get('wp')} (v128.load8x8_s ${get('dp')}))`);
		lines.push(`  (local.set $dp (i32.add ${get('dp')} (i32.const 8)))`);
	}
	lines.push(`  (local.set $wp (i32.add ${get('wp')} (i32.const ${16 * WIDEN_UNROLL})))`);
	lines.push(`  (br_if $widen (i32.le_u (i32.add ${get('wp')} (i32.const ${16 * WIDEN_UNROLL})) ${get('wend')})))))`);
	lines.push(`(if (i32.lt_u ${get('wp')} ${get('wend')}) (then (loop $widenRest`);
	lines.push(`  (v128.store ${get('wp')} (v128.load8x8_s ${get('dp')}))`);
	lines.push(`  (local.set $dp (i32.add ${get('dp')} (i32.const 8)))`);
	lines.push(`  (local.set $wp (i32.add ${get('wp')} (i32.const 16)))`);
	lines.push(`  (br_if $widenRest (i32.lt_u ${get('wp')} ${get('wend')})))))`);
	return lines.join('\n');
}

/**
 * One widened block of `panels` panels against every row group: per group the 4 x panels register
 * block over the k loop, then the scaled running maxima of the group's rows, kept in $scratch (16
 * bytes per row, groups in order): `m_r = max(m_r, f32(a_rp) * scales_p)`. Keeping them in memory
 * leaves the registers to the accumulators, splats and doc vector. Advances $sp.
 */
function int8Block(panels: number): string {
	const lines: string[] = [int8Widen(panels)];
	lines.push(`(local.set $group ${get('qbase')})`);
	lines.push(`(local.set $mp ${get('scratch')})`);
	lines.push(`(loop $groups`);
	for (const a of int8Accumulators(panels)) lines.push(`(local.set $${a} ${ZERO})`);
	lines.push(`(local.set $q ${get('group')})`);
	lines.push(`(local.set $wp ${get('wide')})`);
	lines.push(`(local.set $qend (i32.add ${get('group')} ${get('groupBytes')}))`);
	lines.push(`(local.set $qmain (i32.sub ${get('qend')} ${get('rest')}))`);
	lines.push(`(if (i32.lt_u ${get('q')} ${get('qmain')}) (then (loop $k`);
	for (let u = 0; u < UNROLL; u++) {
		if (u > 0) lines.push(int8Fence(panels, u));
		lines.push(...int8Step(panels, u));
	}
	lines.push(...int8Advance(UNROLL, panels));
	lines.push(`  (br_if $k (i32.lt_u ${get('q')} ${get('qmain')})))))`);
	lines.push(`(if (i32.lt_u ${get('q')} ${get('qend')}) (then (loop $kRest`);
	lines.push(...int8Step(panels, 0), ...int8Advance(1, panels));
	lines.push(`  (br_if $kRest (i32.lt_u ${get('q')} ${get('qend')})))))`);
	for (let r = 0; r < INT8_ROWS; r++) {
		let m = `(v128.load offset=${16 * r} ${get('mp')})`;
		for (let p = 0; p < panels; p++) {
			m = `(f32x4.pmax ${m} (f32x4.mul (f32x4.convert_i32x4_s ${get(`a${r}${p}`)}) (v128.load offset=${p * 16} ${get('sp')})))`;
		}
		lines.push(`(v128.store offset=${16 * r} ${get('mp')} ${m})`);
	}
	lines.push(`(local.set $mp (i32.add ${get('mp')} (i32.const ${16 * INT8_ROWS})))`);
	lines.push(`(local.set $group ${get('qend')})`);
	lines.push(`(br_if $groups (i32.lt_u ${get('group')} ${get('qendAll')})))`);
	lines.push(`(local.set $sp (i32.add ${get('sp')} (i32.const ${panels * 16})))`);
	return lines.join('\n');
}

/** Horizontal max of the 4 f32 lanes at `offset` from $mp, as f64. */
function hmaxMaxima(offset: number): string {
	const lane = (i: number) => `(f32.load offset=${offset + 4 * i} ${get('mp')})`;
	return `(f64.promote_f32 (f32.max (f32.max ${lane(0)} ${lane(1)}) (f32.max ${lane(2)} ${lane(3)})))`;
}

function int8Function(): string {
	const panels = INT8_BLOCK_PANELS;
	const i32s = ['q', 'qend', 'qmain', 'group', 'dp', 'sp', 'wp', 'wend', 'mp', 'mend', 'entry', 'e', 'shape', 'nBlocks', 'b', 'qendAll', 'rest', 'groupBytes'];
	const rows = Array.from({ length: INT8_ROWS }, (_, r) => r);
	const v128s = [...rows.map((r) => `x${r}`), 'd0', ...int8Accumulators(panels)];
	const tails = Array.from({ length: panels - 1 }, (_, i) => i + 1)
		.map((width) => `(if (i32.eq ${get('shape')} (i32.const ${width})) (then\n${int8Block(width)}))`)
		.join('\n');
	const minusInf = '(v128.const f32x4 -inf -inf -inf -inf)';
	return `
(func $score_int8 (export "score_int8")
  (param $qbase i32) (param $nGroups i32) (param $dimP i32) (param $table i32)
  (param $first i32) (param $end i32) (param $out i32) (param $scratch i32) (param $qInv f32) (param $wide i32)
  ${i32s.map((n) => `(local $${n} i32)`).join(' ')} ${v128s.map((n) => `(local $${n} v128)`).join(' ')} (local $total f64)
  ;; a row group is dimP / 2 steps of ${INT8_STEP_BYTES} bytes; the unrolled loop leaves (dimP / 2) mod ${UNROLL} steps to the remainder loop
  (local.set $groupBytes (i32.mul (i32.shr_u ${get('dimP')} (i32.const 1)) (i32.const ${INT8_STEP_BYTES})))
  (local.set $rest (i32.mul (i32.and (i32.shr_u ${get('dimP')} (i32.const 1)) (i32.const ${UNROLL - 1})) (i32.const ${INT8_STEP_BYTES})))
  (local.set $qendAll (i32.add ${get('qbase')} (i32.mul ${get('nGroups')} ${get('groupBytes')})))
  (local.set $mend (i32.add ${get('scratch')} (i32.mul ${get('nGroups')} (i32.const ${16 * INT8_ROWS}))))
  (local.set $e ${get('first')})
  (block $done (loop $docs
    (br_if $done (i32.ge_u ${get('e')} ${get('end')}))
    (local.set $entry (i32.add ${get('table')} (i32.shl ${get('e')} (i32.const 4))))
    (local.set $shape (i32.load offset=8 ${get('entry')}))
    (local.set $nBlocks (i32.shr_u ${get('shape')} (i32.const 3)))
    (local.set $shape (i32.and ${get('shape')} (i32.const 7)))
    (local.set $total (f64.const 0))
    (if (i32.or ${get('nBlocks')} ${get('shape')}) (then
      (local.set $mp ${get('scratch')})
      (loop $clear
        (v128.store ${get('mp')} ${minusInf})
        (local.set $mp (i32.add ${get('mp')} (i32.const 16)))
        (br_if $clear (i32.lt_u ${get('mp')} ${get('mend')})))
      (local.set $dp (i32.load ${get('entry')}))
      (local.set $sp (i32.load offset=4 ${get('entry')}))
      (local.set $b (i32.const 0))
      (block $blocksDone (loop $blocks
        (br_if $blocksDone (i32.ge_u ${get('b')} ${get('nBlocks')}))
${int8Block(panels)}
        (local.set $b (i32.add ${get('b')} (i32.const 1)))
        (br $blocks)))
${tails}
      ;; per group, its rows' maxima summed in order, then added to the total (as before the blocks went outermost)
      (local.set $mp ${get('scratch')})
      (loop $sum
        (local.set $total (f64.add ${get('total')} ${rows.map((r) => hmaxMaxima(16 * r)).reduce((a, b) => `(f64.add ${a} ${b})`)}))
        (local.set $mp (i32.add ${get('mp')} (i32.const ${16 * INT8_ROWS})))
        (br_if $sum (i32.lt_u ${get('mp')} ${get('mend')})))))
    (f32.store (i32.add ${get('out')} (i32.shl ${get('e')} (i32.const 2))) (f32.mul (f32.demote_f64 ${get('total')}) ${get('qInv')}))
    (local.set $e (i32.add ${get('e')} (i32.const 1)))
    (br $docs))))`;
}

/**
 * The machine's ceiling for the int8 inner loop: the k step of `score_int8` (4 query loads, 2 doc
 * loads, 8 `i32x4.dot_i16x8_s` + 8 `i32x4.add` into 8 independent accumulators) on whatever bytes
 * 0..95 of memory hold, `iterations` times, with no scales, maxima or loop over documents; returns a
 * lane so nothing is dead. `INT8_CEILING_MACS` multiply-adds per iteration.
 */
function int8CeilingFunction(): string {
	const rows = Array.from({ length: INT8_ROWS }, (_, r) => r);
	const panels = Array.from({ length: INT8_BLOCK_PANELS }, (_, p) => p);
	const lines: string[] = [];
	// Loaded every step, as in the kernel: from registers TurboFan would hoist the loop-invariant dots.
	for (const r of rows) lines.push(`(local.set $x${r} (v128.load offset=${16 * r} (i32.const 0)))`);
	for (const p of panels) {
		lines.push(`(local.set $d0 (v128.load offset=${16 * (INT8_ROWS + p)} (i32.const 0)))`);
		for (const r of rows) lines.push(`(local.set $a${r}${p} (i32x4.add ${get(`a${r}${p}`)} (i32x4.dot_i16x8_s ${get('d0')} ${get(`x${r}`)})))`);
	}
	const accumulators = int8Accumulators(INT8_BLOCK_PANELS);
	const sum = accumulators.map(get).reduce((a, b) => `(i32x4.add ${a} ${b})`);
	return `
(func $ceiling_int8 (export "ceiling_int8") (param $iterations i32) (result i32)
  ${[...rows.map((r) => `x${r}`), 'd0', ...accumulators].map((n) => `(local $${n} v128)`).join(' ')}
  (loop $it
    ${lines.join('\n    ')}
    (local.set $iterations (i32.sub (local.get $iterations) (i32.const 1)))
    (br_if $it (i32.gt_s (local.get $iterations) (i32.const 0))))
  (i32x4.extract_lane 0 ${sum}))`;
}

/** Multiply-adds per iteration of `ceiling_int8`: 8 dot products of 8 pairs. */
export const INT8_CEILING_MACS = INT8_ROWS * INT8_BLOCK_PANELS * 8;

/**
 * WAT text of the storage kernel module: `score_binary`, `score_int8` and `ceiling_int8`, importing `env.memory`.
 * @example storageWat({ shared: false }).startsWith(';; Generated') // true
 */
export function storageWat(options: { shared: boolean }): string {
	const memory = options.shared ? `(memory 1 ${MAX_PAGES} shared)` : '(memory 1)';
	return `;; Generated by kernels/build.ts from kernels/wasm/storage-template.ts (${options.shared ? 'shared' : 'unshared'} memory). Do not edit.
(module
(import "env" "memory" ${memory})
${binaryFunction()}
${int8Function()}
${int8CeilingFunction()}
)
`;
}
