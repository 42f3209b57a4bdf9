/**
 * Source of the MaxSim WASM kernels: a TypeScript template that writes WAT text, which
 * `kernels/build.ts` assembles with npm `wabt`. The template writes out the register block and the
 * tail variants, which hand-written WAT would repeat dozens of times. Design: `../shared/docs/KERNELS.md`;
 * measurements: `docs/BENCHMARKS.md` (MaxSim kernels in Node).
 *
 * Memory layout the kernels read (all offsets in bytes, little-endian; `dimP` = dim rounded up to a
 * multiple of 4, extra components are 0):
 * - Doc, f32: `nBlocks` blocks of B panels of 4 tokens (B = `BLOCK_PANELS[flavour]`, 4 today), then
 *   one tail block of `tail` (0..B-1) panels. A block of P panels stores, for k = 0..dimP-1,
 *   panel p = 0..P-1, token t = 0..3, the value
 *   `doc[4(Bb + p) + t][k]` (k-major, so one `v128.load` is component k of 4 tokens). A doc is padded
 *   to a multiple of 4 tokens by repeating its last token: a duplicate cannot change a max.
 * - Doc, i16: the same blocks over component pairs kk = 0..dimP/2-1; one 16-byte vector holds
 *   `(d[t][2kk], d[t][2kk+1])` for t = 0..3, so `i32x4.dot_i16x8_s` yields 4 partial dot products.
 * - Query: rows taken in pairs (an odd count gets a zero row, which adds exactly 0). A pair stores
 *   `q0[k], q1[k]` interleaved: f32 pairs (8 bytes per k) or i16 pairs of pairs (8 bytes per kk).
 * - Table: 16 bytes per doc to score: i32 f32Offset, i32 i16Offset, i32 `nBlocks << 3 | tail`,
 *   f32 inverse quantisation scale of the doc (i16 kernel only).
 *
 * - Doc, f16 (`score_f16`): the f32 layout with each value as IEEE half bits (2 bytes), at the table's
 *   second offset; converted on load into a per-thread f32 buffer, one doc at a time (see below).
 *
 * Exports: `pack_f32(src, rows, dim, dst)` writes a row-major doc in the f32 layout (see `packFunction`);
 * `score_f32(q, nPairs, dimP, table, first, end, out, scratch)` writes
 * `out[e] = sum_i max_j q_i . d_j` (f32) for table entries `first <= e < end`, using `nPairs * 32`
 * bytes at `scratch` (one area per thread) for the running maxima;
 * `score_i16(q, nPairs, dimP, table, first, end, out, scratch, qInvScale)` the same on int16 values,
 * rescaled; `score_f16(q, nPairs, dimP, table, first, end, out, scratch, decode)` the f32 kernel on
 * half-precision docs: each doc's halves are widened into f32 panels at `decode` (one buffer per
 * thread, the largest doc's size) and scored there while they sit in L1/L2, so the memory holds
 * 2 bytes per value and the scores equal the f32 kernel's on the decoded values exactly (the
 * widening is exact: `((h & 0x7fff) << 13) as f32 * 2^112`, sign or'ed back, covers normal,
 * subnormal and zero halves); `ceiling(iterations)`: the f32 inner loop's arithmetic on registers
 * (`ceilingFlopPerIteration(flavour)` flop per iteration), to measure the machine's SIMD ceiling in
 * the same run as the kernel.
 */

import { BLOCK_PANELS } from '../../src/lib/engine/maxsim/pack';

/** Which arithmetic the f32 path uses: SIMD128 `mul` + `add`, or relaxed-SIMD fused multiply-add. */
export type F32Flavour = 'simd' | 'relaxed';

export interface KernelOptions {
	flavour: F32Flavour;
	/** Import a shared memory (for worker threads) instead of a plain one. */
	shared: boolean;
}

/** Largest memory the shared build accepts: 65536 pages of 64 KiB = 4 GiB (wasm32 limit). */
export const MAX_PAGES = 65536;

/** Panels per register block, by flavour (shared with the engine's packing code). */
export { BLOCK_PANELS };

type Kind = 'f32' | 'i16';
/** A scoring function: its arithmetic (`Kind`) and where its doc values come from. */
type Variant = Kind | 'f16';

const ZERO = '(v128.const i32x4 0 0 0 0)';

