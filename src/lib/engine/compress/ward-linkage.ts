/**
 * Ward hierarchical clustering over a condensed distance matrix and the `maxclust` flat cut, following
 * scipy exactly (scipy/cluster/_hierarchy.pyx: `nn_chain`, `label`, `cluster_maxclust_monocrit`,
 * `cluster_monocrit`; the Ward update is `_ward` in `_hierarchy_distance_update.pxi`). scipy applies the
 * Lance-Williams update to whatever distances it is given, so on `1 - cos` (not Euclidean) the merges are
 * scipy's, not those of Ward on the vectors: this module reproduces that arithmetic (float64, like scipy
 * after `_convert_to_double`), including its tie-breaking (first index wins; the chain prefers its
 * previous element).
 */

/** Index of pair (i, j), i != j, in a condensed `n x n` matrix (scipy `condensed_index`). */
export function condensedIndex(n: number, i: number, j: number): number {
	const a = Math.min(i, j);
	const b = Math.max(i, j);
	return n * a - (a * (a + 1)) / 2 + (b - a - 1);
}

/** scipy `_ward`: Lance-Williams for Ward, sizes of x, y (merged) and i. */
function wardUpdate(dXi: number, dYi: number, dXy: number, sizeX: number, sizeY: number, sizeI: number): number {
	const t = 1 / (sizeX + sizeY + sizeI);
	return Math.sqrt((sizeI + sizeX) * t * dXi * dXi + (sizeI + sizeY) * t * dYi * dYi - sizeI * t * dXy * dXy);
}

/**
 * Ward linkage of `n` observations given their condensed distances (length n(n-1)/2), as scipy's
 * `linkage(d, method="ward")`: rows `[a, b, distance, size]`, sorted by distance (stable), cluster ids
 * relabelled so that row k creates cluster n + k.
 * @example
 * // three points on a line at 0, 1, 3: d = [1, 3, 2]
 * wardLinkage(Float64Array.of(1, 3, 2), 3) // [[0, 1, 1, 2], [2, 3, sqrt((2·9 + 2·4 - 1)/3) = 2.8868, 3]]
 */
export function wardLinkage(condensed: ArrayLike<number>, n: number): number[][] {
	if (n < 2) return [];
	const d = Float64Array.from(condensed);
	const size = new Int32Array(n).fill(1);
	const chain = new Int32Array(n);
	let chainLength = 0;
	const z: number[][] = [];
	let y = 0;
	for (let k = 0; k < n - 1; k++) {
		if (chainLength === 0) {
			chainLength = 1;
			for (let i = 0; i < n; i++) {
				if (size[i] > 0) {
					chain[0] = i;
					break;
				}
			}
		}
		let x = 0;
		let currentMin = Infinity;
		for (;;) {
			x = chain[chainLength - 1];
			// Prefer the previous element of the chain on ties, so the chain cannot cycle (as scipy).
			if (chainLength > 1) {
				y = chain[chainLength - 2];
				currentMin = d[condensedIndex(n, x, y)];
			} else currentMin = Infinity;
			for (let i = 0; i < n; i++) {
				if (size[i] === 0 || i === x) continue;
				const dist = d[condensedIndex(n, x, i)];
				if (dist < currentMin) {
					currentMin = dist;
					y = i;
				}
			}
			if (chainLength > 1 && y === chain[chainLength - 2]) break;
			chain[chainLength++] = y;
		}
		chainLength -= 2;
		let a = x;
		let b = y;
		if (a > b) [a, b] = [b, a];
		const na = size[a];
		const nb = size[b];
		z.push([a, b, currentMin, na + nb]);
		size[a] = 0;
		size[b] = na + nb;
		for (let i = 0; i < n; i++) {
			const ni = size[i];
			if (ni === 0 || i === b) continue;
			d[condensedIndex(n, i, b)] = wardUpdate(d[condensedIndex(n, i, a)], d[condensedIndex(n, i, b)], currentMin, na, nb, ni);
		}
	}
	// numpy argsort(kind='mergesort') is stable, as Array.prototype.sort.
	const sorted = z.map((row, i) => ({ row, i })).sort((p, q) => (p.row[2] < q.row[2] ? -1 : p.row[2] > q.row[2] ? 1 : p.i - q.i)).map((e) => e.row);
	relabel(sorted, n);
	return sorted;
}

