//! The transitive reduction `graph --reduce` draws: the edges a picture can leave out because
//! another path between the same two packages already says it.
//!
//! Normal and build edges (a DAG: cargo refuses cycles among them) are reduced as a DAG is: an
//! edge `a -> c` goes when `c` is reachable from `a` through two or more of them. A dev edge
//! `a -> c` goes when `c` is already reachable from `a` through normal and build edges (a
//! normal dependency included), or through another dev edge of `a` followed by normal and build
//! edges: what `a`'s tests get anyway. Dev edges never carry a path further (a dependency's
//! dev-dependencies are not built for its dependents), so they are never the middle of one.
//! Only the packages drawn count: a path through a package left out of the picture does not.

use std::collections::BTreeSet;

use crate::{DepKind, PkgIx, Workspace};

/// The edges of `subset` that the reduction leaves out, as `(from, to, kind)`.
pub fn implied_edges(
    workspace: &Workspace,
    subset: &BTreeSet<PkgIx>,
) -> BTreeSet<(PkgIx, PkgIx, DepKind)> {
    let out = |ix: PkgIx, dev: bool| -> BTreeSet<PkgIx> {
        workspace
            .deps(ix)
            .filter(|(to, d)| subset.contains(to) && (d.kind == DepKind::Dev) == dev)
            .map(|(to, _)| to)
            .collect()
    };
    let mut implied = BTreeSet::new();
    for &from in subset {
        let direct = out(from, false);
        // Reachable through two or more normal or build edges.
        let mut longer = BTreeSet::new();
        for &b in &direct {
            longer.extend(reach(workspace, subset, b));
        }
        for (to, dep) in workspace.deps(from).filter(|(to, _)| subset.contains(to)) {
            let gone = match dep.kind {
                DepKind::Dev => {
                    direct.contains(&to)
                        || longer.contains(&to)
                        || out(from, true)
                            .into_iter()
                            .filter(|b| *b != to)
                            .any(|b| reach(workspace, subset, b).contains(&to))
                }
                _ => longer.contains(&to),
            };
            if gone {
                implied.insert((from, to, dep.kind));
            }
        }
    }
    implied
}

/// Packages of `subset` reachable from `from` through one or more normal or build edges.
fn reach(workspace: &Workspace, subset: &BTreeSet<PkgIx>, from: PkgIx) -> BTreeSet<PkgIx> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from];
    while let Some(ix) = todo.pop() {
        for (to, dep) in workspace.deps(ix) {
            if dep.kind != DepKind::Dev && subset.contains(&to) && seen.insert(to) {
                todo.push(to);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use camino::Utf8PathBuf;

    use super::*;
    use crate::{Dep, Package};

    fn workspace(names: &[&str], edges: &[(usize, usize, DepKind)]) -> Workspace {
        let package = |name: &&str| Package {
            name: name.to_string(),
            version: "0.1.0".to_string(),
            edition: "2024".to_string(),
            manifest_path: Utf8PathBuf::from(format!("/ws/{name}/Cargo.toml")),
            dir: Utf8PathBuf::from(format!("/ws/{name}")),
            targets: Vec::new(),
            external_deps: Vec::new(),
            metadata: serde_json::Value::Null,
            cargo_pkg_env: BTreeMap::new(),
            features: BTreeMap::new(),
        };
        let dep = |kind: DepKind| Dep {
            kind,
            optional: false,
            target: None,
            rename: None,
            features: Vec::new(),
            default_features: true,
        };
        let edges = edges.iter().map(|(a, b, k)| (*a, *b, dep(*k))).collect();
        let packages = names.iter().map(package).collect();
        Workspace::from_parts("/ws".into(), "/ws/target".into(), packages, edges)
    }

    #[test]
    fn exactly_the_implied_edges_go() {
        use DepKind::{Build, Dev, Normal};
        // a -> b -> c -> d, a -> c and a -> d implied; b -> d implied; e -> d not.
        // a dev-depends on d (implied through b) and on e (not implied).
        let ws = workspace(
            &["a", "b", "c", "d", "e"],
            &[
                (0, 1, Normal),
                (1, 2, Build),
                (2, 3, Normal),
                (0, 2, Normal),
                (0, 3, Normal),
                (1, 3, Normal),
                (4, 3, Normal),
                (0, 3, Dev),
                (0, 4, Dev),
            ],
        );
        let all = (0..5).collect();
        let implied = implied_edges(&ws, &all);
        let want: BTreeSet<_> =
            [(0, 2, Normal), (0, 3, Normal), (1, 3, Normal), (0, 3, Dev)].into();
        assert_eq!(implied, want);
    }

    #[test]
    fn a_dev_path_implies_only_dev_edges_and_drawn_packages_only_count() {
        use DepKind::{Dev, Normal};
        // a dev-depends on b, b -> c; a -> c is normal: not implied by the dev path.
        // a dev-depends on c too: implied by a -> c.
        let ws = workspace(
            &["a", "b", "c"],
            &[(0, 1, Dev), (1, 2, Normal), (0, 2, Normal)],
        );
        let all = (0..3).collect();
        assert!(implied_edges(&ws, &all).is_empty());
        // x -> y -> z and x -> z; with y not drawn, x -> z stays.
        let ws = workspace(
            &["x", "y", "z"],
            &[(0, 1, Normal), (1, 2, Normal), (0, 2, Normal)],
        );
        assert!(implied_edges(&ws, &[0, 2].into()).is_empty());
        assert_eq!(
            implied_edges(&ws, &(0..3).collect()),
            [(0, 2, Normal)].into()
        );
    }
}