function get(name: string): string {
	return `(local.get $${name})`;
}

/** acc += x * d in the chosen arithmetic. */
function madd(kind: Kind, flavour: F32Flavour, acc: string, x: string, d: string): string {
	if (kind === 'i16') return `(i32x4.add ${get(acc)} (i32x4.dot_i16x8_s ${get(d)} ${get(x)}))`;
	if (flavour === 'relaxed') return `(f32x4.relaxed_madd ${get(x)} ${get(d)} ${get(acc)})`;
	return `(f32x4.add ${get(acc)} (f32x4.mul ${get(x)} ${get(d)}))`;
}

function vmax(kind: Kind, a: string, b: string): string {
	// pmax is one maxps on x64; NaN never reaches the kernel (inputs are validated).
	return kind === 'i16' ? `(i32x4.max_s ${a} ${b})` : `(f32x4.pmax ${a} ${b})`;
}

/**
 * k steps per iteration of the main k loop. A step is one component k for f32 (dimP steps, a
 * multiple of 4) and one component pair for i16 (dimP/2 steps, even); a remainder loop of single
 * steps covers i16 dims with dimP = 4 mod 8. The f32 remainder loop never runs, but it stays: without
 * it TurboFan allocated the main loop's registers worse (phi moves, a reloaded stack-limit address)
 * and the kernel measured 4.5% slower.
 * Unrolling cuts the pointer increments and loop branch from 3 ops per step to 3 per 4 steps, and
 * constant `offset=`s address the rest. It only pays with a scheduling fence between steps (see
 * `fence`): without one TurboFan hoists all loads of an iteration to its top (8 panel vectors + 4
 * splats + 8 accumulators > V8's 15 xmm registers) and spills. Measured (docs/BENCHMARKS.md, MaxSim
 * in Node): +9% f32 over 1 step per iteration; 8 steps made TurboFan keep 2 accumulators on the stack.
 */
const UNROLL = 4;

/** Accumulator names of a 2-row x `panels` register block. */
function accumulators(panels: number): string[] {
	return [0, 1].flatMap((r) => Array.from({ length: panels }, (_, p) => `a${r}${p}`));
}

/**
 * A branch that is never taken, between two unrolled k steps, whose untaken arm reads every
 * accumulator. TurboFan schedules a wasm load after the branch that precedes it, and must compute
 * the accumulators before the branch (the arm uses them), so each step's loads sit next to its
 * arithmetic and 8 accumulators + 2 splats + 4 panel vectors fit the registers. $q is 4-aligned, so
 * it never equals an odd constant; a distinct constant per fence keeps TurboFan from merging them.
 * Cost: one fused `cmp`+`jcc` per step.
 */
function fence(panels: number, u: number): string {
	const all = accumulators(panels).map(get).reduce((a, b) => `(v128.or ${a} ${b})`);
	return `  (if (i32.eq ${get('q')} (i32.const ${-1 - 2 * u})) (then (v128.store (i32.const 0) ${all})))`;
}

/** One k step at byte offsets `u * 8` (query) and `u * panels * 16` (doc) from $q and $dp. */
function step(kind: Kind, flavour: F32Flavour, panels: number, u: number): string[] {
	const lines = [
		`  (local.set $x (v128.load32_splat offset=${u * 8} ${get('q')}))`,
		`  (local.set $y (v128.load32_splat offset=${u * 8 + 4} ${get('q')}))`
	];
	// One panel vector live at a time: 8 accumulators + 2 splats + 1 panel fit V8's 14 usable xmm registers.
	for (let p = 0; p < panels; p++) {
		lines.push(`  (local.set $d0 (v128.load offset=${(u * panels + p) * 16} ${get('dp')}))`);
		lines.push(`  (local.set $a0${p} ${madd(kind, flavour, `a0${p}`, 'x', 'd0')})`);
		lines.push(`  (local.set $a1${p} ${madd(kind, flavour, `a1${p}`, 'y', 'd0')})`);
	}
	return lines;
}

/** Advances $q and $dp past `steps` k steps. */
function advance(panels: number, steps: number): string[] {
	return [
		`  (local.set $q (i32.add ${get('q')} (i32.const ${steps * 8})))`,
		`  (local.set $dp (i32.add ${get('dp')} (i32.const ${steps * panels * 16})))`
	];
}

