//! The partition: coverage, determinism, balance, and the estimate of each package's time.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

fn jobs(weights: &[(&str, u64)]) -> Vec<Job> {
    weights
        .iter()
        .map(|(name, weight)| Job {
            name: name.to_string(),
            weight: *weight,
        })
        .collect()
}

/// A spread of weights from a fixed linear congruential sequence: no randomness crate.
fn spread(count: usize, seed: u64) -> Vec<Job> {
    let mut state = seed;
    (0..count)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            Job {
                name: format!("p{i:03}"),
                weight: 50 + (state >> 33) % 5_000,
            }
        })
        .collect()
}

#[test]
fn every_package_is_in_exactly_one_shard() {
    for count in 1..=9 {
        let input = spread(40, count as u64);
        let shards = partition(&input, count).unwrap();
        assert_eq!(shards.len(), count);
        let mut seen = BTreeSet::new();
        for shard in &shards {
            for package in &shard.packages {
                assert!(seen.insert(package.clone()), "{package} twice");
            }
        }
        let all: BTreeSet<String> = input.iter().map(|j| j.name.clone()).collect();
        assert_eq!(seen, all, "{count} shards");
        let total: u64 = input.iter().map(|j| j.weight).sum();
        assert_eq!(shards.iter().map(|s| s.predicted_ms).sum::<u64>(), total);
    }
}

#[test]
fn the_same_input_in_any_order_gives_the_same_shards() {
    let input = spread(30, 7);
    let mut reversed = input.clone();
    reversed.reverse();
    assert_eq!(partition(&input, 4), partition(&reversed, 4));
    // Equal weights: ties go by name, then to the lowest shard.
    let ties = jobs(&[("c", 5), ("a", 5), ("b", 5), ("d", 5)]);
    let shards = partition(&ties, 3).unwrap();
    let packages: Vec<Vec<String>> = shards.into_iter().map(|s| s.packages).collect();
    assert_eq!(packages, [vec!["a", "d"], vec!["b"], vec!["c"]]);
}

#[test]
fn longest_first_balances_many_packages_within_fifteen_percent() {
    for count in [2, 4, 8] {
        let shards = partition(&spread(120, 11), count).unwrap();
        let times: Vec<u64> = shards.iter().map(|s| s.predicted_ms).collect();
        let ratio = imbalance(&times);
        assert!(ratio <= 1.15, "{count} shards: {times:?} ({ratio:.3})");
    }
}

#[test]
fn swaps_fix_what_longest_first_alone_leaves_uneven() {
    // The textbook case: longest first alone gives 3+2+2 and 3+2 (7 and 5); a swap of a 3
    // with a 2 gives 6 and 6.
    let shards = partition(
        &jobs(&[("a", 3), ("b", 3), ("c", 2), ("d", 2), ("e", 2)]),
        2,
    )
    .unwrap();
    let times: Vec<u64> = shards.iter().map(|s| s.predicted_ms).collect();
    assert_eq!(times, [6, 6]);
    // Longest first's worst case on three shards, 5 5 4 4 3 3 3: it gives 5+3+3, 5+3, 4+4
    // (11, 8, 8); the best split is 9, 9, 9.
    let input = jobs(&[
        ("a", 5),
        ("b", 5),
        ("c", 4),
        ("d", 4),
        ("e", 3),
        ("f", 3),
        ("g", 3),
    ]);
    let shards = partition(&input, 3).unwrap();
    let times: Vec<u64> = shards.iter().map(|s| s.predicted_ms).collect();
    assert_eq!(times, [9, 9, 9], "{shards:?}");
}

