// Reduction prelude without subgroups: every invocation publishes its own maximum.
fn row_group_max(v: f32) -> f32 {
	return v;
}

fn is_row_group_leader() -> bool {
	return true;
}
