// Query prelude for nq x dim <= 16,384 floats: the query sits in a 64 KiB uniform buffer, so every
// invocation of a workgroup reads the same row through the uniform (broadcast) path.
@group(0) @binding(5) var<uniform> query_u: array<vec4<f32>, 4096>;

fn query_at(i: u32) -> vec4<f32> {
	return query_u[i];
}
