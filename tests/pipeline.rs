//! The pipeline as a library: `plancat::core::build` on in-memory inputs, no binary and no
//! disk. What the compiler decides (versions, bumps, files, determinism, staleness) is tested
//! here; `tests/golden.rs` and the others test what the command line makes of it.

mod common;

use plancat::core::build::{self, Inputs};
use plancat::core::compile::InputFile;
use plancat::core::ledger::bump::ChangeKind;
use plancat::core::model::ids::Instant;
use plancat_consumer::wire::Bump;

fn at(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

/// The shipped example, read once from the repository (the one place this file touches disk).
fn example() -> Inputs {
    plancat::edge::fs::read_inputs(&common::repo(), at(common::EXAMPLE_AT), None).unwrap()
}

fn inputs(plans: &[(&str, &str)], now: &str) -> Inputs {
    Inputs {
        plans: plans
            .iter()
            .map(|(p, t)| InputFile {
                path: p.to_string(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect(),
        ledger: Default::default(),
        templates: Vec::new(),
        refused: Vec::new(),
        now: at(now),
        effective_from: None,
    }
}

/// Replaces text in one plan file of `inputs`.
fn edit(inputs: &mut Inputs, path: &str, from: &str, to: &str) {
    let f = inputs
        .plans
        .iter_mut()
        .find(|f| f.path == path)
        .expect("plan file");
    let text = String::from_utf8(f.bytes.clone()).unwrap();
    assert!(text.contains(from), "{from:?} not in {path}");
    f.bytes = text.replacen(from, to, 1).into_bytes();
}

#[test]
fn the_shipped_example_builds_clean_and_publishes_nothing_new() {
    let a = build::build(&example());
    assert!(a.diags.is_empty(), "{:?}", a.diags);
    assert!(a.publications.is_empty());
    assert!(a.changes.is_empty());
    assert_eq!(a.pages(), 37);
    assert_eq!(
        a.summary(),
        "39 plans: 0 published, 36 unchanged, 3 drafts not published"
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let mut one = example();
    edit(
        &mut one,
        "plans/core/00-defaults.toml",
        "7-day refund on frontends",
        "10-day refund on frontends",
    );
    let (a, b) = (build::build(&one), build::build(&one));
    assert_eq!(a.publications.len(), 36);
    assert_eq!(a.changes, b.changes);
    assert_eq!(a.site, b.site);
    // The input order does not matter either: the core sorts what it is given.
    let mut reversed = one;
    reversed.plans.reverse();
    let c = build::build(&reversed);
    assert_eq!(a.changes, c.changes);
    assert_eq!(a.site, c.site);
}

#[test]
fn key_order_and_file_format_do_not_change_a_byte() {
    let core = "[catalog]\nbrand = \"B\"\nbase_url = \"https://b.test\"\ncurrency = \"EUR\"\nlocale = \"de-DE\"\n\
                [rules]\napi-needs-frontends = \"allow\"\n";
    let toml = "[api]\nname = \"A\"\nstatus = \"live\"\nsummary = \"s\"\n\
                [api.tiers.pro]\nname = \"Pro\"\norder = 2\nprice.monthly = { EUR = \"20\" }\n\
                [api.tiers.basic]\norder = 1\nname = \"Basic\"\nprice = { monthly = { EUR = \"10\" } }\n";
    let json = r#"{"api": {"tiers": {"basic": {"price": {"monthly": {"EUR": "10.00"}}, "name": "Basic", "order": 1},
                   "pro": {"order": 2, "price": {"monthly": {"EUR": "20"}}, "name": "Pro"}},
                   "summary": "s", "status": "live", "name": "A"}}"#;
    let now = "2026-06-01T00:00:00Z";
    let one = build::build(&inputs(
        &[
            ("plans/core/a.toml", core),
            ("plans/projects/x-api.toml", toml),
        ],
        now,
    ));
    let two = build::build(&inputs(
        &[
            ("plans/projects/x-api.json", json),
            ("plans/core/a.toml", core),
        ],
        now,
    ));
    assert!(one.diags.is_empty(), "{:?}", one.diags);
    assert_eq!(
        one.changes.len(),
        3,
        "a snapshot, its index, the catalog index"
    );
    assert_eq!(one.changes, two.changes);
}

#[test]
fn a_price_increase_is_a_typed_major_change_that_republishes_its_plan_and_its_derived_plans() {
    let mut i = example();
    edit(
        &mut i,
        "plans/projects/shopcore-commerce-api.toml",
        "price.monthly = { INR = \"2499\" }",
        "price.monthly = { INR = \"2599\" }",
    );
    // Scheduled 30 days ahead, the notice period (measured from now, 2026-12-01), and before
    // the `launch20` promotion ends.
    i.effective_from = Some(at("2026-12-31T00:00:00Z"));
    let a = build::build(&i);
    assert!(a.diags.is_empty(), "{:?}", a.diags);
    // The API; the bundle whose computed price follows it; and the other bundle of the API,
    // whose price is the same but now computed from the API's new version.
    let published: Vec<String> = a
        .publications
        .iter()
        .map(|p| format!("{} {}", p.snapshot.slug, p.snapshot.plan_version))
        .collect();
    assert_eq!(
        published,
        [
            "commerce-launch-bundle 2.0.0",
            "commerce-marketplace-bundle 1.0.3",
            "shopcore-commerce-api 2.0.0"
        ]
    );
    let kinds = |i: usize| -> Vec<ChangeKind> {
        a.publications[i].changes.iter().map(|c| c.kind).collect()
    };
    assert_eq!(kinds(0), [ChangeKind::PriceIncrease, ChangeKind::Rederived]);
    assert_eq!(kinds(1), [ChangeKind::Rederived]);
    assert_eq!(kinds(2), [ChangeKind::PriceIncrease]);
    assert_eq!(a.publications[1].bump, Some(Bump::Patch));
    assert_eq!(
        a.publications[1].reasons,
        ["PATCH: computed from `marketstall-multivendor` 1.0.1, `shopcore-commerce-api` 2.0.0"]
    );
    // Each bundle records the exact versions its price came from.
    let sources: Vec<String> = a.publications[0]
        .snapshot
        .computed
        .sources
        .iter()
        .map(|s| format!("{} {}", s.slug, s.plan_version))
        .collect();
    assert_eq!(
        sources,
        ["aurora-storefront 1.0.1", "shopcore-commerce-api 2.0.0"]
    );
    let written: Vec<&str> = a.changes.keys().map(String::as_str).collect();
    assert_eq!(
        written,
        [
            "commerce-launch-bundle/2.0.0.json",
            "commerce-launch-bundle/index.json",
            "commerce-marketplace-bundle/1.0.3.json",
            "commerce-marketplace-bundle/index.json",
            "index.json",
            "shopcore-commerce-api/2.0.0.json",
            "shopcore-commerce-api/index.json"
        ]
    );
}

#[test]
fn the_notice_period_counts_from_now_not_from_the_chosen_effective_time() {
    let mut i = example();
    edit(
        &mut i,
        "plans/projects/shopcore-commerce-api.toml",
        "price.monthly = { INR = \"2499\" }",
        "price.monthly = { INR = \"2599\" }",
    );
    // Now is 2026-12-01; effective a week later: too little notice, whatever the flag says.
    i.effective_from = Some(at("2026-12-08T00:00:00Z"));
    let a = build::build(&i);
    let codes: Vec<&str> = a.diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["R0501", "R0501"],
        "the bundle and the API: {:?}",
        a.diags
    );
    assert!(
        a.diags
            .iter()
            .all(|d| d.message.contains("with 7 days' notice"))
    );
}

#[test]
fn check_summarises_staleness_once_after_the_real_errors() {
    let mut i = example();
    edit(
        &mut i,
        "plans/core/00-defaults.toml",
        "7-day refund on frontends",
        "10-day refund on frontends",
    );
    let a = build::check(&i);
    let last = a.diags.last().expect("a staleness diagnostic");
    assert_eq!(
        last.message,
        "`out/snapshots/` is out of date: `plancat build` would publish 36 plans"
    );
    assert_eq!(last.notes.len(), 36);
    assert_eq!(
        a.diags
            .iter()
            .filter(|d| d.code.as_str() == "P0502")
            .count(),
        1
    );

    let mut never_built = example();
    never_built.ledger.clear();
    let a = build::check(&never_built);
    let stale: Vec<&str> = a.diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(stale, ["no ledger yet: `out/snapshots/` is empty"]);
}

#[test]
fn a_value_the_catalog_does_not_state_is_neither_published_nor_shown() {
    let core = "[catalog]\nbrand = \"B\"\nbase_url = \"https://b.test\"\ncurrency = \"USD\"\nlocale = \"en-US\"\n\
                [rules]\napi-needs-frontends = \"allow\"\n";
    // `basic` states neither seats nor a trial; `pro` states both.
    let api = "[api]\nname = \"A\"\nstatus = \"live\"\nsummary = \"s\"\n\
               [api.tiers.basic]\nname = \"Basic\"\norder = 1\nprice.monthly = { USD = \"10\" }\n\
               [api.tiers.pro]\nname = \"Pro\"\norder = 2\nprice.monthly = { USD = \"20\" }\nseats = 5\ntrial_days = 14\n";
    let a = build::build(&inputs(
        &[
            ("plans/core/a.toml", core),
            ("plans/projects/x-api.toml", api),
        ],
        "2026-06-01T00:00:00Z",
    ));
    assert!(a.diags.is_empty(), "{:?}", a.diags);
    let snapshot: serde_json::Value =
        serde_json::from_slice(&a.changes["x-api/1.0.0.json"]).unwrap();
    let tiers = &snapshot["plan"]["api"]["tiers"];
    assert_eq!(tiers["basic"].get("seats"), None);
    assert_eq!(tiers["basic"].get("trial_days"), None);
    assert_eq!(tiers["pro"]["seats"], 5);
    assert_eq!(tiers["pro"]["trial_days"], 14);
    let page = String::from_utf8(a.site["apis/x-api/index.html"].clone()).unwrap();
    assert!(!page.contains("Unlimited seats"), "{page}");
    assert_eq!(page.matches(" seats<").count(), 1, "only `pro` shows seats");
    assert_eq!(page.matches("-day free trial").count(), 1);
}

#[test]
fn without_root_plancat_finds_the_catalog_above_the_current_directory() {
    let dir = common::example_copy();
    let deep = dir.path().join("plans/products");
    let o = std::process::Command::new(common::BIN)
        .args(["check", "--effective-from", common::EXAMPLE_AT])
        .current_dir(&deep)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", common::NOW_EPOCH)
        .output()
        .unwrap();
    let err = common::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("found above the current directory"), "{err}");
    assert!(err.contains("Checked 39 plans"), "{err}");
    // Where no folder above holds `plans/`, the current one is the catalog: nothing to check.
    let empty = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(common::BIN)
        .arg("check")
        .current_dir(empty.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", common::NOW_EPOCH)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0), "{}", common::stderr(&o));
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definitions() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = common::plancat(dir.path(), &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", common::stderr(&o));
        let text = String::from_utf8(o.stdout).unwrap();
        for command in ["build", "serve", "resolve", "yank"] {
            assert!(
                text.contains(command),
                "{shell} completions lack `{command}`"
            );
        }
    }
    // bash loads them and registers the completion.
    let script = dir.path().join("plancat.bash");
    let o = common::plancat(dir.path(), &["completions", "bash"]);
    std::fs::write(&script, &o.stdout).unwrap();
    let loaded = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p plancat",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&loaded.stdout).contains("plancat"),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let man = common::plancat(dir.path(), &["man"]);
    assert!(man.status.success());
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH plancat 1"),
        "{page}"
    );
    assert!(page.contains("serve"), "every command is listed");
}

