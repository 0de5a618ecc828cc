//! Under which feature set and build configuration a verdict holds.
//!
//! Owns: cargo's build flags as `check` takes them ([`BuildFlags`]); what each selected member
//! is asked for on the command line ([`Request`]); the features every member reachable from it
//! is compiled with when it is checked alone (`cargo test -p X` with the workspace's resolver),
//! which go into its verdict key; and the split of a selection into cargo runs in which no
//! member gets more features than it gets alone ([`Plan::groups`]), since cargo unifies
//! features across the packages of one command. The same resolution tells shard predictions
//! which members a package's build compiles ([`members_built_alone`]).
//!
//! Must not: run cargo, read files other than the root manifest (for the resolver version),
//! or decide anything about a verdict besides its feature set. Members only: features that one
//! package of a run turns on in an external crate another package also uses are not modelled
//! (docs/check.md lists it as a known limit).

mod flags;
mod keys;
mod model;
mod reach;
mod resolve;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use ratchet_graph::{FeatureModel, PkgIx, Workspace};

pub use flags::BuildFlags;
use model::{alone_of, members_only, requests, resolver_2};
pub use reach::members_built_alone;
pub use resolve::{Request, Resolved, Unit, resolve};

/// Bad feature flags, as cargo would reject them.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    /// `--features NAME/f` where NAME is no member.
    #[error("`--features {0}`: `{1}` is not a workspace member")]
    UnknownPackage(String, String),
    /// A feature no member has (cargo: "none of the selected packages contains these
    /// features").
    #[error("`--features {0}`: no workspace member has this feature")]
    NoSuchFeature(String),
}

/// The feature side of one `check` run: what each selected member is asked for, and its
/// features when checked alone.
#[derive(Debug)]
pub struct Plan {
    flags: BuildFlags,
    requests: BTreeMap<PkgIx, Request>,
    /// The model resolved over, read when a run needs it (not on a no-op).
    model: OnceLock<FeatureModel>,
    /// Every member's features alone, resolved when a run needs them (not on a no-op).
    alone: Mutex<BTreeMap<PkgIx, Arc<Resolved>>>,
    keys: BTreeMap<String, String>,
    resolver_2: bool,
    externals: bool,
}

impl Plan {
    /// The plan for `workspace` under `flags`; `externals`: external crates' features count
    /// too (else members only). A feature that no member has is an error, as is `NAME/f`
    /// where NAME is no member or has no `f`.
    pub fn new(
        workspace: &Workspace,
        flags: &BuildFlags,
        externals: bool,
    ) -> Result<Plan, FeatureError> {
        let mut plan = Plan {
            flags: flags.clone(),
            requests: requests(workspace, flags)?,
            model: OnceLock::new(),
            alone: Mutex::new(BTreeMap::new()),
            keys: BTreeMap::new(),
            resolver_2: resolver_2(workspace),
            externals,
        };
        let compute = || {
            let model = plan.model(workspace);
            let key = |(ix, resolved): (&PkgIx, &Resolved)| {
                let name = workspace.package(*ix).name.clone();
                (name, keys::key_of(model, flags, resolved))
            };
            let all = alone_of(model, &plan.requests, plan.resolver_2);
            all.iter().map(key).collect()
        };
        let model = keys::Model {
            requests: &plan.requests,
            resolver_2: plan.resolver_2,
            externals,
        };
        let keys = keys::keys(workspace, flags, &model, &compute);
        plan.keys = keys;
        Ok(plan)
    }

    /// The build flags.
    pub fn flags(&self) -> &BuildFlags {
        &self.flags
    }

    /// The key part of `package`: the target, the profile, and a hash of the features of
    /// every member it compiles when checked alone.
    pub fn key(&self, package: &str) -> String {
        match self.keys.get(package) {
            Some(key) => key.clone(),
            None => format!("{};unknown {package}", self.flags.key()),
        }
    }

    /// The features of every member `package` compiles when checked alone, as text
    /// (`NAME:f1,f2;` per member, `NAME host:` for a host build): what its key hashes.
    pub fn describe(&self, workspace: &Workspace, package: &str) -> String {
        let resolved = workspace
            .find(package)
            .and_then(|ix| self.alone(workspace, ix));
        resolved.map_or_else(String::new, |r| keys::describe(self.model(workspace), &r))
    }

    /// The model: every package of the resolve as kept with the snapshot, else the members.
    fn model(&self, workspace: &Workspace) -> &FeatureModel {
        self.model.get_or_init(|| {
            let full = workspace.feature_model().filter(|_| self.externals);
            full.unwrap_or_else(|| members_only(workspace))
        })
    }

    /// The features of every package member `ix` compiles when checked alone, resolved the
    /// first time a run asks (a run resolves only the packages it runs).
    fn alone(&self, workspace: &Workspace, ix: PkgIx) -> Option<Arc<Resolved>> {
        let request = self.requests.get(&ix)?;
        let known = self.lock_alone().get(&ix).cloned();
        if known.is_some() {
            return known;
        }
        let resolved = Arc::new(resolve(
            self.model(workspace),
            &[(ix, request)],
            self.resolver_2,
        ));
        self.lock_alone().insert(ix, resolved.clone());
        Some(resolved)
    }

