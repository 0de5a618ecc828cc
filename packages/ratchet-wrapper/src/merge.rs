//! A package's new cost from a run that rebuilt only some of its crates.

use ratchet_events::measure::PackageCost;

/// `fresh` (this run's calls for a package) completed with the calls of `previous` that this
/// run did not repeat, when this run built none of its tests: a run that builds a package only
/// as a dependency (its library) must not make it look as cheap as its library alone. A run
/// that built its tests built every target it has, so its calls are the whole package (a
/// deleted target drops out). The totals are the sums of the calls.
pub fn keep_unrebuilt(previous: Option<&PackageCost>, fresh: &mut PackageCost) {
    let Some(previous) = previous else { return };
    if fresh.crates.iter().any(|c| c.kind == "test") {
        return;
    }
    let rebuilt = |name: &str, kind: &str| {
        fresh
            .crates
            .iter()
            .any(|c| c.crate_name == name && c.kind == kind)
    };
    let kept: Vec<_> = previous
        .crates
        .iter()
        .filter(|c| !rebuilt(&c.crate_name, &c.kind))
        .cloned()
        .collect();
    fresh.crates.extend(kept);
    fresh.cpu_ms = fresh.crates.iter().map(|c| c.cpu_ms).sum();
    fresh.wall_ms = fresh.crates.iter().map(|c| c.wall_ms).sum();
}

#[cfg(test)]
mod tests {
    use ratchet_events::measure::CrateCost;

    use super::*;

    fn call(kind: &str, cpu_ms: u64) -> CrateCost {
        CrateCost {
            crate_name: "a".into(),
            kind: kind.into(),
            cpu_ms,
            wall_ms: cpu_ms + 1,
        }
    }

    #[test]
    fn a_library_rebuilt_alone_keeps_the_recorded_test_build() {
        let previous = PackageCost {
            cpu_ms: 500,
            wall_ms: 502,
            crates: vec![call("lib", 200), call("test", 300)],
            ..PackageCost::default()
        };
        let mut fresh = PackageCost {
            cpu_ms: 150,
            wall_ms: 151,
            crates: vec![call("lib", 150)],
            ..PackageCost::default()
        };
        keep_unrebuilt(Some(&previous), &mut fresh);
        assert_eq!((fresh.cpu_ms, fresh.wall_ms), (450, 452));
        assert_eq!(fresh.crates, [call("lib", 150), call("test", 300)]);
        let mut alone = fresh.clone();
        keep_unrebuilt(None, &mut alone);
        assert_eq!(alone, fresh);
        // Built with its tests: the whole package, an old crate of another name drops out.
        let mut again = PackageCost {
            cpu_ms: 30,
            wall_ms: 32,
            crates: vec![call("lib", 10), call("test", 20)],
            ..PackageCost::default()
        };
        let mut old = previous.clone();
        old.crates.push(call("bin", 99));
        keep_unrebuilt(Some(&old), &mut again);
        assert_eq!((again.cpu_ms, again.crates.len()), (30, 2));
    }
}