/**
 * One block of `panels` panels (4 tokens each) against the current query pair: 2 x panels
 * accumulators stay in registers over the whole k loop, then fold into the running maxima m0, m1.
 * Reads $pair, $qmain (where the unrolled loop stops), $qend; advances $dp past the block.
 */
function block(kind: Kind, flavour: F32Flavour, panels: number): string {
	const lines: string[] = [];
	for (const a of accumulators(panels)) lines.push(`(local.set $${a} ${ZERO})`);
	lines.push(`(local.set $q ${get('pair')})`);
	lines.push(`(if (i32.lt_u ${get('q')} ${get('qmain')}) (then (loop $k`);
	for (let u = 0; u < UNROLL; u++) {
		if (u > 0) lines.push(fence(panels, u));
		lines.push(...step(kind, flavour, panels, u));
	}
	lines.push(...advance(panels, UNROLL));
	lines.push(`  (br_if $k (i32.lt_u ${get('q')} ${get('qmain')})))))`);
	lines.push(`(if (i32.lt_u ${get('q')} ${get('qend')}) (then (loop $kRest`);
	lines.push(...step(kind, flavour, panels, 0), ...advance(panels, 1));
	lines.push(`  (br_if $kRest (i32.lt_u ${get('q')} ${get('qend')})))))`);
	for (let r = 0; r < 2; r++) {
		let folded = get(`a${r}0`);
		for (let p = 1; p < panels; p++) folded = vmax(kind, folded, get(`a${r}${p}`));
		lines.push(`(local.set $m${r} ${vmax(kind, get(`m${r}`), folded)})`);
	}
	return lines.join('\n');
}

/** Horizontal max of a 4-lane vector, as f64. */
function hmax(kind: Kind, v: string): string {
	if (kind === 'f32') {
		const lane = (i: number) => `(f32x4.extract_lane ${i} ${get(v)})`;
		return `(f64.promote_f32 (f32.max (f32.max ${lane(0)} ${lane(1)}) (f32.max ${lane(2)} ${lane(3)})))`;
	}
	// Lane-wise max against the lanes swapped, twice, leaves the max in lane 0.
	const swapped = `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get(v)} ${get(v)})`;
	return `(f64.convert_i32_s (i32x4.extract_lane 0 (i32x4.max_s (local.tee $h (i32x4.max_s ${get(v)} ${swapped})) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $h) (local.get $h)))))`;
}

/**
 * Loop orders over a doc: `pairs-outer` streams the whole doc once per query pair, with the running
 * maxima in registers; `blocks-outer` runs every query pair over one block while it sits in L1, with
 * the maxima in `scratch`. Measured on this machine (bench/maxsim.bench.ts): pairs-outer is faster
 * for f32, blocks-outer for i16.
 */
type LoopOrder = 'pairs-outer' | 'blocks-outer';
const ORDER: Record<Kind, LoopOrder> = { f32: 'pairs-outer', i16: 'blocks-outer' };

/**
 * Widens the doc's halves (table field 1) into f32 panels at $decode: per 16 bytes in, two
 * `i32x4.extend_*_i16x8_u`, the magnitude shifted into f32 position and scaled by 2^112, the sign
 * or'ed back (6 ops per 4 values; the kernel then does 2 x queryRows / 4 per value).
 */
function decodeHalves(panels: number): string {
	const widen = (half: 'low' | 'high') => {
		const x = `(i32x4.extend_${half}_i16x8_u (local.get $hv))`;
		const magnitude = `(f32x4.mul (i32x4.shl (v128.and ${x} (v128.const i32x4 0x7fff 0x7fff 0x7fff 0x7fff)) (i32.const 13)) (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))`;
		return `(v128.or ${magnitude} (i32x4.shl (v128.and ${x} (v128.const i32x4 0x8000 0x8000 0x8000 0x8000)) (i32.const 16)))`;
	};
	return `      ;; halves of (nBlocks x ${panels} + tail) panels x 4 tokens x dimP values: panels x dimP x 8 bytes
      (local.set $src (i32.load offset=4 (local.get $entry)))
      (local.set $srcEnd (i32.add (local.get $src) (i32.mul (i32.add (i32.mul (local.get $nBlocks) (i32.const ${panels})) (local.get $shape)) (i32.shl (local.get $dimP) (i32.const 3)))))
      (local.set $dst (local.get $decode))
      (loop $widen
        (local.set $hv (v128.load (local.get $src)))
        (v128.store (local.get $dst) ${widen('low')})
        (v128.store offset=16 (local.get $dst) ${widen('high')})
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br_if $widen (i32.lt_u (local.get $src) (local.get $srcEnd))))
`;
}

