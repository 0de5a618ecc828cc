//! Which members a package's own build compiles, for predictions (shard costs): the same
//! resolution as the verdict keys', over the members only.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::{PkgIx, Workspace};

use crate::model::{members_only, resolver_2};
use crate::resolve::{Request, resolve};

/// For each of `packages`, the other members `cargo test -p P --all-targets` compiles with
/// P's default features: its dependencies of every kind, theirs except dev-dependencies, and
/// an optional one only when a feature that is on turns it on.
pub fn members_built_alone(
    workspace: &Workspace,
    packages: &[PkgIx],
) -> BTreeMap<PkgIx, BTreeSet<PkgIx>> {
    let model = members_only(workspace);
    let resolver_2 = resolver_2(workspace);
    let defaults = Request {
        default: true,
        ..Request::default()
    };
    packages
        .iter()
        .map(|&start| {
            let reached = resolve(&model, &[(start, &defaults)], resolver_2);
            let members = reached.keys().map(|(ix, _)| *ix).filter(|ix| *ix != start);
            (start, members.collect())
        })
        .collect()
}
