//! Each format in both modes: the commands, the cron expressions, the structure; snapshots.

use super::{Every, ScheduleFormat, ScheduleOptions, schedule};
use crate::fixture::Tier;
use std::time::Duration;

const CRONS: [(&str, Tier); 3] = [
    ("*/15 * * * *", Tier::Critical),
    ("0 * * * *", Tier::Hourly),
    ("0 0 * * *", Tier::Daily),
];

fn due() -> ScheduleOptions {
    ScheduleOptions::default()
}

fn per_tier() -> ScheduleOptions {
    ScheduleOptions {
        per_tier: true,
        workdir: Some("/srv/my agents".to_owned()),
        store: Some("postgres://canary:p%40ss@db.internal/tapedeck".to_owned()),
        ..ScheduleOptions::default()
    }
}

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

#[test]
fn formats_parse_by_name_with_a_clear_error() {
    for format in ScheduleFormat::ALL {
        assert_eq!(ScheduleFormat::parse(format.as_str()), Ok(format));
        assert_eq!(format.to_string().parse::<ScheduleFormat>(), Ok(format));
    }
    assert_eq!(
        " GitHub ".parse::<ScheduleFormat>(),
        Ok(ScheduleFormat::Github)
    );
    let error = ScheduleFormat::parse("k8s").unwrap_err();
    assert_eq!(error.given, "k8s");
    assert!(error.to_string().starts_with(
        "unknown schedule format \"k8s\": use one of cron, systemd, github, kubernetes"
    ));
}

#[test]
fn default_periods_are_15_minutes_an_hour_and_a_day() {
    let options = ScheduleOptions::default();
    assert!(!options.per_tier && options.workdir.is_none() && options.store.is_none());
    assert_eq!(
        options.periods,
        [
            (Tier::Critical, minutes(15)),
            (Tier::Hourly, minutes(60)),
            (Tier::Daily, minutes(1440))
        ]
    );
}

#[test]
fn periods_round_down_to_what_cron_can_express() {
    let cron = |m: u64| Every::from(minutes(m)).cron();
    assert_eq!(cron(15), "*/15 * * * *");
    assert_eq!(cron(60), "0 * * * *");
    assert_eq!(cron(1440), "0 0 * * *");
    assert_eq!(cron(45), "*/30 * * * *");
    assert_eq!(cron(0), "* * * * *");
    assert_eq!(cron(90), "0 * * * *");
    assert_eq!(cron(300), "0 */4 * * *");
    assert_eq!(cron(7 * 1440), "0 0 * * 0");
    assert_eq!(Every::from(minutes(15)).on_calendar(), "*-*-* *:00/15:00");
    assert_eq!(Every::from(minutes(60)).on_calendar(), "*-*-* *:00:00");
    assert_eq!(Every::from(minutes(1440)).on_calendar(), "*-*-* 00:00:00");
}

#[test]
fn cron_due_is_one_line_every_15_minutes() {
    let text = schedule(ScheduleFormat::Cron, &due());
    let jobs: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(
        jobs,
        [
            "*/15 * * * * PATH=\"$HOME/.cargo/bin:$PATH\" flock -n /tmp/tapedeck-canary.lock cargo xtask canary --due"
        ]
    );
    assert!(text.contains("writes a heartbeat"));
    assert!(text.contains("The exit status is the health gate"));
}

#[test]
fn cron_per_tier_is_one_line_per_tier() {
    let text = schedule(ScheduleFormat::Cron, &per_tier());
    let jobs: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(jobs.len(), 3);
    for ((cron, tier), job) in CRONS.iter().zip(&jobs) {
        assert!(
            job.starts_with(&format!("{cron} cd '/srv/my agents' && ")),
            "{job}"
        );
        assert!(
            job.contains(&format!("/tmp/tapedeck-canary-{tier}.lock")),
            "{job}"
        );
        assert!(
            job.ends_with(&format!(
                "cargo xtask canary --tier {tier} --store postgres://canary:p\\%40ss@db.internal/tapedeck"
            )),
            "{job}"
        );
    }
}

#[test]
fn systemd_due_is_one_service_and_timer() {
    let text = schedule(ScheduleFormat::Systemd, &due());
    assert_eq!(text.matches("# --- file: ").count(), 2);
    assert!(text.contains("# --- file: tapedeck-canary.service ---\n[Unit]\n"));
    assert!(text.contains("# --- file: tapedeck-canary.timer ---\n[Unit]\n"));
    for line in [
        "Type=oneshot",
        "ExecStart=/usr/bin/env cargo xtask canary --due",
        "OnCalendar=*-*-* *:00/15:00",
        "Persistent=true",
        "Unit=tapedeck-canary.service",
        "WantedBy=timers.target",
        "#   systemctl --user enable --now tapedeck-canary.timer",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}");
    }
    assert!(!text.contains("WorkingDirectory="));
    assert!(text.contains("# No workdir given: the command runs in your home directory"));
}

#[test]
fn systemd_per_tier_is_a_pair_per_tier() {
    let text = schedule(ScheduleFormat::Systemd, &per_tier());
    assert_eq!(text.matches("# --- file: ").count(), 6);
    for (calendar, tier) in [
        ("*-*-* *:00/15:00", Tier::Critical),
        ("*-*-* *:00:00", Tier::Hourly),
        ("*-*-* 00:00:00", Tier::Daily),
    ] {
        assert!(text.contains(&format!("# --- file: tapedeck-canary-{tier}.service ---")));
        let timer = text
            .split(&format!("# --- file: tapedeck-canary-{tier}.timer ---"))
            .nth(1)
            .unwrap();
        assert!(
            timer.contains(&format!("OnCalendar={calendar}\nPersistent=true")),
            "{tier}"
        );
        assert!(text.contains(&format!(
            "ExecStart=/usr/bin/env cargo xtask canary --tier {tier} --store postgres://canary:p%%40ss@db.internal/tapedeck"
        )));
    }
    assert_eq!(text.matches("WorkingDirectory=/srv/my agents\n").count(), 3);
    assert_eq!(text.matches("Type=oneshot").count(), 3);
}