#[test]
fn fewer_packages_than_shards_leaves_shards_empty_and_out_of_the_matrix() {
    let shards = partition(&jobs(&[("a", 1), ("b", 9)]), 4).unwrap();
    assert_eq!(shards.iter().filter(|s| s.packages.is_empty()).count(), 2);
    let matrix = github_matrix(&shards);
    let include = matrix["include"].as_array().unwrap();
    assert_eq!(include.len(), 2);
    assert_eq!(include[0]["partition"], "1/4");
    assert_eq!(include[0]["packages"], "b");
    assert_eq!(include[0]["package-args"], "-p b");
    assert_eq!(include[1]["packages"], "a");
    assert_eq!(partition(&[], 2).unwrap().len(), 2);
    assert_eq!(partition(&[], 0), Err(ShardError::NoShards));
}

#[test]
fn a_package_named_twice_is_placed_once() {
    let shards = partition(&jobs(&[("a", 1), ("a", 5), ("b", 2)]), 2).unwrap();
    assert_eq!(assignment(&shards).len(), 2);
    assert_eq!(shards[0].predicted_ms, 5);
}

#[test]
fn partitions_parse_as_k_of_n() {
    assert_eq!(
        "2/4".parse::<Partition>(),
        Ok(Partition { index: 2, count: 4 })
    );
    assert_eq!("1/1".parse::<Partition>().unwrap().to_string(), "1/1");
    for bad in ["0/4", "5/4", "1/0", "4", "a/b", "", "1/2/3"] {
        assert!(bad.parse::<Partition>().is_err(), "{bad}");
    }
    let all = jobs(&[("a", 3), ("b", 2), ("c", 1)]);
    let first = shard_of(&all, "1/2".parse().unwrap()).unwrap();
    let second = shard_of(&all, "2/2".parse().unwrap()).unwrap();
    assert_eq!(
        (first, second),
        (
            vec!["a".to_string()],
            vec!["b".to_string(), "c".to_string()]
        )
    );
}

#[test]
fn sizes_stand_in_for_times_scaled_by_the_recorded_packages() {
    let names: Vec<String> = ["old", "new", "empty"].map(String::from).into();
    let recorded = BTreeMap::from([("old".to_string(), 1_000)]);
    let sizes = BTreeMap::from([
        ("old".to_string(), 500),
        ("new".to_string(), 250),
        ("empty".to_string(), 0),
    ]);
    let estimate = estimate(&names, &recorded, &sizes);
    let weights: Vec<u64> = estimate.jobs.iter().map(|j| j.weight).collect();
    assert_eq!(weights, [1_000, 500, 1]);
    assert_eq!(estimate.sources["new"], Source::Size);
    assert!(estimate.in_ms);

    let unrecorded = super::estimate(&names, &BTreeMap::new(), &sizes);
    assert_eq!(
        unrecorded.jobs[0].weight, 500,
        "bytes when nothing is recorded"
    );
    assert!(!unrecorded.in_ms);
}

#[test]
fn test_times_add_up_per_package() {
    let durations = BTreeMap::from([
        ("a/lib/a".to_string(), 10),
        ("a/test/it".to_string(), 5),
        ("b/lib/b".to_string(), 7),
        ("junk".to_string(), 99),
    ]);
    let by_package = test_ms_by_package(&durations);
    assert_eq!(
        by_package,
        BTreeMap::from([("a".into(), 15), ("b".into(), 7)])
    );
}

/// `lib` is cheap itself but costs 10 to build for a dependent; `a` and `b` need it.
fn with_a_shared_dependency(fixed_ms: u64) -> Costs {
    let needs_lib = || BTreeSet::from(["lib".to_string()]);
    Costs {
        jobs: jobs(&[("a", 5), ("b", 5), ("c", 5), ("d", 5), ("lib", 1)]),
        fixed_ms,
        needs: BTreeMap::from([
            ("a".to_string(), needs_lib()),
            ("b".to_string(), needs_lib()),
        ]),
        as_dependency_ms: BTreeMap::from([("lib".to_string(), 10)]),
        ..Costs::default()
    }
}

