//! The Rust code of one package as data: modules of small arithmetic functions.
//!
//! The same data is both rendered to source and evaluated here, so the generated tests can
//! assert exact values (a test that compares a function with itself could never fail).

use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Source lines one function takes: doc, signature, first statement, operations, brace, blank.
const LINES_PER_FUNCTION: usize = 10;
/// Operations per function (the last one is the tail expression).
const OPS_PER_FUNCTION: usize = LINES_PER_FUNCTION - 5;

/// One wrapping `u64` operation.
#[derive(Debug, Clone, Copy)]
enum Op {
    Mul(u64),
    Add(u64),
    Rotate(u32),
    XorShift(u32),
}

impl Op {
    fn draw(rng: &mut ChaCha8Rng) -> Op {
        match rng.random_range(0..4) {
            0 => Op::Mul(rng.random_range(1..32_768) * 2 + 1),
            1 => Op::Add(rng.random_range(1..1_000_000)),
            2 => Op::Rotate(rng.random_range(1..64)),
            _ => Op::XorShift(rng.random_range(1..64)),
        }
    }

    fn apply(self, v: u64) -> u64 {
        match self {
            Op::Mul(k) => v.wrapping_mul(k),
            Op::Add(k) => v.wrapping_add(k),
            Op::Rotate(k) => v.rotate_left(k),
            Op::XorShift(k) => v ^ (v >> k),
        }
    }

    fn render(self, v: &str) -> String {
        match self {
            Op::Mul(k) => format!("{v}.wrapping_mul({k})"),
            Op::Add(k) => format!("{v}.wrapping_add({k})"),
            Op::Rotate(k) => format!("{v}.rotate_left({k})"),
            Op::XorShift(k) => format!("{v} ^ ({v} >> {k})"),
        }
    }
}

/// A package's modules (each a chain of functions) and its data table.
#[derive(Debug, Clone)]
pub(crate) struct PackageCode {
    modules: Vec<Vec<Vec<Op>>>,
    /// Content of `data/table.txt`, read with `include_str!`.
    pub(crate) table: String,
}

impl PackageCode {
    /// Draws about `lines` lines of code over `modules` module files, from `seed`.
    pub(crate) fn draw(seed: u64, lines: usize, modules: usize) -> PackageCode {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let modules = modules.max(1);
        let functions = (lines / LINES_PER_FUNCTION).max(modules);
        let modules = (0..modules)
            .map(|m| {
                let count = functions / modules + usize::from(m < functions % modules);
                (0..count)
                    .map(|_| (0..OPS_PER_FUNCTION).map(|_| Op::draw(&mut rng)).collect())
                    .collect()
            })
            .collect();
        let rows = rng.random_range(3..12);
        let table = (0..rows)
            .map(|r| format!("row {r}: {}\n", rng.random::<u32>()))
            .collect();
        PackageCode { modules, table }
    }

    /// Module file names, without `.rs`.
    pub(crate) fn module_names(&self) -> Vec<String> {
        (0..self.modules.len())
            .map(|m| format!("part{m}"))
            .collect()
    }

    /// What the generated `local(x)` returns.
    pub(crate) fn local(&self, x: u64) -> u64 {
        let mut v = x.wrapping_add(self.table.len() as u64);
        for module in &self.modules {
            for function in module {
                v = function.iter().fold(v, |v, op| op.apply(v));
            }
        }
        v
    }

    /// The source of module `m`: functions `f0..fn`, each calling the previous one.
    pub(crate) fn render_module(&self, m: usize) -> String {
        let mut out = format!("//! Generated module {m}: a chain of arithmetic steps.\n\n");
        for (i, ops) in self.modules[m].iter().enumerate() {
            let _ = writeln!(out, "/// Step {i} of module {m}.");
            let _ = writeln!(out, "pub fn f{i}(x: u64) -> u64 {{");
            let input = if i == 0 {
                "x".to_string()
            } else {
                format!("f{}(x)", i - 1)
            };
            let _ = writeln!(out, "    let v = {input};");
            for op in &ops[..ops.len() - 1] {
                let _ = writeln!(out, "    let v = {};", op.render("v"));
            }
            if let Some(last) = ops.last() {
                let _ = writeln!(out, "    {}", last.render("v"));
            }
            out.push_str("}\n\n");
        }
        out.pop();
        out
    }

    /// The body of `local(x)`: the table length, then each module's last function in turn.
    pub(crate) fn render_local_body(&self) -> String {
        let mut out = String::from("    let v = x.wrapping_add(TABLE.len() as u64);\n");
        let calls: Vec<String> = self
            .modules
            .iter()
            .enumerate()
            .map(|(m, module)| format!("part{m}::f{}", module.len() - 1))
            .collect();
        for call in &calls[..calls.len() - 1] {
            let _ = writeln!(out, "    let v = {call}(v);");
        }
        if let Some(last) = calls.last() {
            let _ = writeln!(out, "    {last}(v)");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_budget_is_roughly_met() {
        let code = PackageCode::draw(7, 500, 3);
        let lines: usize = (0..3).map(|m| code.render_module(m).lines().count()).sum();
        assert!(
            (450..=560).contains(&lines),
            "{lines} lines for a budget of 500"
        );
    }

    #[test]
    fn same_seed_same_code_other_seed_other_code() {
        let a = PackageCode::draw(1, 100, 2);
        let b = PackageCode::draw(1, 100, 2);
        let c = PackageCode::draw(2, 100, 2);
        assert_eq!(a.render_module(1), b.render_module(1));
        assert_eq!(a.local(3), b.local(3));
        assert_ne!(a.render_module(1), c.render_module(1));
    }
}
