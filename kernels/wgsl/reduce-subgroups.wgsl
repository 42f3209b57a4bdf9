// Reduction prelude for adapters with the `subgroups` feature: one atomic per subgroup and row
// instead of one per invocation. Must come first in the module (the `enable` directive).
enable subgroups;

fn row_group_max(v: vec4<f32>) -> vec4<f32> {
	return subgroupMax(v);
}

fn is_row_group_leader() -> bool {
	return subgroupElect();
}
