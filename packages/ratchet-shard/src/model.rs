//! What a shard costs: a fixed cost every shard pays, its packages' own times (each with a
//! per-package cost that no recorded time holds), and the build of
//! every package of the selection that its packages need but that is in another shard (a shard
//! builds what its packages need, so such a package is built on both machines).

use std::collections::{BTreeMap, BTreeSet};

use crate::Job;

/// The predicted costs a partition balances.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Costs {
    /// Each package's own predicted time: its build, lints and tests, in its own shard.
    pub jobs: Vec<Job>,
    /// What every non-empty shard pays whatever its packages (start-up, `cargo metadata`, the
    /// build plan, the test runner's start).
    pub fixed_ms: u64,
    /// What every package adds to its shard beside its recorded time: the work of a run that
    /// no rustc call or test binary times (rustfmt, rustdoc, cargo's per-unit work, starting
    /// its test binaries).
    pub per_package_ms: u64,
    /// For a package, the packages of the selection that must be built before it (its
    /// dependencies, transitively). Names that are not jobs are ignored.
    pub needs: BTreeMap<String, BTreeSet<String>>,
    /// What building a package costs a shard that holds only its dependents (its library, not
    /// its tests); 0 for a package not listed.
    pub as_dependency_ms: BTreeMap<String, u64>,
}

impl Costs {
    /// Packages with their own times only: no fixed cost, nothing needed across shards.
    pub fn of_jobs(jobs: &[Job]) -> Costs {
        Costs {
            jobs: jobs.to_vec(),
            ..Costs::default()
        }
    }
}

/// [`Costs`] by package number (names sorted, each once).
pub(crate) struct Indexed<'a> {
    pub names: Vec<&'a str>,
    pub own: Vec<u64>,
    pub dep: Vec<u64>,
    pub needs: Vec<Vec<usize>>,
    pub fixed: u64,
}

impl<'a> Indexed<'a> {
    pub fn new(costs: &'a Costs) -> Indexed<'a> {
        // One entry per name (the largest weight if a name comes twice).
        let mut weights: BTreeMap<&str, u64> = BTreeMap::new();
        for job in &costs.jobs {
            let weight = weights.entry(&job.name).or_default();
            *weight = (*weight).max(job.weight);
        }
        let names: Vec<&str> = weights.keys().copied().collect();
        let number = |name: &str| names.binary_search(&name).ok();
        let needs = names
            .iter()
            .enumerate()
            .map(|(ix, name)| {
                let listed = costs.needs.get(*name).into_iter().flatten();
                listed
                    .filter_map(|d| number(d))
                    .filter(|d| *d != ix)
                    .collect()
            })
            .collect();
        let dep = names
            .iter()
            .map(|n| costs.as_dependency_ms.get(*n).copied().unwrap_or(0))
            .collect();
        let per_package = costs.per_package_ms;
        Indexed {
            own: weights
                .values()
                .map(|w| w.saturating_add(per_package))
                .collect(),
            names,
            dep,
            needs,
            fixed: costs.fixed_ms,
        }
    }

    /// A package's cost in a shard of its own: its own time and everything it needs.
    pub fn alone(&self, p: usize) -> u64 {
        let needed: u64 = self.needs[p].iter().map(|d| self.dep[*d]).sum();
        self.own[p].saturating_add(needed)
    }
}

/// One shard while it is filled: its members and how many of them need each package.
#[derive(Clone)]
pub(crate) struct Load {
    member: Vec<bool>,
    needed_by: Vec<u32>,
    count: usize,
    /// The cost without the fixed part.
    total: u64,
}

impl Load {
    pub fn new(packages: usize) -> Load {
        Load {
            member: vec![false; packages],
            needed_by: vec![0; packages],
            count: 0,
            total: 0,
        }
    }

    /// The shard's predicted time: nothing when it is empty.
    pub fn cost(&self, m: &Indexed<'_>) -> u64 {
        match self.count {
            0 => 0,
            _ => self.total.saturating_add(m.fixed),
        }
    }

    /// The members, by package number.
    pub fn members(&self) -> Vec<usize> {
        (0..self.member.len()).filter(|p| self.member[*p]).collect()
    }

    /// The cost once `p` is added.
    pub fn with(&self, m: &Indexed<'_>, p: usize) -> u64 {
        let mut total = self.total.saturating_add(m.own[p]);
        if self.needed_by[p] > 0 {
            total = total.saturating_sub(m.dep[p]);
        }
        for d in &m.needs[p] {
            if self.needed_by[*d] == 0 && !self.member[*d] {
                total = total.saturating_add(m.dep[*d]);
            }
        }
        total.saturating_add(m.fixed)
    }

    /// The cost once `p`, a member, is taken out.
    pub fn without(&self, m: &Indexed<'_>, p: usize) -> u64 {
        if self.count <= 1 {
            return 0;
        }
        self.total_without(m, p).saturating_add(m.fixed)
    }

    fn total_without(&self, m: &Indexed<'_>, p: usize) -> u64 {
        let mut total = self.total.saturating_sub(m.own[p]);
        if self.needed_by[p] > 0 {
            total = total.saturating_add(m.dep[p]);
        }
        for d in &m.needs[p] {
            if self.needed_by[*d] == 1 && !self.member[*d] {
                total = total.saturating_sub(m.dep[*d]);
            }
        }
        total
    }

    pub fn add(&mut self, m: &Indexed<'_>, p: usize) {
        self.total = self.with(m, p).saturating_sub(m.fixed);
        self.member[p] = true;
        self.count += 1;
        for d in &m.needs[p] {
            self.needed_by[*d] += 1;
        }
    }

    pub fn remove(&mut self, m: &Indexed<'_>, p: usize) {
        self.total = self.total_without(m, p);
        self.member[p] = false;
        self.count -= 1;
        for d in &m.needs[p] {
            self.needed_by[*d] -= 1;
        }
    }
}
