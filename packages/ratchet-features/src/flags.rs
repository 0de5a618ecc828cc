//! cargo's build flags as `check` takes them: passed to every cargo command and reproduce
//! command, and (those that change what is compiled) part of every verdict key.

/// `--features`, `--all-features`, `--no-default-features`, `--target`, `--profile`,
/// `--release`, `--locked`, `--offline`, `--frozen`, `-j`, spelt as cargo spells them.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct BuildFlags {
    /// Features to turn on (comma or space separated, repeatable; `PKG/FEAT` for one member),
    /// as `cargo test --features`.
    #[arg(short = 'F', long = "features", value_name = "FEATURES")]
    pub features: Vec<String>,
    /// Turn on every feature of the selected packages.
    #[arg(long)]
    pub all_features: bool,
    /// Do not turn on the `default` feature of the selected packages.
    #[arg(long)]
    pub no_default_features: bool,
    /// Build for this target triple.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Build with this cargo profile.
    #[arg(long, value_name = "NAME", conflicts_with = "release")]
    pub profile: Option<String>,
    /// Build with the `release` profile.
    #[arg(short = 'r', long)]
    pub release: bool,
    /// Require `Cargo.lock` to be up to date (as cargo's `--locked`).
    #[arg(long)]
    pub locked: bool,
    /// Do not touch the network (as cargo's `--offline`).
    #[arg(long)]
    pub offline: bool,
    /// `--locked` and `--offline` (as cargo's `--frozen`).
    #[arg(long)]
    pub frozen: bool,
    /// Parallel compile jobs (as cargo's `-j`).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<String>,
}

impl BuildFlags {
    /// Whether cargo arguments (`[steps.X] args`) set features themselves.
    pub fn named_in(args: &[String]) -> bool {
        args.iter().take_while(|a| *a != "--").any(|a| {
            let flag = a.split('=').next().unwrap_or(a);
            matches!(
                flag,
                "--features" | "-F" | "--all-features" | "--no-default-features"
            ) || (a.starts_with("-F") && a.len() > 2)
        })
    }

    /// Every feature named by `--features`, split as cargo splits them.
    pub fn feature_names(&self) -> Vec<String> {
        self.features
            .iter()
            .flat_map(|f| f.split([',', ' ']))
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect()
    }

    /// The cargo profile: `dev` unless `--release` or `--profile` says otherwise.
    pub fn profile_name(&self) -> &str {
        match (&self.profile, self.release) {
            (Some(profile), _) => profile,
            (None, true) => "release",
            (None, false) => "dev",
        }
    }

    /// The directory cargo puts the profile's output in (`dev` is `debug`, `test` is `debug`,
    /// `bench` is `release`).
    pub fn profile_dir(&self) -> &str {
        match self.profile_name() {
            "dev" | "test" => "debug",
            "bench" => "release",
            other => other,
        }
    }

    /// The flags for every cargo command, except the features (which [`crate::Plan`] gives
    /// per cargo run); `profile_flag` is how the command spells `--profile` (`cargo nextest`
    /// says `--cargo-profile`).
    pub fn cargo_args(&self, profile_flag: &str) -> Vec<String> {
        let mut args = Vec::new();
        let mut flag = |on: bool, name: &str| {
            if on {
                args.push(name.to_string());
            }
        };
        flag(self.all_features, "--all-features");
        flag(self.no_default_features, "--no-default-features");
        flag(self.release, "--release");
        flag(self.locked, "--locked");
        flag(self.offline, "--offline");
        flag(self.frozen, "--frozen");
        let valued = [
            ("--target", &self.target),
            (profile_flag, &self.profile),
            ("--jobs", &self.jobs),
        ];
        for (name, value) in valued {
            if let Some(value) = value {
                args.extend([name.to_string(), value.clone()]);
            }
        }
        args
    }

    /// These flags as given on a command line (`watch` passes them on to `check`).
    pub fn to_args(&self) -> Vec<String> {
        let mut args = self.cargo_args("--profile");
        let features = self.feature_names();
        if !features.is_empty() {
            args.extend(["--features".to_string(), features.join(",")]);
        }
        args
    }

    /// What of the build configuration changes a verdict, for the key: the target and the
    /// profile. The features are keyed as resolved per package ([`crate::Plan::key`]);
    /// `-j`, `--locked`, `--offline` and `--frozen` change no verdict.
    pub fn key(&self) -> String {
        format!(
            "target={};profile={}",
            self.target.as_deref().unwrap_or("host"),
            self.profile_name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_changes_a_verdict_is_keyed() {
        let plain = BuildFlags::default();
        let jobs = BuildFlags {
            jobs: Some("2".into()),
            locked: true,
            offline: true,
            frozen: true,
            ..BuildFlags::default()
        };
        assert_eq!(plain.key(), jobs.key());
        let release = BuildFlags {
            release: true,
            ..BuildFlags::default()
        };
        assert_ne!(plain.key(), release.key());
        assert_eq!(release.profile_dir(), "release");
        let given = BuildFlags {
            features: vec!["a,b".into()],
            ..release.clone()
        };
        assert_eq!(given.to_args(), ["--release", "--features", "a,b"]);
        assert_eq!(
            jobs.cargo_args("--profile"),
            ["--locked", "--offline", "--frozen", "--jobs", "2"]
        );
        let features = BuildFlags {
            features: vec!["a,b c".into(), "d".into()],
            ..BuildFlags::default()
        };
        assert_eq!(features.feature_names(), ["a", "b", "c", "d"]);
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(BuildFlags::named_in(&args(&["--features=x"])));
        assert!(BuildFlags::named_in(&args(&["-Fx"])));
        assert!(!BuildFlags::named_in(&args(&[
            "--all-targets",
            "--",
            "--features"
        ])));
    }
}
