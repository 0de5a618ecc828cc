//! Resolution of `[budget]`: defaults, overrides, tolerances and their errors.

use std::path::Path;

use ratchet_budget::{Budget, Measure};

fn parse(text: &str) -> Result<Budget, String> {
    Budget::parse(Path::new("ratchet.toml"), text, &["alpha", "beta"]).map_err(|e| e.to_string())
}

#[test]
fn own_ceiling_wins_over_default_key_by_key() {
    let b = parse(
        "[budget.defaults]\nlines = \"100 lines\"\nbuild-cpu = \"2s\"\n\
         [budget.packages.alpha]\nlines = \"300 lines\"\n",
    )
    .unwrap();
    assert_eq!(
        b.package_ceiling("alpha", Measure::Lines).unwrap().value,
        300
    );
    assert_eq!(
        b.package_ceiling("beta", Measure::Lines).unwrap().value,
        100
    );
    assert_eq!(
        b.package_ceiling("alpha", Measure::BuildCpu).unwrap().value,
        2000
    );
    assert_eq!(
        b.package_ceiling("alpha", Measure::Lines)
            .unwrap()
            .key
            .as_ref()
            .unwrap()
            .to_string(),
        "budget.packages.alpha.lines"
    );
    assert!(b.package_ceiling("alpha", Measure::ArtifactBytes).is_none());
    assert!(b.has_own("alpha", Measure::Lines) && !b.has_own("beta", Measure::Lines));
}

#[test]
fn inner_loop_defaults_to_a_minute_and_other_workspace_measures_to_none() {
    let b = parse("").unwrap();
    let inner = b.workspace_ceiling(Measure::InnerLoop).unwrap();
    assert_eq!((inner.value, inner.key.is_none()), (60_000, true));
    assert!(b.workspace_ceiling(Measure::CriticalPath).is_none());
}

#[test]
fn tolerances_default_to_exact_for_sizes_and_fifteen_percent_for_times() {
    let b = parse("[budget.tolerance]\nlines = \"2 lines\"\nsource-bytes = \"10%\"\n").unwrap();
    assert_eq!(b.tolerance(Measure::Lines, 100), 2);
    assert_eq!(b.tolerance(Measure::SourceBytes, 1000), 100);
    assert_eq!(b.tolerance(Measure::LongestFile, 400), 0);
    assert_eq!(b.tolerance(Measure::BuildCpu, 10_000), 1500);
    assert_eq!(
        b.tolerance(Measure::BuildCpu, 200),
        100,
        "floor for tiny times"
    );
}

#[test]
fn headroom_is_added_for_init_and_tighten() {
    let b = parse("[budget]\nheadroom = \"20%\"\n").unwrap();
    assert_eq!(b.with_headroom(Measure::Lines, 100), 120);
    assert_eq!(b.with_headroom(Measure::BuildCpu, 1000), 1500);
}

#[test]
fn errors_point_at_the_key_and_say_how_to_fix_it() {
    let unknown = parse("[budget]\ninner-lop = \"3s\"\n").unwrap_err();
    assert!(
        unknown.contains("did you mean `inner-loop`?") && unknown.contains("line 2"),
        "{unknown}"
    );
    let package = parse("[budget.packages]\nalpah = { lines = \"3 lines\" }\n").unwrap_err();
    assert!(
        package.contains("ratchet.toml:2:1") && package.contains("did you mean `alpha`?"),
        "{package}"
    );
    let percent = parse("[budget]\ntighten-margin = \"2 lines\"\n").unwrap_err();
    assert!(
        percent.contains(":2:1: `budget.tighten-margin`") && percent.contains("percentage"),
        "{percent}"
    );
    let wrong_kind = parse("[budget.tolerance]\nbuild-cpu = \"3 lines\"\n").unwrap_err();
    assert!(wrong_kind.contains("this key takes ms"), "{wrong_kind}");
}
