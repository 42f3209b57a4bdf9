/**
 * Source of the nearest-centroid kernel (WASM SIMD128) that k-means assignment and the residual
 * codec's encoding run (`src/lib/engine/compress/nearest-centroids-wasm.ts`): a TypeScript template
 * that writes WAT, assembled by `kernels/build-kernels.ts` into `kernels/wasm/nearest-centroid.wasm`
 * and the generated module `src/lib/engine/compress/generated/nearest-kernel.ts`.
 *
 * Memory layout (byte offsets, little-endian; `dimP` = dim rounded up to a multiple of 4, the extra
 * components 0, which add exactly 0 to every f32 sum):
 * - Centroids in panels of 8: panel p stores, for component d = 0..dimP-1, the 8 values
 *   `c[8p + t][d]`, t = 0..7 (32 bytes per d; k padded to a multiple of 8 with zero centroids whose
 *   bias is +Infinity, so their score is -Infinity and never wins). Resident for the whole call.
 * - Bias: 8 f32 per panel (score = `x . c - bias`).
 * - Rows in blocks of 4, pre-splatted: block b stores, for d = 0..dimP-1, row r = 0..3, the value
 *   `x[4b + r][d]` four times (64 bytes per d). Splatting in JS costs a copy per value; in the
 *   kernel `v128.load32_splat` costs a vector ALU op besides the load on this CPU
 *   (`storage-template.ts` measured it), and the dot products leave no ALU slot free.
 * - State: 48 bytes per row: f32x4 best, f32x4 second best, i32x4 best id. Lane t of a row tracks
 *   the centroids with id % 4 = t, in increasing id order with a strict `>`, so within a lane ties
 *   keep the lower id; the caller merges the 4 lanes and gets the row's best, its id and the
 *   runner-up score (the margin that tells it whether f32 rounding could have changed the argmax).
 *
 * Exports:
 * - `nearest(x, nBlocks, c, p0, p1, dimP, bias, state)`: for blocks 0..nBlocks-1 of rows at `x`
 *   and centroid panels p0..p1-1, folds each score into the rows' state (initialised by the caller
 *   to -Infinity / -Infinity / 0). Register block 4 rows x 8 centroids: per d, 4 row loads + 2
 *   centroid loads, 8 `f32x4.mul` + 8 `f32x4.add` into 8 accumulators, d unrolled by 4. The caller
 *   tiles the panels (p0..p1 small enough to stay in L2 while all row blocks pass over them).
 * - `dots(x, nBlocks, c, nPanels, dimP, out, rowBytes)`: all scores of row blocks against all panels,
 *   stored row-major (no bias, no state): PLAID's query-token x centroid probe.
 * - `scores(x, c, nPanels, dimP, bias, out)`: the f32 scores of row 0 of the block at `x` against
 *   every centroid, `out[j] = x . c_j - bias_j` (8 per panel), summed in the same order as `nearest`
 *   (one f32 accumulator per centroid, d increasing), for the rows the caller must check exactly.
 */

/** Centroids per panel (2 f32x4 groups). */
export const NEAREST_PANEL = 8;
/** Rows per block. */
export const NEAREST_ROWS = 4;
/** Bytes of state per row. */
export const NEAREST_STATE_BYTES = 48;

const R = NEAREST_ROWS;
const H = NEAREST_PANEL / 4;
/** Components per unrolled step (dimP is a multiple of it). */
const UNROLL = 4;

const get = (name: string) => `(local.get $${name})`;

/** Accumulator names of the 4 rows x 8 centroids register block (`a{row}{half}`). */
function blockAccumulators(): string[] {
	const acc: string[] = [];
	for (let r = 0; r < R; r++) for (let h = 0; h < H; h++) acc.push(`a${r}${h}`);
	return acc;
}

/** One unrolled d step of the register block: per component 4 row loads, 2 centroid loads, 8 mul + 8 add. */
function blockStep(): string[] {
	const step: string[] = [];
	for (let u = 0; u < UNROLL; u++) {
		for (let r = 0; r < R; r++) step.push(`(local.set $x${r} (v128.load offset=${64 * u + 16 * r} ${get('xp')}))`);
		for (let h = 0; h < H; h++) step.push(`(local.set $c${h} (v128.load offset=${32 * u + 16 * h} ${get('cq')}))`);
		for (let r = 0; r < R; r++) {
			for (let h = 0; h < H; h++) step.push(`(local.set $a${r}${h} (f32x4.add ${get(`a${r}${h}`)} (f32x4.mul ${get(`x${r}`)} ${get(`c${h}`)})))`);
		}
	}
	return step;
}

/**
 * The 4 x 8 dot products of row block `$xb` with centroid panel `$cp` into the accumulators: zeroed,
 * then the unrolled d loop. Shared by `nearest` (which folds them into the rows' state) and `dots`
 * (which stores them); the enclosing function declares the locals.
 */
