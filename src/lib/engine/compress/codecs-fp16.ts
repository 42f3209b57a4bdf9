/**
 * IEEE 754 half precision (binary16) for the `fp16` storage format: 1 sign bit, 5 exponent bits
 * (bias 15), 10 mantissa bits. Encoding rounds to nearest, ties to even, as IEEE 754 requires (and
 * as numpy's `astype(float16)` does), including into the subnormal range; magnitudes that round
 * past 65504 become Infinity; NaN stays NaN (quiet, top payload bits kept).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float32 (given as a number, first rounded to float32) to its half bit pattern. */
export function toHalfBits(value: number): number {
	f32[0] = value;
	const x = u32[0];
	const sign = (x >>> 16) & 0x8000;
	const exp32 = (x >>> 23) & 0xff;
	const mant = x & 0x7fffff;
	if (exp32 === 0xff) return mant ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00;
	const e = exp32 - 127 + 15; // half exponent field, if the value were normal in half
	if (e >= 0x1f) return sign | 0x7c00;
	if (e >= 1) {
		// Normal: keep 10 of the 23 mantissa bits; a carry out of the mantissa bumps the exponent,
		// up to 0x7c00 (Infinity), which is exactly IEEE overflow under round-to-nearest.
		let half = (e << 10) | (mant >>> 13);
		const rest = mant & 0x1fff;
		if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
		return sign | half;
	}
	// Subnormal half: with M the 24-bit mantissa (hidden bit set), the value is M / 2^(14 - e) units of 2^-24.
	if (e < -10) return sign; // below half of the smallest subnormal (2^-25): rounds to zero
	const full = mant | 0x800000;
	const shift = 14 - e; // 14..24
	let half = full >>> shift;
	const rest = full & ((1 << shift) - 1);
	const halfway = 1 << (shift - 1);
	if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++; // a carry gives the smallest normal, 0x0400
	return sign | half;
}

/** One half bit pattern to its value (exact: every half is a float32). */
export function fromHalfBits(h: number): number {
	const sign = h & 0x8000 ? -1 : 1;
	const exp = (h >>> 10) & 0x1f;
	const mant = h & 0x3ff;
	if (exp === 0) return sign * mant * 2 ** -24;
	if (exp === 0x1f) return mant ? NaN : sign * Infinity;
	return sign * (1024 + mant) * 2 ** (exp - 25);
}

/**
 * Float32 values to IEEE half bit patterns, round to nearest even.
 * @example encodeFp16(Float32Array.of(1, -2, 65504, 1e-8)) // Uint16Array [0x3c00, 0xc000, 0x7bff, 0x0000]
 */
export function encodeFp16(x: Float32Array): Uint16Array {
	const out = new Uint16Array(x.length);
	for (let i = 0; i < x.length; i++) out[i] = toHalfBits(x[i]);
	return out;
}

/**
 * IEEE half bit patterns to float32 values (exact).
 * @example decodeFp16(Uint16Array.of(0x3555)) // Float32Array [0.333251953125]
 */
export function decodeFp16(h: Uint16Array): Float32Array {
	const out = new Float32Array(h.length);
	for (let i = 0; i < h.length; i++) out[i] = fromHalfBits(h[i]);
	return out;
}