#[test]
fn new_writes_valid_commented_drafts_in_the_right_folders() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::repo().join("tests/cases/site-small-catalog/in"),
        dir.path(),
    );
    let root = dir.path();
    for args in [
        &["new", "api", "payments-api"][..],
        &[
            "new",
            "product",
            "checkout-theme",
            "--project",
            "payments-api",
        ],
        &["new", "product", "solo-kit"],
        &["new", "bundle", "starter-pack", "--project", "payments-api"],
    ] {
        let o = common::plancat(root, args);
        assert!(o.status.success(), "{args:?}: {}", common::stderr(&o));
    }
    let api = std::fs::read_to_string(root.join("plans/projects/payments-api.toml")).unwrap();
    assert!(api.contains("status = \"draft\""), "{api}");
    assert!(
        api.contains("{ USD = \"29\" }"),
        "the catalog's currency: {api}"
    );
    let bundle = std::fs::read_to_string(root.join("plans/products/starter-pack.toml")).unwrap();
    assert!(
        bundle.contains("{ api = \"payments-api\", tier = \"starter\" }"),
        "{bundle}"
    );
    // Valid as written: the catalog still builds clean, and drafts publish nothing.
    let build = common::plancat(root, &["build", "--now", "2026-01-01T00:00:00Z"]);
    let err = common::stderr(&build);
    assert!(build.status.success(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(err.contains("5 drafts not published"), "{err}");
    // A slug names one plan; a bundle needs its API; a slug must be a slug.
    for (args, says) in [
        (&["new", "api", "payments-api"][..], "already exists"),
        (&["new", "bundle", "b2"], "needs `--project API`"),
        (&["new", "api", "Bad Slug"], "`Bad Slug`"),
        (
            &["new", "bundle", "b3", "--project", "nope"],
            "no project `nope` in `plans/projects/`",
        ),
    ] {
        let o = common::plancat(root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            common::stderr(&o).contains(says),
            "{args:?}: {}",
            common::stderr(&o)
        );
    }
}

#[test]
fn init_scaffolds_every_business_as_a_catalog_that_builds_clean() {
    let dir = tempfile::tempdir().unwrap();
    for template in [
        "api-frontends",
        "saas",
        "services",
        "kits",
        "hosted-accounts",
    ] {
        let root = dir.path().join(template);
        let o = common::plancat(
            dir.path(),
            &["init", root.to_str().unwrap(), "--template", template],
        );
        assert!(o.status.success(), "{template}: {}", common::stderr(&o));
        let next = String::from_utf8(o.stdout).unwrap();
        assert!(
            next.contains("plancat build") && next.contains("plancat serve --open"),
            "{next}"
        );
        for file in [
            ".gitignore",
            "README.md",
            ".taplo.toml",
            ".vscode/settings.json",
            "schemas/product-layer.schema.json",
        ] {
            assert!(root.join(file).is_file(), "{template}: no {file}");
        }
        let build = common::plancat(&root, &["build", "--now", common::EXAMPLE_AT]);
        let err = common::stderr(&build);
        assert!(build.status.success(), "{template}: {err}");
        assert!(!err.contains("warning"), "{template}: {err}");
        assert!(err.contains("Published"), "{template}: {err}");
        let check = common::plancat(&root, &["check", "--now", common::EXAMPLE_AT]);
        assert!(
            check.status.success(),
            "{template}: {}",
            common::stderr(&check)
        );
    }
    // Never over someone's files without --force.
    let o = common::plancat(
        dir.path(),
        &["init", dir.path().join("saas").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("is not empty"),
        "{}",
        common::stderr(&o)
    );
}

/// Every command explains itself with examples, and every option says what it does.
#[test]
fn every_command_and_option_has_help_with_examples() {
    use clap::CommandFactory;
    let cli = plancat::edge::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let after = sub
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        if !after.contains("Examples:") {
            missing.push(format!("`plancat {name}` has no examples"));
        }
        if sub.get_about().is_none() {
            missing.push(format!("`plancat {name}` has no summary"));
        }
        for arg in sub.get_arguments() {
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("`plancat {name} {}` has no help", arg.get_id()));
            }
        }
    }
    for arg in cli.get_arguments() {
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            missing.push(format!("`plancat --{}` has no help", arg.get_id()));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// From inside the built site (whose `plans/` holds pages, not layers), plancat still finds
/// the catalog above it.
#[test]
fn the_built_site_is_never_mistaken_for_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(common::BIN)
        .args(["init", ".", "--template", "saas"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = common::plancat(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let pages = dir.path().join("out/site/plans");
    assert!(
        pages.is_dir(),
        "a software project's pages are under plans/"
    );
    let o = std::process::Command::new(common::BIN)
        .args(["check"])
        .current_dir(&pages)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", common::NOW_EPOCH)
        .output()
        .unwrap();
    let err = common::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("found above the current directory"), "{err}");
}

/// `new` with a project that does not exist fails at once, naming the closest one, rather than
/// writing a file `check` then rejects.
#[test]
fn new_refuses_an_unknown_project_with_a_suggestion() {
    let dir = common::example_copy();
    let o = common::plancat(
        dir.path(),
        &[
            "new",
            "product",
            "my-theme",
            "--project",
            "shopcore-comerce-api",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("no project `shopcore-comerce-api` in `plans/projects/` (did you mean `shopcore-commerce-api`?)"),
        "{}",
        common::stderr(&o)
    );
    assert!(!dir.path().join("plans/products/my-theme.toml").exists());
}

/// `--at` (and every time flag) takes a plain date as its midnight in UTC.
#[test]
fn a_plain_date_is_midnight_utc() {
    let dir = common::example_copy();
    let a = common::plancat(
        dir.path(),
        &["resolve", "aurora-storefront", "--at", "2026-12-02"],
    );
    let b = common::plancat(
        dir.path(),
        &[
            "resolve",
            "aurora-storefront",
            "--at",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(a.status.success(), "{}", common::stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let bad = common::plancat(
        dir.path(),
        &["resolve", "aurora-storefront", "--at", "2026-13-02"],
    );
    assert_eq!(bad.status.code(), Some(2));
}

/// `plancat messages` prints TOML a catalog pastes under `[catalog.messages]`: it parses, and
/// holds every key.
#[test]
fn messages_print_paste_ready_toml_with_every_key() {
    for lang in ["en", "de", "hi"] {
        let o = std::process::Command::new(common::BIN)
            .args(["messages", "--lang", lang])
            .output()
            .unwrap();
        assert!(o.status.success());
        let doc: toml::Table = String::from_utf8(o.stdout).unwrap().parse().unwrap();
        let messages = doc["catalog"]["messages"].as_table().unwrap();
        for key in plancat::core::messages::keys() {
            assert!(messages.contains_key(key), "{lang}: {key}");
        }
    }
    let o = std::process::Command::new(common::BIN)
        .args(["messages", "--lang", "fr"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
