// Reduction prelude without subgroups: every invocation publishes its own maximum.
fn row_group_max(v: vec4<f32>) -> vec4<f32> {
	return v;
}

fn is_row_group_leader() -> bool {
	return true;
}
