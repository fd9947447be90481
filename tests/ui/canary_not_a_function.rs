#[tapedeck::canary(tier = "critical")]
const CHECK: u32 = 1;

fn main() {}