    fn lock_alone(&self) -> std::sync::MutexGuard<'_, BTreeMap<PkgIx, Arc<Resolved>>> {
        self.alone
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Packages of `packages` a reached member of which cargo compiled with other features
    /// than it gets when the package is checked alone, by cargo's `compiler-artifact` messages
    /// (`observed`: each member's feature sets in one cargo run). Their passes must not be
    /// recorded: the key would name a feature set the verdict was not taken at.
    pub fn mismatched(
        &self,
        workspace: &Workspace,
        packages: &[String],
        observed: &BTreeMap<String, BTreeSet<Vec<String>>>,
    ) -> BTreeSet<String> {
        let members = workspace.packages.len();
        let differs = |alone: &Resolved| {
            let mut expected: BTreeMap<PkgIx, BTreeSet<Vec<String>>> = BTreeMap::new();
            // Members only: cargo's messages are read per member.
            for ((ix, _), features) in alone.iter().filter(|((ix, _), _)| *ix < members) {
                let list = features.iter().cloned().collect();
                expected.entry(*ix).or_default().insert(list);
            }
            expected.iter().any(|(ix, variants)| {
                let name = &workspace.package(*ix).name;
                observed.get(name).is_some_and(|seen| seen != variants)
            })
        };
        packages
            .iter()
            .filter(|name| {
                let alone = workspace
                    .find(name)
                    .and_then(|ix| self.alone(workspace, ix));
                alone.is_some_and(|alone| differs(&alone))
            })
            .cloned()
            .collect()
    }

    /// `packages` split into cargo runs in which every package's reach is compiled with the
    /// features it gets alone; in order, each run sorted. One run when nothing unifies.
    pub fn groups(&self, workspace: &Workspace, packages: &[String]) -> Vec<Vec<String>> {
        let all: Vec<PkgIx> = packages.iter().filter_map(|n| workspace.find(n)).collect();
        let groups = match self.holds_alone(workspace, &all) {
            true => vec![all],
            false => self.first_fit(workspace, all),
        };
        let mut named: Vec<Vec<String>> = groups
            .into_iter()
            .map(|g| {
                g.iter()
                    .map(|ix| workspace.package(*ix).name.clone())
                    .collect()
            })
            .collect();
        let known: BTreeSet<&String> = named.iter().flatten().collect();
        // A name the graph does not know runs on its own (cargo will say what is wrong).
        let unknown: Vec<Vec<String>> = packages
            .iter()
            .filter(|p| !known.contains(p))
            .map(|p| vec![p.clone()])
            .collect();
        named.extend(unknown);
        for group in &mut named {
            group.sort();
        }
        named
    }

    /// Each package into the first run where it and the others still hold alone.
    fn first_fit(&self, workspace: &Workspace, packages: Vec<PkgIx>) -> Vec<Vec<PkgIx>> {
        let mut groups: Vec<Vec<PkgIx>> = Vec::new();
        for ix in packages {
            let fits = |group: &Vec<PkgIx>| {
                let mut candidate = group.clone();
                candidate.push(ix);
                self.holds_alone(workspace, &candidate)
            };
            match groups.iter().position(fits) {
                Some(at) => groups[at].push(ix),
                None => groups.push(vec![ix]),
            }
        }
        groups
    }

    /// Whether building `group` together compiles every unit each of them reaches with the
    /// features it gets alone.
    fn holds_alone(&self, workspace: &Workspace, group: &[PkgIx]) -> bool {
        if self.explicit_features(group) && !self.resolver_2 && group.len() > 1 {
            // Resolver 1 applies `--features` to the package in the current directory only.
            return false;
        }
        let roots: Vec<(PkgIx, &Request)> = group
            .iter()
            .filter_map(|ix| Some((*ix, self.requests.get(ix)?)))
            .collect();
        let joint = resolve(self.model(workspace), &roots, self.resolver_2);
        group.iter().all(|ix| {
            self.alone(workspace, *ix).is_some_and(|alone| {
                alone
                    .iter()
                    .all(|(unit, features)| joint.get(unit) == Some(features))
            })
        })
    }

    fn explicit_features(&self, group: &[PkgIx]) -> bool {
        group.iter().any(|ix| {
            self.requests
                .get(ix)
                .is_some_and(|r| !r.features.is_empty())
        })
    }

    /// The cargo arguments for one run over `packages` (one group): the build flags and
    /// `--features` naming each package's own (`NAME/f`; plain `f` for a run of one).
    pub fn cargo_args(
        &self,
        workspace: &Workspace,
        packages: &[String],
        profile_flag: &str,
    ) -> Vec<String> {
        let mut args = self.flags.cargo_args(profile_flag);
        let mut features = Vec::new();
        for name in packages {
            let Some(request) = workspace.find(name).and_then(|ix| self.requests.get(&ix)) else {
                continue;
            };
            for feature in &request.features {
                features.push(match packages.len() {
                    1 => feature.clone(),
                    _ => format!("{name}/{feature}"),
                });
            }
        }
        if !features.is_empty() {
            args.extend(["--features".to_string(), features.join(",")]);
        }
        args
    }
}

#[cfg(test)]
mod tests;
