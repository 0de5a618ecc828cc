//! What a package's build needs, on a workspace loaded through `cargo metadata` (nothing is
//! compiled).

use super::*;

/// `top` needs `plain`; `opt` only through its feature `extra` (off by default), `on` through
/// its default feature, `renamed` (package `ren`) when `on`'s feature `more` asks for it;
/// `dev` is a dev-dependency of `top`, whose own dev-dependency `far` is not built for `top`.
fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    let manifest = |name: &str, rest: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{rest}")
    };
    let members = ["top", "plain", "opt", "on", "ren", "dev", "far"];
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"top\", \"plain\", \"opt\", \"on\", \"ren\", \"dev\", \"far\"]\nresolver = \"2\"\n",
    );
    write(
        "top/Cargo.toml",
        &manifest(
            "top",
            "[features]\ndefault = [\"on\", \"on/more\"]\nextra = [\"dep:opt\"]\n\
             [dependencies]\nplain = { path = \"../plain\" }\n\
             opt = { path = \"../opt\", optional = true }\n\
             on = { path = \"../on\", optional = true }\n\
             [dev-dependencies]\ndev = { path = \"../dev\" }\n",
        ),
    );
    write(
        "on/Cargo.toml",
        &manifest(
            "on",
            "[features]\nmore = [\"dep:other\"]\n\
             [dependencies]\nother = { package = \"ren\", path = \"../ren\", optional = true }\n",
        ),
    );
    write(
        "dev/Cargo.toml",
        &manifest("dev", "[dev-dependencies]\nfar = { path = \"../far\" }\n"),
    );
    for name in ["plain", "opt", "ren", "far"] {
        write(&format!("{name}/Cargo.toml"), &manifest(name, ""));
    }
    for name in members {
        write(&format!("{name}/src/lib.rs"), "");
    }
    let path = camino::Utf8PathBuf::from_path_buf(dir.path().join("Cargo.toml")).expect("utf-8");
    let options = ratchet_graph::LoadOptions {
        manifest_path: Some(path),
        refresh: true,
        update_lock: false,
    };
    let workspace = ratchet_graph::load(&options).expect("load");
    (dir, workspace)
}

fn built(ws: &Workspace, name: &str) -> Vec<String> {
    let ix = ws.find(name).expect("member");
    ratchet_features::members_built_alone(ws, &[ix])
        .remove(&ix)
        .unwrap_or_default()
        .into_iter()
        .map(|d| ws.package(d).name.clone())
        .collect()
}

#[test]
fn an_optional_dependency_counts_only_when_a_feature_turns_it_on() {
    let (_dir, ws) = workspace();
    // `opt` is behind a feature that is off; the graph has it (loaded with every feature).
    assert!(ws.deps(ws.find("top").expect("top")).count() >= 4);
    assert_eq!(built(&ws, "top"), ["dev", "on", "plain", "ren"]);
    assert_eq!(built(&ws, "on"), Vec::<String>::new());
    assert_eq!(built(&ws, "dev"), ["far"]);
}