function blockDotProducts(): string {
	const zero = blockAccumulators().map((a) => `(local.set $${a} (v128.const i32x4 0 0 0 0))`);
	return `${zero.join('\n            ')}
            (local.set $xp ${get('xb')})
            (local.set $cq ${get('cp')})
            (local.set $end (i32.add ${get('xb')} ${get('blockBytes')}))
            ;; d loop, ${UNROLL} components per step (dimP >= 4, a multiple of 4)
            (loop $d
              ${blockStep().join('\n              ')}
              (local.set $xp (i32.add ${get('xp')} (i32.const ${64 * UNROLL})))
              (local.set $cq (i32.add ${get('cq')} (i32.const ${32 * UNROLL})))
              (br_if $d (i32.lt_u ${get('xp')} ${get('end')})))`;
}

function nearestFunc(): string {
	const acc = blockAccumulators();
	const update: string[] = [];
	for (let r = 0; r < R; r++) {
		update.push(`(local.set $sp (i32.add ${get('st')} (i32.const ${48 * r})))`);
		update.push(`(local.set $best (v128.load ${get('sp')}))`);
		update.push(`(local.set $sec (v128.load offset=16 ${get('sp')}))`);
		update.push(`(local.set $idx (v128.load offset=32 ${get('sp')}))`);
		for (let h = 0; h < H; h++) {
			update.push(`(local.set $v (f32x4.sub ${get(`a${r}${h}`)} ${get(`b${h}`)}))`);
			update.push(`(local.set $gt (f32x4.gt ${get('v')} ${get('best')}))`);
			update.push(`(local.set $sec (v128.bitselect ${get('best')} (f32x4.max ${get('sec')} ${get('v')}) ${get('gt')}))`);
			update.push(`(local.set $best (v128.bitselect ${get('v')} ${get('best')} ${get('gt')}))`);
			update.push(`(local.set $idx (v128.bitselect ${get(`id${h}`)} ${get('idx')} ${get('gt')}))`);
		}
		update.push(`(v128.store ${get('sp')} ${get('best')})`);
		update.push(`(v128.store offset=16 ${get('sp')} ${get('sec')})`);
		update.push(`(v128.store offset=32 ${get('sp')} ${get('idx')})`);
	}
	const locals = [
		...['xb', 'st', 'b', 'p', 'cp', 'xp', 'cq', 'end', 'sp', 'panelBytes', 'blockBytes'].map((n) => `(local $${n} i32)`),
		...[...acc, ...Array.from({ length: R }, (_, r) => `x${r}`), ...Array.from({ length: H }, (_, h) => `c${h}`), ...Array.from({ length: H }, (_, h) => `b${h}`), ...Array.from({ length: H }, (_, h) => `id${h}`), 'best', 'sec', 'idx', 'v', 'gt'].map((n) => `(local $${n} v128)`)
	];
	return `  (func (export "nearest")
    (param $x i32) (param $nBlocks i32) (param $c i32) (param $p0 i32) (param $p1 i32) (param $dimP i32) (param $bias i32) (param $state i32)
    ${locals.join(' ')}
    (local.set $panelBytes (i32.shl ${get('dimP')} (i32.const 5)))
    (local.set $blockBytes (i32.shl ${get('dimP')} (i32.const 6)))
    (local.set $xb ${get('x')})
    (local.set $st ${get('state')})
    (local.set $b (i32.const 0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u ${get('b')} ${get('nBlocks')}))
        (local.set $p ${get('p0')})
        (local.set $cp (i32.add ${get('c')} (i32.mul ${get('p0')} ${get('panelBytes')})))
        (block $panels_done
          (loop $panels
            (br_if $panels_done (i32.ge_u ${get('p')} ${get('p1')}))
            ${blockDotProducts()}
            ;; fold the 4 x 8 scores into the rows' state
            (local.set $sp (i32.add ${get('bias')} (i32.shl ${get('p')} (i32.const 5))))
            ${Array.from({ length: H }, (_, h) => `(local.set $b${h} (v128.load offset=${16 * h} ${get('sp')}))`).join('\n            ')}
            ${Array.from({ length: H }, (_, h) => `(local.set $id${h} (i32x4.add (i32x4.splat (i32.shl ${get('p')} (i32.const 3))) (v128.const i32x4 ${4 * h} ${4 * h + 1} ${4 * h + 2} ${4 * h + 3})))`).join('\n            ')}
            ${update.join('\n            ')}
            (local.set $p (i32.add ${get('p')} (i32.const 1)))
            (local.set $cp (i32.add ${get('cp')} ${get('panelBytes')}))
            (br $panels)))
        (local.set $xb (i32.add ${get('xb')} ${get('blockBytes')}))
        (local.set $st (i32.add ${get('st')} (i32.const ${48 * R})))
        (local.set $b (i32.add ${get('b')} (i32.const 1)))
        (br $blocks))))`;
}