/** The scoring function of one variant: loop over table entries, query pairs, blocks, tail. */
function scoreFunction(variant: Variant, flavour: F32Flavour, order: LoopOrder): string {
	const kind: Kind = variant === 'f16' ? 'f32' : variant;
	const minusInf = kind === 'f32' ? '(v128.const f32x4 -inf -inf -inf -inf)' : '(v128.const i32x4 -2147483648 -2147483648 -2147483648 -2147483648)';
	const pairBytes = kind === 'f32' ? '(i32.shl (local.get $dimP) (i32.const 3))' : '(i32.shl (local.get $dimP) (i32.const 2))';
	const offsetField = kind === 'f32' ? 0 : 4;
	// Where a doc's values are read from: its table offset, or (f16) the buffer it was widened into.
	const docStart = variant === 'f16' ? '(local.get $decode)' : `(i32.load offset=${offsetField} (local.get $entry))`;
	const extraParam = kind === 'i16' ? '(param $qInv f32)' : variant === 'f16' ? '(param $decode i32)' : '';
	const finish =
		kind === 'f32'
			? `(f32.demote_f64 (local.get $total))`
			: `(f32.mul (f32.mul (f32.demote_f64 (local.get $total)) (local.get $qInv)) (f32.load offset=12 (local.get $entry)))`;
	const locals = ['q', 'qend', 'qmain', 'pair', 'dp', 'start', 'ms', 'entry', 'e', 'shape', 'nBlocks', 'b', ...(variant === 'f16' ? ['src', 'srcEnd', 'dst'] : [])]
		.map((n) => `(local $${n} i32)`)
		.join(' ');
	const panels = BLOCK_PANELS[flavour];
	const vlocals = ['x', 'y', 'd0', ...accumulators(panels), 'm0', 'm1', 'h', ...(variant === 'f16' ? ['hv'] : [])]
		.map((n) => `(local $${n} v128)`)
		.join(' ');
	// One block (or the tail) against every query pair while it sits in L1: the running maxima of
	// each pair live in $scratch (32 bytes per pair) between blocks.
	const overPairs = (width: number) => `
        (local.set $start (local.get $dp))
        (local.set $pair (local.get $qbase))
        (local.set $ms (local.get $scratch))
        (loop $pairs
          (local.set $qend (i32.add (local.get $pair) ${pairBytes}))
          (local.set $qmain (i32.sub (local.get $qend) (local.get $rest)))
          (local.set $dp (local.get $start))
          (local.set $m0 (v128.load (local.get $ms)))
          (local.set $m1 (v128.load offset=16 (local.get $ms)))
${block(kind, flavour, width)}
          (v128.store (local.get $ms) (local.get $m0))
          (v128.store offset=16 (local.get $ms) (local.get $m1))
          (local.set $ms (i32.add (local.get $ms) (i32.const 32)))
          (local.set $pair (local.get $qend))
          (br_if $pairs (i32.lt_u (local.get $ms) (local.get $msEnd))))`;
	const tails = Array.from({ length: panels - 1 }, (_, i) => i + 1)
		.map((width) => `(if (i32.eq (local.get $shape) (i32.const ${width})) (then${overPairs(width)}))`)
		.join('\n');
	const pairTails = Array.from({ length: panels - 1 }, (_, i) => i + 1)
		.map((width) => `(if (i32.eq (local.get $shape) (i32.const ${width})) (then\n${block(kind, flavour, width)}))`)
		.join('\n');
	const blocksOuter = `      (local.set $ms (local.get $scratch))
      (loop $init
        (v128.store (local.get $ms) ${minusInf})
        (v128.store offset=16 (local.get $ms) ${minusInf})
        (local.set $ms (i32.add (local.get $ms) (i32.const 32)))
        (br_if $init (i32.lt_u (local.get $ms) (local.get $msEnd))))
      (local.set $dp ${docStart})
      (local.set $b (i32.const 0))
      (block $blocksDone (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $nBlocks)))${overPairs(panels)}
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
${tails}
      (local.set $ms (local.get $scratch))
      (loop $sum
        (local.set $m0 (v128.load (local.get $ms)))
        (local.set $m1 (v128.load offset=16 (local.get $ms)))
        (local.set $total (f64.add (local.get $total) (f64.add ${hmax(kind, 'm0')} ${hmax(kind, 'm1')})))
        (local.set $ms (i32.add (local.get $ms) (i32.const 32)))
        (br_if $sum (i32.lt_u (local.get $ms) (local.get $msEnd))))))
`;
	const pairsOuter = `      (local.set $pair (local.get $qbase))
      (loop $pairs
        (local.set $qend (i32.add (local.get $pair) ${pairBytes}))
        (local.set $qmain (i32.sub (local.get $qend) (local.get $rest)))
        (local.set $m0 ${minusInf})
        (local.set $m1 ${minusInf})
        (local.set $dp ${docStart})
        (local.set $b (i32.const 0))
        (block $blocksDone (loop $blocks
          (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $nBlocks)))
${block(kind, flavour, panels)}
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br $blocks)))
${pairTails}
        (local.set $total (f64.add (local.get $total) (f64.add ${hmax(kind, 'm0')} ${hmax(kind, 'm1')})))
        (local.set $pair (local.get $qend))
        (br_if $pairs (i32.lt_u (local.get $pair) (local.get $qendAll))))))
`;
	return `
(func $score_${variant} (export "score_${variant}")
  (param $qbase i32) (param $nPairs i32) (param $dimP i32) (param $table i32)
  (param $first i32) (param $end i32) (param $out i32) (param $scratch i32) ${extraParam}
  ${locals} ${vlocals} (local $msEnd i32) (local $qendAll i32) (local $total f64) (local $rest i32)
  ;; query bytes of the k steps the unrolled loop leaves to the remainder loop (8 bytes per step)
  (local.set $rest (i32.shl (i32.and (i32.shr_u (local.get $dimP) (i32.const ${kind === 'f32' ? 0 : 1})) (i32.const ${UNROLL - 1})) (i32.const 3)))
  (local.set $msEnd (i32.add (local.get $scratch) (i32.shl (local.get $nPairs) (i32.const 5))))
  (local.set $qendAll (i32.add (local.get $qbase) (i32.mul (local.get $nPairs) ${pairBytes})))
  (local.set $e (local.get $first))
  (block $done (loop $docs
    (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
    (local.set $entry (i32.add (local.get $table) (i32.shl (local.get $e) (i32.const 4))))
    (local.set $shape (i32.load offset=8 (local.get $entry)))
    (local.set $nBlocks (i32.shr_u (local.get $shape) (i32.const 3)))
    (local.set $shape (i32.and (local.get $shape) (i32.const 7)))
    (local.set $total (f64.const 0))
    ;; a doc with no tokens scores 0 (the loops below would sum -inf maxima)
    (if (i32.or (local.get $nBlocks) (local.get $shape)) (then
${variant === 'f16' ? decodeHalves(panels) : ''}${order === 'blocks-outer' ? blocksOuter : pairsOuter}    (f32.store (i32.add (local.get $out) (i32.shl (local.get $e) (i32.const 2))) ${finish})
    (local.set $e (i32.add (local.get $e) (i32.const 1)))
    (br $docs))))`;
}

