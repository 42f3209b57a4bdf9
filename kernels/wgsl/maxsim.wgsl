// Fused MaxSim (ColBERT, Khattab & Zaharia 2020, eq. 3): score(q, d) = sum_i max_j q_i . d_j.
//
// One workgroup scores one document. Each invocation walks the document tokens t = lid, lid + WG, ...
// (four at a time) and keeps, for a block of ROWS query rows, the running maximum of q_i . d_t in
// registers; the workgroup then reduces those maxima per row and invocation 0 adds them up. The
// nq x nd similarity matrix is never written anywhere.
//
// This file is not a complete module: at run time webgpu-kernel.ts (kernelSource) prepends one
// reduction prelude (reduce-subgroups.wgsl or reduce-workgroup.wgsl, which define row_group_max and
// is_row_group_leader) and one query prelude (query-uniform.wgsl or query-storage.wgsl, which
// define query_at), chosen from the adapter's features and the query size. kernels/build-wgsl.ts
// turns every .wgsl file here into a string of src/lib/engine/maxsim/generated/maxsim-wgsl.ts.
//
// Document layout (uploaded once, resident): token-interleaved vec4. Document d with nd tokens
// starts at vec4 index base(d); component block k (dims 4k..4k+3) of token t is at
// docs[base + k * nd + t], so neighbouring invocations (neighbouring t) read neighbouring 16 bytes.
// dim is zero-padded to a multiple of 4 on both sides (zeros add nothing to a dot product).

struct Params {
	// Documents scored by this dispatch (workgroups that do work).
	count: u32,
	// Query rows.
	nq: u32,
	// Vector width in vec4 blocks: ceil(dim / 4).
	dim4: u32,
	// 1: workgroup w scores document ids[w] (subset scoring); 0: it scores document w.
	use_ids: u32,
	// Workgroups along x: dispatches past 65,535 workgroups are 2D.
	grid_x: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> docs: array<vec4<f32>>;
// Per document: (base in vec4 units, token count nd).
@group(0) @binding(2) var<storage, read> doc_meta: array<vec2<u32>>;
@group(0) @binding(3) var<storage, read> ids: array<u32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;

// Invocations per workgroup, a pipeline-overridable constant: the host picks about nd / 4 for the
// store's mean document length (webgpu-kernel.ts autoWorkgroupSize), so one step of the token loop
// covers a typical document.
override WG: u32 = 64u;
// Query rows handled per pass over the document: each loaded document vec4 is reused ROWS times.
// The kernel body is written out for exactly 8 (two vec4 accumulators).
const ROWS: u32 = 8u;
// Below any finite dot product of finite inputs (WGSL forbids an infinite constant).
const LOWEST: f32 = -3.4028234e38;

// Per-row workgroup maxima, as order-preserving u32 keys so atomicMax can combine floats.
// Workgroup memory starts zeroed, and key 0 is below the key of every float.
var<workgroup> row_max: array<atomic<u32>, ROWS>;

// Maps a float to a u32 whose unsigned order is the float order: flip all bits of negatives,
// set the sign bit of non-negatives.
fn order_key(x: f32) -> u32 {
	let b = bitcast<u32>(x);
	return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

fn from_order_key(k: u32) -> f32 {
	return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u));
}

// (a . d, b . d, c . d, e . d): four query rows against one document token block.
fn dots(a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, e: vec4<f32>, d: vec4<f32>) -> vec4<f32> {
	return vec4<f32>(dot(a, d), dot(b, d), dot(c, d), dot(e, d));
}