/**
 * `dots(x, nBlocks, c, nPanels, dimP, out, rowBytes)`: every score of the row blocks at `x` against
 * every centroid panel, `out[row * rowBytes / 4 + j] = x_row . c_j` (no bias), with the register block
 * and the d order of `nearest`. For PLAID's probe (query tokens x all centroids).
 */
function dotsFunc(): string {
	const acc = blockAccumulators();
	const stores: string[] = [];
	for (let r = 0; r < R; r++) {
		for (let h = 0; h < H; h++) stores.push(`(v128.store offset=${16 * h} (i32.add ${get('op')} (i32.mul ${get('rowBytes')} (i32.const ${r}))) ${get(`a${r}${h}`)})`);
	}
	const locals = [
		...['xb', 'ob', 'b', 'p', 'cp', 'xp', 'cq', 'end', 'op', 'panelBytes', 'blockBytes'].map((n) => `(local $${n} i32)`),
		...[...acc, ...Array.from({ length: R }, (_, r) => `x${r}`), ...Array.from({ length: H }, (_, h) => `c${h}`)].map((n) => `(local $${n} v128)`)
	];
	return `  (func (export "dots")
    (param $x i32) (param $nBlocks i32) (param $c i32) (param $nPanels i32) (param $dimP i32) (param $out i32) (param $rowBytes i32)
    ${locals.join(' ')}
    (local.set $panelBytes (i32.shl ${get('dimP')} (i32.const 5)))
    (local.set $blockBytes (i32.shl ${get('dimP')} (i32.const 6)))
    (local.set $xb ${get('x')})
    (local.set $ob ${get('out')})
    (local.set $b (i32.const 0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u ${get('b')} ${get('nBlocks')}))
        (local.set $p (i32.const 0))
        (local.set $cp ${get('c')})
        (local.set $op ${get('ob')})
        (block $panels_done
          (loop $panels
            (br_if $panels_done (i32.ge_u ${get('p')} ${get('nPanels')}))
            ${blockDotProducts()}
            ${stores.join('\n            ')}
            (local.set $p (i32.add ${get('p')} (i32.const 1)))
            (local.set $cp (i32.add ${get('cp')} ${get('panelBytes')}))
            (local.set $op (i32.add ${get('op')} (i32.const 32)))
            (br $panels)))
        (local.set $xb (i32.add ${get('xb')} ${get('blockBytes')}))
        (local.set $ob (i32.add ${get('ob')} (i32.shl ${get('rowBytes')} (i32.const 2))))
        (local.set $b (i32.add ${get('b')} (i32.const 1)))
        (br $blocks))))`;
}

function scoresFunc(): string {
	return `  (func (export "scores")
    (param $x i32) (param $c i32) (param $nPanels i32) (param $dimP i32) (param $bias i32) (param $out i32)
    (local $p i32) (local $xp i32) (local $cq i32) (local $end i32) (local $o i32)
    (local $a0 v128) (local $a1 v128) (local $xv v128)
    (local.set $end (i32.add ${get('x')} (i32.shl ${get('dimP')} (i32.const 6))))
    (local.set $cq ${get('c')})
    (local.set $p (i32.const 0))
    (block $panels_done
      (loop $panels
        (br_if $panels_done (i32.ge_u ${get('p')} ${get('nPanels')}))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $xp ${get('x')})
        (loop $d
          (local.set $xv (v128.load ${get('xp')}))
          (local.set $a0 (f32x4.add ${get('a0')} (f32x4.mul ${get('xv')} (v128.load ${get('cq')}))))
          (local.set $a1 (f32x4.add ${get('a1')} (f32x4.mul ${get('xv')} (v128.load offset=16 ${get('cq')}))))
          (local.set $xp (i32.add ${get('xp')} (i32.const 64)))
          (local.set $cq (i32.add ${get('cq')} (i32.const 32)))
          (br_if $d (i32.lt_u ${get('xp')} ${get('end')})))
        (local.set $o (i32.shl ${get('p')} (i32.const 5)))
        (v128.store (i32.add ${get('out')} ${get('o')}) (f32x4.sub ${get('a0')} (v128.load (i32.add ${get('bias')} ${get('o')}))))
        (v128.store offset=16 (i32.add ${get('out')} ${get('o')}) (f32x4.sub ${get('a1')} (v128.load offset=16 (i32.add ${get('bias')} ${get('o')}))))
        (local.set $p (i32.add ${get('p')} (i32.const 1)))
        (br $panels))))`;
}

/**
 * The kernel's WAT text (one module, its own growable memory).
 * @example nearestWat().startsWith(';;') // true
 */
export function nearestWat(): string {
	return `;; Generated by \`npm run build:kernels\` from kernels/wasm/nearest-template.ts. Do not edit.
;; Nearest centroid (largest x . c - bias) per row, WASM SIMD128; layout in the template's header.
(module
  (memory (export "memory") 1 65536)
${nearestFunc()}
${scoresFunc()}
${dotsFunc()})
`;
}