/** scipy `label`: union-find over the sorted merges so row k's new cluster is n + k. */
function relabel(z: number[][], n: number): void {
	const parent = new Int32Array(2 * n - 1);
	for (let i = 0; i < parent.length; i++) parent[i] = i;
	const sizes = new Int32Array(2 * n - 1).fill(1);
	let next = n;
	const find = (x: number): number => {
		let root = x;
		while (parent[root] !== root) root = parent[root];
		while (parent[x] !== root) {
			const up = parent[x];
			parent[x] = root;
			x = up;
		}
		return root;
	};
	for (const row of z) {
		const rx = find(row[0]);
		const ry = find(row[1]);
		row[0] = Math.min(rx, ry);
		row[1] = Math.max(rx, ry);
		parent[rx] = next;
		parent[ry] = next;
		sizes[next] = sizes[rx] + sizes[ry];
		row[3] = sizes[next];
		next++;
	}
}

/** scipy `get_max_dist_for_each_cluster`: per merge row, the largest distance in its subtree. */
function maxDists(z: number[][], n: number): Float64Array {
	const md = new Float64Array(n - 1);
	// Rows only reference earlier rows (children n + j with j < k), so one forward pass suffices.
	for (let k = 0; k < n - 1; k++) {
		let m = z[k][2];
		for (const c of [z[k][0], z[k][1]]) if (c >= n && md[c - n] > m) m = md[c - n];
		md[k] = m;
	}
	return md;
}

/**
 * scipy `cluster_monocrit`: flat cluster labels (1-based) when every subtree whose criterion is
 * `<= cutoff` becomes one cluster; labels are numbered in scipy's depth-first, left-first order.
 */
function monocrit(z: number[][], mc: Float64Array, cutoff: number, n: number): Int32Array {
	const t = new Int32Array(n);
	const visited = new Uint8Array(2 * n - 1);
	const stack = new Int32Array(n);
	let k = 0;
	stack[0] = 2 * n - 2;
	let clusters = 0;
	let leader = -1;
	while (k >= 0) {
		const root = stack[k] - n;
		const left = z[root][0];
		const right = z[root][1];
		if (leader === -1 && mc[root] <= cutoff) {
			leader = root;
			clusters++;
		}
		if (left >= n && !visited[left]) {
			visited[left] = 1;
			stack[++k] = left;
			continue;
		}
		if (right >= n && !visited[right]) {
			visited[right] = 1;
			stack[++k] = right;
			continue;
		}
		if (left < n) {
			if (leader === -1) clusters++;
			t[left] = clusters;
		}
		if (right < n) {
			if (leader === -1) clusters++;
			t[right] = clusters;
		}
		if (leader === root) leader = -1;
		k--;
	}
	return t;
}

/**
 * scipy `fcluster(Z, t=maxClusters, criterion="maxclust")`: the smallest merge-distance threshold
 * (binary search over the rows, as `cluster_maxclust_monocrit`) giving at most `maxClusters` flat
 * clusters; with tied distances there may be fewer. Labels are 1-based.
 * @example fclusterMaxclust(wardLinkage(Float64Array.of(1, 3, 2), 3), 3, 2) // Int32Array [1, 1, 2]
 */
export function fclusterMaxclust(z: number[][], n: number, maxClusters: number): Int32Array {
	if (maxClusters >= n) return Int32Array.from({ length: n }, (_, i) => i + 1);
	const mc = maxDists(z, n);
	const count = (cutoff: number) => {
		const t = monocrit(z, mc, cutoff, n);
		let max = 0;
		for (const v of t) if (v > max) max = v;
		return max;
	};
	let lower = -1;
	let upper = n - 1;
	while (upper - lower > 1) {
		const i = (lower + upper) >> 1;
		if (count(mc[i]) > maxClusters) lower = i;
		else upper = i;
	}
	return monocrit(z, mc, mc[upper], n);
}