@compute @workgroup_size(WG)
fn maxsim(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
	let w = wid.x + wid.y * params.grid_x;
	if (w >= params.count) {
		return;
	}
	let doc = select(w, ids[w], params.use_ids != 0u);
	let info = doc_meta[doc];
	let base = info.x;
	let nd = info.y;
	let nq = params.nq;
	let dim4 = params.dim4;
	if (nd == 0u || nq == 0u) {
		if (lid == 0u) {
			scores[w] = 0.0;
		}
		return;
	}
	let leader = is_row_group_leader();
	let last = nq - 1u;
	var total = 0.0;
	for (var row0 = 0u; row0 < nq; row0 += ROWS) {
		// Offsets of this block's 8 query rows; rows past nq (last block) repeat row nq - 1, and their
		// maxima are never summed. Scalars and vec4s, not arrays: arrays indexed in a loop end up in
		// memory on some compilers (SwiftShader's among them), registers are the point here.
		let q0 = min(row0, last) * dim4;
		let q1 = min(row0 + 1u, last) * dim4;
		let q2 = min(row0 + 2u, last) * dim4;
		let q3 = min(row0 + 3u, last) * dim4;
		let q4 = min(row0 + 4u, last) * dim4;
		let q5 = min(row0 + 5u, last) * dim4;
		let q6 = min(row0 + 6u, last) * dim4;
		let q7 = min(row0 + 7u, last) * dim4;
		// Running maxima of rows 0..3 and 4..7 of the block over this invocation's tokens.
		var best_lo = vec4<f32>(LOWEST);
		var best_hi = vec4<f32>(LOWEST);
		// Four tokens per step (t, t + WG, t + 2 WG, t + 3 WG): each query vec4 loaded serves four
		// document tokens and each document vec4 eight query rows. Past the end a token index repeats
		// token nd - 1: a duplicate token cannot change a max.
		for (var t = lid; t < nd; t += 4u * WG) {
			var a0 = base + t;
			var a1 = base + min(t + WG, nd - 1u);
			var a2 = base + min(t + 2u * WG, nd - 1u);
			var a3 = base + min(t + 3u * WG, nd - 1u);
			var lo0 = vec4<f32>(0.0);
			var hi0 = vec4<f32>(0.0);
			var lo1 = vec4<f32>(0.0);
			var hi1 = vec4<f32>(0.0);
			var lo2 = vec4<f32>(0.0);
			var hi2 = vec4<f32>(0.0);
			var lo3 = vec4<f32>(0.0);
			var hi3 = vec4<f32>(0.0);
			for (var k = 0u; k < dim4; k++) {
				let d0 = docs[a0];
				let d1 = docs[a1];
				let d2 = docs[a2];
				let d3 = docs[a3];
				a0 += nd;
				a1 += nd;
				a2 += nd;
				a3 += nd;
				let x0 = query_at(q0 + k);
				let x1 = query_at(q1 + k);
				let x2 = query_at(q2 + k);
				let x3 = query_at(q3 + k);
				let x4 = query_at(q4 + k);
				let x5 = query_at(q5 + k);
				let x6 = query_at(q6 + k);
				let x7 = query_at(q7 + k);
				lo0 += dots(x0, x1, x2, x3, d0);
				hi0 += dots(x4, x5, x6, x7, d0);
				lo1 += dots(x0, x1, x2, x3, d1);
				hi1 += dots(x4, x5, x6, x7, d1);
				lo2 += dots(x0, x1, x2, x3, d2);
				hi2 += dots(x4, x5, x6, x7, d2);
				lo3 += dots(x0, x1, x2, x3, d3);
				hi3 += dots(x4, x5, x6, x7, d3);
			}
			best_lo = max(best_lo, max(max(lo0, lo1), max(lo2, lo3)));
			best_hi = max(best_hi, max(max(hi0, hi1), max(hi2, hi3)));
		}
		let group_lo = row_group_max(best_lo);
		let group_hi = row_group_max(best_hi);
		if (leader) {
			for (var r = 0u; r < 4u; r++) {
				atomicMax(&row_max[r], order_key(group_lo[r]));
				atomicMax(&row_max[r + 4u], order_key(group_hi[r]));
			}
		}
		workgroupBarrier();
		if (lid == 0u) {
			for (var r = 0u; r < ROWS; r++) {
				if (row0 + r < nq) {
					total += from_order_key(atomicLoad(&row_max[r]));
				}
				atomicStore(&row_max[r], 0u);
			}
		}
		workgroupBarrier();
	}
	if (lid == 0u) {
		scores[w] = total;
	}
}