/**
 * `pack_f32(src, rows, dim, dst)`: the f32 doc layout above (`packDocF32` in `pack.ts`, the reference)
 * written from `rows x dim` row-major f32 values at `src` to `dst` (no overlap). Per panel, 4 rows are
 * read 4 components at a time and transposed in registers (4 x 4, eight shuffles), so a component of
 * the 4 tokens is one store; a dim that is not a multiple of 4 ends with single values, and the padded
 * components are zeros. Rescoring and PLAID's finalists pack every call's documents: in JS the strided
 * writes took ~2/3 of rescoring 100 x 250-token documents (9.7 ms of 14.8 ms on 2 threads in Node).
 */
function packFunction(flavour: F32Flavour): string {
	const panels = BLOCK_PANELS[flavour];
	// (a0 b0 a1 b1) from rows a, b (lanes 0-1), (a2 b2 a3 b3) from lanes 2-3; then the two halves joined.
	const lo = 'i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23';
	const hi = 'i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31';
	const first = 'i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23';
	const second = 'i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31';
	const rows = [0, 1, 2, 3];
	return `
(func $pack_f32 (export "pack_f32") (param $src i32) (param $rows i32) (param $dim i32) (param $dst i32)
  (local $dimP i32) (local $panels i32) (local $nBlocks i32) (local $b i32) (local $width i32) (local $stride i32)
  (local $base i32) (local $p i32) (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $o i32)
  (local $k i32) (local $last i32) (local $firstRow i32) (local $rowBytes i32)
  (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $lo01 v128) (local $lo23 v128) (local $hi01 v128) (local $hi23 v128)
  (if (i32.eqz (local.get $rows)) (then (return)))
  (local.set $dimP (i32.and (i32.add (local.get $dim) (i32.const 3)) (i32.const -4)))
  (local.set $panels (i32.shr_u (i32.add (local.get $rows) (i32.const 3)) (i32.const 2)))
  (local.set $nBlocks (i32.div_u (local.get $panels) (i32.const ${panels})))
  (local.set $last (i32.sub (local.get $rows) (i32.const 1)))
  (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
  (local.set $b (i32.const 0))
  (block $blocksDone (loop $blocks
    ;; full blocks of ${panels} panels, then the tail (panels mod ${panels}), which may be empty
    (br_if $blocksDone (i32.gt_u (local.get $b) (local.get $nBlocks)))
    (local.set $width (select (i32.const ${panels}) (i32.rem_u (local.get $panels) (i32.const ${panels})) (i32.lt_u (local.get $b) (local.get $nBlocks))))
    (br_if $blocksDone (i32.eqz (local.get $width)))
    (local.set $stride (i32.shl (local.get $width) (i32.const 4)))
    (local.set $base (i32.add (local.get $dst) (i32.mul (local.get $b) (i32.shl (local.get $dimP) (i32.const ${Math.log2(panels * 16)})))))
    (local.set $p (i32.const 0))
    (loop $panels
      ;; the panel's 4 tokens; past the last row the last one repeats (a duplicate cannot change a max)
      (local.set $firstRow (i32.shl (i32.add (i32.mul (local.get $b) (i32.const ${panels})) (local.get $p)) (i32.const 2)))
${rows.map((t) => `      (local.set $t${t} (i32.add (local.get $src) (i32.mul (local.get $rowBytes) (select (local.get $last) (i32.add (local.get $firstRow) (i32.const ${t})) (i32.gt_u (i32.add (local.get $firstRow) (i32.const ${t})) (local.get $last))))))`).join('\n')}
      (local.set $o (i32.add (local.get $base) (i32.shl (local.get $p) (i32.const 4))))
      (local.set $k (i32.const 4))
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.gt_u (local.get $k) (local.get $dim)))
${rows.map((t) => `        (local.set $v${t} (v128.load (local.get $t${t})))`).join('\n')}
        (local.set $lo01 (${lo} (local.get $v0) (local.get $v1)))
        (local.set $lo23 (${lo} (local.get $v2) (local.get $v3)))
        (local.set $hi01 (${hi} (local.get $v0) (local.get $v1)))
        (local.set $hi23 (${hi} (local.get $v2) (local.get $v3)))
        (v128.store (local.get $o) (${first} (local.get $lo01) (local.get $lo23)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (v128.store (local.get $o) (${second} (local.get $lo01) (local.get $lo23)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (v128.store (local.get $o) (${first} (local.get $hi01) (local.get $hi23)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (v128.store (local.get $o) (${second} (local.get $hi01) (local.get $hi23)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
${rows.map((t) => `        (local.set $t${t} (i32.add (local.get $t${t}) (i32.const 16)))`).join('\n')}
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $quads)))
      ;; the last dim mod 4 components one value at a time, then zeros up to dimP
      (local.set $k (i32.sub (local.get $k) (i32.const 4)))
      (block $singlesDone (loop $singles
        (br_if $singlesDone (i32.ge_u (local.get $k) (local.get $dim)))
${rows.map((t) => `        (f32.store offset=${t * 4} (local.get $o) (f32.load (local.get $t${t})))`).join('\n')}
${rows.map((t) => `        (local.set $t${t} (i32.add (local.get $t${t}) (i32.const 4)))`).join('\n')}
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $singles)))
      (block $zerosDone (loop $zeros
        (br_if $zerosDone (i32.ge_u (local.get $k) (local.get $dimP)))
        (v128.store (local.get $o) ${ZERO})
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $zeros)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $panels (i32.lt_u (local.get $p) (local.get $width))))
    (local.set $b (i32.add (local.get $b) (i32.const 1)))
    (br $blocks))))`;
}