#[test]
fn packages_that_need_the_same_dependency_share_a_shard() {
    // By own times alone a and b would be apart, and the shard without `lib` would build it
    // too (20 against 11); counted, they go together with it.
    let shards = split(&with_a_shared_dependency(0), 2).unwrap();
    let packages: Vec<Vec<String>> = shards.iter().map(|s| s.packages.clone()).collect();
    assert_eq!(packages, [vec!["a", "b", "lib"], vec!["c", "d"]]);
    assert_eq!(shards[0].predicted_ms, 11);
    assert_eq!(shards[1].predicted_ms, 10);
    // A shard that holds a dependent but not `lib` is predicted with lib's build: a slow
    // `lib` (20 with its tests) is better apart from `a` (25 together, 20 and 5 + 10 apart).
    let costs = Costs {
        jobs: jobs(&[("a", 5), ("lib", 20)]),
        ..with_a_shared_dependency(0)
    };
    let shards = split(&costs, 2).unwrap();
    let packages: Vec<Vec<String>> = shards.iter().map(|s| s.packages.clone()).collect();
    assert_eq!(packages, [vec!["lib"], vec!["a"]]);
    assert_eq!(shards[1].predicted_ms, 15);
}

#[test]
fn every_non_empty_shard_pays_the_fixed_cost() {
    let shards = split(&with_a_shared_dependency(3), 2).unwrap();
    let times: Vec<u64> = shards.iter().map(|s| s.predicted_ms).collect();
    assert_eq!(times, [14, 13]);
    let one = Costs {
        fixed_ms: 3,
        ..Costs::of_jobs(&jobs(&[("a", 5)]))
    };
    let times: Vec<u64> = split(&one, 3)
        .unwrap()
        .iter()
        .map(|s| s.predicted_ms)
        .collect();
    assert_eq!(times, [8, 0, 0], "an empty shard costs nothing");
    let again = split(&with_a_shared_dependency(3), 2).unwrap();
    assert_eq!(split(&with_a_shared_dependency(3), 2).unwrap(), again);
}

#[test]
fn every_package_adds_its_per_package_cost() {
    // Own times alone: 12 against 3 + 3 + 3 + 3 is even. Each package also costs 2 more
    // (rustfmt, rustdoc, starting its tests): 14 against 20, so a small package moves.
    let costs = Costs {
        per_package_ms: 2,
        ..Costs::of_jobs(&jobs(&[
            ("big", 12),
            ("s1", 3),
            ("s2", 3),
            ("s3", 3),
            ("s4", 3),
        ]))
    };
    let shards = split(&costs, 2).unwrap();
    let packages: Vec<Vec<String>> = shards.iter().map(|s| s.packages.clone()).collect();
    assert_eq!(packages, [vec!["big", "s4"], vec!["s1", "s2", "s3"]]);
    let times: Vec<u64> = shards.iter().map(|s| s.predicted_ms).collect();
    assert_eq!(times, [19, 15]);
    let without = split(&Costs::of_jobs(&costs.jobs), 2).unwrap();
    assert_eq!(without[0].packages, ["big"]);
}

#[test]
fn a_large_selection_with_shared_dependencies_is_covered_and_balanced() {
    // 600 packages, each needing up to 40 earlier ones: the search stops at its cap of tries
    // and still places every package once, within 1% on the predicted times.
    let mut costs = Costs {
        jobs: spread(600, 3),
        fixed_ms: 300,
        ..Costs::default()
    };
    let mut state = 7u64;
    for (i, job) in costs.jobs.iter().enumerate() {
        let mut needs = BTreeSet::new();
        for _ in 0..i % 40 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            needs.insert(format!("p{:03}", (state >> 33) as usize % i));
        }
        costs.needs.insert(job.name.clone(), needs);
        costs
            .as_dependency_ms
            .insert(job.name.clone(), job.weight / 3);
    }
    let shards = split(&costs, 2).unwrap();
    assert_eq!(assignment(&shards).len(), 600);
    let times: Vec<u64> = shards.iter().map(|s| s.predicted_ms).collect();
    assert!(imbalance(&times) < 1.01, "{times:?}");
    assert_eq!(split(&costs, 2).unwrap(), shards);
}
