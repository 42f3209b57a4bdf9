// Query prelude for queries larger than the 64 KiB uniform limit (e.g. 32 x 768): a storage buffer.
@group(0) @binding(5) var<storage, read> query_s: array<vec4<f32>>;

fn query_at(i: u32) -> vec4<f32> {
	return query_s[i];
}