/**
 * Accumulators of the ceiling loop, 2 x panels: as many independent chains as the pipes need (FMA:
 * latency 4 x 2 pipes = 8; mul + add: add latency 3 x 2 add pipes = 6) and no more, because TurboFan
 * spills past ~14 live xmm values, and a spilled accumulator turns the loop latency-bound.
 */
const CEILING_PANELS: Record<F32Flavour, number> = { simd: 3, relaxed: 4 };

/**
 * The machine's ceiling for the f32 inner loop: 2 rows x panels of multiply-adds on registers
 * (only the two query splats come from memory, bytes 0..7, as in the kernel), `iterations` times;
 *  returns a lane so nothing is dead. Flop per iteration: `ceilingFlopPerIteration(flavour)`.
 */
function ceilingFunction(flavour: F32Flavour): string {
	const panels = CEILING_PANELS[flavour];
	const lines: string[] = [];
	for (let u = 0; u < 1; u++) {
		// x and y are loaded every step, as the kernel's query splats are: with constants TurboFan
		// hoists x * d out of the loop, and computing them would take the add pipes the kernel uses.
		lines.push('(local.set $x (v128.load32_splat (i32.const 0)))');
		lines.push('(local.set $y (v128.load32_splat (i32.const 4)))');
		for (let p = 0; p < panels; p++) {
			lines.push(`(local.set $a0${p} ${madd('f32', flavour, `a0${p}`, 'x', `d${p}`)})`);
			lines.push(`(local.set $a1${p} ${madd('f32', flavour, `a1${p}`, 'y', `d${p}`)})`);
		}
	}
	const names = [0, 1].flatMap((r) => Array.from({ length: panels }, (_, p) => `a${r}${p}`));
	const panelVectors = Array.from({ length: panels }, (_, p) => `d${p}`);
	let sum = get(names[0]);
	for (const n of names.slice(1)) sum = `(f32x4.add ${sum} ${get(n)})`;
	return `
(func $ceiling (export "ceiling") (param $iterations i32) (result f32)
  ${['x', 'y', ...panelVectors, ...names].map((n) => `(local $${n} v128)`).join(' ')}
  ${panelVectors.map((d, p) => `(local.set $${d} (f32x4.splat (f32.const ${(p + 1) / 4})))`).join('\n  ')}
  (loop $it
    ${lines.join('\n    ')}
    (local.set $iterations (i32.sub (local.get $iterations) (i32.const 1)))
    (br_if $it (i32.gt_s (local.get $iterations) (i32.const 0))))
  (f32x4.extract_lane 0 ${sum}))`;
}

/** Flop per `ceiling` iteration: 2 rows x panels x 4 lanes x 2 (48 for SIMD128, 64 for relaxed). */
export function ceilingFlopPerIteration(flavour: F32Flavour): number {
	return 16 * CEILING_PANELS[flavour];
}

/**
 * WAT text of one kernel module: `score_f32`, `score_i16`, `score_f16`, `ceiling` and `pack_f32`, importing `env.memory`.
 * @example maxsimWat({ flavour: 'simd', shared: false }).startsWith('(module') // true
 */
export function maxsimWat(options: KernelOptions): string {
	const memory = options.shared ? `(memory 1 ${MAX_PAGES} shared)` : '(memory 1)';
	return `;; Generated by kernels/build.ts from kernels/wasm/maxsim-template.ts (${options.flavour}, ${
		options.shared ? 'shared' : 'unshared'
	} memory). Do not edit.
(module
(import "env" "memory" ${memory})
${scoreFunction('f32', options.flavour, ORDER.f32)}
${scoreFunction('i16', options.flavour, ORDER.i16)}
${scoreFunction('f16', options.flavour, ORDER.f32)}
${ceilingFunction(options.flavour)}
${packFunction(options.flavour)}
)
`;
}
