//! Questions asked of the graph: direct edges both ways and closures over chosen edge kinds.

use std::collections::BTreeSet;

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::{Dep, DepKind, PkgIx, Workspace};

impl Workspace {
    /// Direct dependencies of `ix` that are workspace members, with each edge's details.
    /// A pair declared in two sections (say normal and dev) yields two entries.
    pub fn deps(&self, ix: PkgIx) -> impl Iterator<Item = (PkgIx, &Dep)> + '_ {
        self.edges(ix, Direction::Outgoing)
    }

    /// Direct dependents of `ix` among workspace members, with each edge's details.
    pub fn rdeps(&self, ix: PkgIx) -> impl Iterator<Item = (PkgIx, &Dep)> + '_ {
        self.edges(ix, Direction::Incoming)
    }

    fn edges(&self, ix: PkgIx, dir: Direction) -> impl Iterator<Item = (PkgIx, &Dep)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(ix), dir)
            .map(move |e| {
                let other = match dir {
                    Direction::Outgoing => e.target(),
                    Direction::Incoming => e.source(),
                };
                (other.index(), e.weight())
            })
    }

    /// Every package reachable from `start` by following dependency edges of the given kinds
    /// (transitively), not including `start` itself unless a cycle leads back to it.
    pub fn dep_closure(&self, start: PkgIx, kinds: &[DepKind]) -> BTreeSet<PkgIx> {
        self.closure(&[start], kinds, Direction::Outgoing)
    }

    /// Every package that reaches `start` through dependency edges of the given kinds.
    pub fn rdep_closure(&self, start: PkgIx, kinds: &[DepKind]) -> BTreeSet<PkgIx> {
        self.closure(&[start], kinds, Direction::Incoming)
    }

    fn closure(&self, starts: &[PkgIx], kinds: &[DepKind], dir: Direction) -> BTreeSet<PkgIx> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<PkgIx> = starts.to_vec();
        while let Some(ix) = stack.pop() {
            for (next, dep) in self.edges(ix, dir) {
                if kinds.contains(&dep.kind) && seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        seen
    }

    /// Package indices in an order where every package comes after its normal and build
    /// dependencies (cargo forbids cycles through those edges). Dev edges are ignored.
    pub fn build_order(&self) -> Vec<PkgIx> {
        let mut order = Vec::with_capacity(self.packages.len());
        let mut state = vec![0u8; self.packages.len()]; // 0 new, 1 visiting, 2 done
        for ix in 0..self.packages.len() {
            self.visit_post_order(ix, &mut state, &mut order);
        }
        order
    }

    fn visit_post_order(&self, root: PkgIx, state: &mut [u8], order: &mut Vec<PkgIx>) {
        // Iterative depth-first search so a deep chain of packages cannot overflow the stack.
        let mut stack = vec![(root, false)];
        while let Some((ix, expanded)) = stack.pop() {
            if expanded {
                state[ix] = 2;
                order.push(ix);
                continue;
            }
            if state[ix] != 0 {
                continue;
            }
            state[ix] = 1;
            stack.push((ix, true));
            for (dep, edge) in self.deps(ix) {
                if edge.kind != DepKind::Dev && state[dep] == 0 {
                    stack.push((dep, false));
                }
            }
        }
    }

    /// Number of dependency edges between members (pairs declared in two sections count twice).
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }
}
