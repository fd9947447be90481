//! The named arguments each attribute accepts.

use crate::args::{Kind, Spec};

const MODE: Spec = Spec {
    name: "mode",
    kind: Kind::Str,
    example: "mode = \"strict\"",
};

const TOOLS: Spec = Spec {
    name: "tools",
    kind: Kind::Path,
    example: "tools = my_tools",
};

const TIER: Spec = Spec {
    name: "tier",
    kind: Kind::Str,
    example: "tier = \"critical\"",
};

/// `#[agent_fixture("folder", mode = .., tools = .., tier = ..)]`.
pub const AGENT_FIXTURE: &[Spec] = &[MODE, TOOLS, TIER];

/// `#[canary(tier = .., tools = ..)]`.
pub const CANARY: &[Spec] = &[TIER, TOOLS];