/// The structure YAML cares about: spaces only, even indentation, the expected top-level keys.
fn assert_yaml_shape(text: &str, top_level: &[&str]) {
    assert!(!text.contains('\t'), "tabs in YAML");
    let mut keys = vec![];
    let mut block_indent: Option<usize> = None;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let indent = line.len() - line.trim_start().len();
        if let Some(min) = block_indent {
            if indent >= min {
                continue;
            }
            block_indent = None;
        }
        assert_eq!(indent % 2, 0, "odd indentation: {line:?}");
        let body = line.trim_start();
        if body.starts_with('#') || body == "---" {
            continue;
        }
        assert!(
            body.contains(':') || body.starts_with("- "),
            "not a mapping or list: {line:?}"
        );
        if body.ends_with(": |") {
            block_indent = Some(indent + 1);
        }
        if indent == 0 {
            keys.push(body.split(':').next().unwrap().to_owned());
        }
    }
    let mut expected: Vec<String> = vec![];
    while expected.len() < keys.len() {
        expected.extend(top_level.iter().map(|k| k.to_string()));
    }
    assert_eq!(keys, expected);
}

#[test]
fn github_due_is_one_scheduled_job() {
    let text = schedule(ScheduleFormat::Github, &due());
    assert_yaml_shape(&text, &["name", "on", "permissions", "jobs"]);
    assert!(text.contains(
        "on:\n  schedule:\n    - cron: \"*/15 * * * *\"  # due tiers\n  workflow_dispatch:\n"
    ));
    assert_eq!(text.matches("- cron:").count(), 1);
    for step in [
        "      - uses: actions/checkout@v5\n",
        "      - uses: dtolnay/rust-toolchain@stable\n",
        "      - uses: Swatinem/rust-cache@v2\n",
        "        run: |\n          cargo xtask canary --due\n",
    ] {
        assert!(text.contains(step), "{step}");
    }
    assert!(text.contains("jobs:\n  canary:\n"));
    assert!(!text.contains("if:"));
}

#[test]
fn github_per_tier_has_a_job_per_tier_selected_by_its_schedule() {
    let text = schedule(ScheduleFormat::Github, &per_tier());
    assert_yaml_shape(&text, &["name", "on", "permissions", "jobs"]);
    for (cron, tier) in CRONS {
        assert!(text.contains(&format!("    - cron: \"{cron}\"  # tier {tier}\n")));
        assert!(text.contains(&format!("\n  {tier}:\n    name: canary (tier {tier})\n")));
        assert!(text.contains(&format!(
            "    if: github.event.schedule == '{cron}' || inputs.tier == '{tier}'\n"
        )));
        assert!(text.contains(&format!(
            "          cargo xtask canary --tier {tier} --store postgres://canary:p%40ss@db.internal/tapedeck\n"
        )));
    }
    assert!(text.contains("        options: [critical, hourly, daily]\n"));
    assert_eq!(
        text.matches("        working-directory: \"/srv/my agents\"\n")
            .count(),
        3
    );
    assert_eq!(
        text.matches("          workspaces: \"/srv/my agents\"\n")
            .count(),
        3
    );
}

#[test]
fn kubernetes_due_is_one_cron_job() {
    let text = schedule(ScheduleFormat::Kubernetes, &due());
    assert_yaml_shape(&text, &["apiVersion", "kind", "metadata", "spec"]);
    for line in [
        "apiVersion: batch/v1",
        "kind: CronJob",
        "  name: tapedeck-canary",
        "  schedule: \"*/15 * * * *\"",
        "  concurrencyPolicy: Forbid",
        "  startingDeadlineSeconds: 300",
        "      backoffLimit: 0",
        "          restartPolicy: Never",
        "              image: your-registry/your-agents:latest",
        "              command: [\"cargo\", \"xtask\", \"canary\", \"--due\"]",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}");
    }
    assert!(!text.contains("\n---\n"));
}

#[test]
fn kubernetes_per_tier_is_a_cron_job_per_tier() {
    let text = schedule(ScheduleFormat::Kubernetes, &per_tier());
    assert_yaml_shape(&text, &["apiVersion", "kind", "metadata", "spec"]);
    let docs: Vec<&str> = text.split("\n---\n").collect();
    assert_eq!(docs.len(), 3);
    for ((cron, tier), doc) in CRONS.iter().zip(docs) {
        assert!(doc.contains(&format!("  name: tapedeck-canary-{tier}\n")));
        assert!(doc.contains(&format!("  schedule: \"{cron}\"\n")));
        assert!(doc.contains("  concurrencyPolicy: Forbid\n"));
        assert!(doc.contains("              workingDir: \"/srv/my agents\"\n"));
        assert!(doc.contains(&format!(
            "              command: [\"cargo\", \"xtask\", \"canary\", \"--tier\", \"{tier}\", \"--store\", \"postgres://canary:p%40ss@db.internal/tapedeck\"]\n"
        )));
    }
}

#[test]
fn snapshots() {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        for format in ScheduleFormat::ALL {
            insta::assert_snapshot!(format!("schedule_{format}_due"), schedule(format, &due()));
            insta::assert_snapshot!(format!("schedule_{format}_per_tier"), schedule(format, &per_tier()));
        }
    });
}
