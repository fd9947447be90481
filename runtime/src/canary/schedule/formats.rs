//! The text of each format, one function each.

use super::quote::{crontab, sh, sh_line, systemd_arg, systemd_value, yaml};
use super::{Entry, ScheduleOptions};

/// Why the schedule is shaped this way; every format starts with it, as comments.
const WHY: [&str; 4] = [
    "The canary runner writes a heartbeat to the store on every run, so a scheduler that stops",
    "is itself reported: the monitor shows the tier's heartbeat MISSING and the gate fails.",
    "The exit status is the health gate: 0 healthy, 1 a required fixture failing, 2 a required",
    "fixture stale or unproven or a heartbeat missing, 3 a configuration or harness error.",
];

fn comments(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("# {l}\n")).collect()
}

fn why() -> String {
    comments(&WHY)
}

/// Without a workdir, cron and systemd run the command in the home directory.
fn no_workdir_hint(options: &ScheduleOptions) -> String {
    if options.workdir.is_some() {
        return String::new();
    }
    comments(&[
        "No workdir given: the command runs in your home directory; it must run in the",
        "workspace of your agents (generate again with a workdir, or add `cd DIR &&`).",
    ])
}

/// A crontab block: install with `crontab -e`.
pub(super) fn cron(entries: &[Entry], options: &ScheduleOptions) -> String {
    let mut out = comments(&["tapedeck canary schedule: paste into `crontab -e`."]);
    out.push_str(&why());
    out.push_str(&comments(&[
        "cron mails a job's output to MAILTO when it is set; `flock -n` skips a run while the",
        "previous one of the same entry is still running. cargo is looked up in ~/.cargo/bin too.",
    ]));
    out.push_str(&no_workdir_hint(options));
    for e in entries {
        let mut command = String::new();
        if let Some(dir) = &options.workdir {
            command.push_str(&format!("cd {} && ", sh(dir)));
        }
        command.push_str(&format!(
            "PATH=\"$HOME/.cargo/bin:$PATH\" flock -n /tmp/{}.lock {}",
            e.name,
            sh_line(&e.args)
        ));
        out.push_str(&format!(
            "\n# {} every {}\n{} {}\n",
            e.what(),
            e.every.describe(),
            e.every.cron(),
            crontab(&command)
        ));
    }
    out
}

/// A `.service` and a `.timer` per entry, each file after a `# --- file: NAME ---` line.
pub(super) fn systemd(entries: &[Entry], options: &ScheduleOptions) -> String {
    let mut out = comments(&[
        "tapedeck canary schedule: save each file below under ~/.config/systemd/user/, then",
        "  systemctl --user daemon-reload",
    ]);
    for e in entries {
        out.push_str(&format!(
            "#   systemctl --user enable --now {}.timer\n",
            e.name
        ));
    }
    out.push_str(&comments(&[
        "and `loginctl enable-linger` so that the timers run while you are logged out.",
        "A non-zero exit marks the service failed: see `systemctl --user --failed`, or add",
        "OnFailure= to alert.",
    ]));
    out.push_str(&why());
    out.push_str(&no_workdir_hint(options));
    for e in entries {
        out.push_str(&systemd_service(e, options));
        out.push_str(&systemd_timer(e));
    }
    out
}

fn systemd_service(e: &Entry, options: &ScheduleOptions) -> String {
    let mut out = format!(
        "\n# --- file: {}.service ---\n[Unit]\nDescription=tapedeck canary ({})\n\n[Service]\nType=oneshot\n",
        e.name,
        e.what()
    );
    if let Some(dir) = &options.workdir {
        out.push_str(&format!("WorkingDirectory={}\n", systemd_value(dir)));
    }
    let args: Vec<String> = e.args.iter().map(|a| systemd_arg(a)).collect();
    out.push_str(&format!(
        "Environment=PATH=%h/.cargo/bin:/usr/local/bin:/usr/bin:/bin\nExecStart=/usr/bin/env {}\nTimeoutStartSec={}min\n",
        args.join(" "),
        e.budget_minutes
    ));
    out
}

fn systemd_timer(e: &Entry) -> String {
    format!(
        "\n# --- file: {name}.timer ---\n[Unit]\nDescription=tapedeck canary ({what}) every {every}\n\n[Timer]\nOnCalendar={calendar}\nPersistent=true\nAccuracySec=1min\nUnit={name}.service\n\n[Install]\nWantedBy=timers.target\n",
        name = e.name,
        what = e.what(),
        every = e.every.describe(),
        calendar = e.every.on_calendar(),
    )
}

/// A complete workflow: save as `.github/workflows/tapedeck-canary.yml`.
pub(super) fn github(entries: &[Entry], options: &ScheduleOptions) -> String {
    let mut out =
        comments(&["tapedeck canary schedule: save as .github/workflows/tapedeck-canary.yml"]);
    out.push_str(&why());
    out.push_str(&comments(&[
        "Runners are ephemeral: give the canary a shared store (--store, better from a secret:",
        "--store \"${{ secrets.TAPEDECK_STORE }}\") so that heartbeats and history outlive a run.",
        "Scheduled workflows run on the default branch and may start a few minutes late.",
    ]));
    out.push_str("name: tapedeck canary\n\non:\n  schedule:\n");
    for e in entries {
        out.push_str(&format!(
            "    - cron: {}  # {}\n",
            yaml(&e.every.cron()),
            e.what()
        ));
    }
    out.push_str("  workflow_dispatch:\n");
    let per_tier = entries.iter().any(|e| e.tier.is_some());
    if per_tier {
        let tiers: Vec<String> = entries
            .iter()
            .filter_map(|e| e.tier)
            .map(|t| t.to_string())
            .collect();
        out.push_str(&format!(
            "    inputs:\n      tier:\n        description: the tier to run\n        type: choice\n        options: [{}]\n        default: {}\n",
            tiers.join(", "),
            tiers[0]
        ));
    }
    out.push_str("\npermissions:\n  contents: read\n\njobs:\n");
    let jobs: Vec<String> = entries.iter().map(|e| github_job(e, options)).collect();
    out.push_str(&jobs.join("\n"));
    out
}

fn github_job(e: &Entry, options: &ScheduleOptions) -> String {
    let id = e.tier.map_or("canary".to_owned(), |t| t.to_string());
    let mut out = format!("  {id}:\n    name: canary ({})\n", e.what());
    if let Some(tier) = e.tier {
        out.push_str(&format!(
            "    if: github.event.schedule == '{}' || inputs.tier == '{tier}'\n",
            e.every.cron()
        ));
    }
    out.push_str(&format!(
        "    runs-on: ubuntu-latest\n    timeout-minutes: {}\n    concurrency:\n      group: {}\n      cancel-in-progress: false\n    steps:\n      - uses: actions/checkout@v5\n      - uses: dtolnay/rust-toolchain@stable\n      - uses: Swatinem/rust-cache@v2\n",
        e.budget_minutes, e.name
    ));
    if let Some(dir) = &options.workdir {
        out.push_str(&format!(
            "        with:\n          workspaces: {}\n",
            yaml(dir)
        ));
    }
    let step = e.tier.map_or("--due".to_owned(), |t| format!("--tier {t}"));
    out.push_str(&format!("      - name: cargo xtask canary {step}\n"));
    if let Some(dir) = &options.workdir {
        out.push_str(&format!("        working-directory: {}\n", yaml(dir)));
    }
    out.push_str(&format!("        run: |\n          {}\n", sh_line(&e.args)));
    out
}

/// `batch/v1` CronJobs, one YAML document each: `kubectl apply -f`.
pub(super) fn kubernetes(entries: &[Entry], options: &ScheduleOptions) -> String {
    let mut out = comments(&["tapedeck canary schedule: kubectl apply -f tapedeck-canary.yaml"]);
    out.push_str(&why());
    out.push_str(&comments(&[
        "Pods are ephemeral: give the canary a shared store (--store, or TAPEDECK_STORE from a",
        "Secret as shown below) so that heartbeats and history outlive a pod.",
    ]));
    let docs: Vec<String> = entries.iter().map(|e| cron_job(e, options)).collect();
    out.push_str(&docs.join("---\n"));
    out
}

fn cron_job(e: &Entry, options: &ScheduleOptions) -> String {
    let component = e.tier.map_or("due".to_owned(), |t| t.to_string());
    let every_seconds = e.every.minutes() * 60;
    let mut out = format!(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/name: tapedeck-canary\n    app.kubernetes.io/component: {component}\nspec:\n  # {what} every {every}\n  schedule: {cron}\n  timeZone: \"Etc/UTC\"\n  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: {deadline}\n  successfulJobsHistoryLimit: 3\n  failedJobsHistoryLimit: 5\n  jobTemplate:\n    spec:\n      # A failed gate is a result, not a crash: never retry it.\n      backoffLimit: 0\n      activeDeadlineSeconds: {budget}\n      template:\n        metadata:\n          labels:\n            app.kubernetes.io/name: tapedeck-canary\n            app.kubernetes.io/component: {component}\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: canary\n              # Placeholder: an image of your agents' workspace with cargo in it.\n              image: your-registry/your-agents:latest\n",
        name = e.name,
        what = e.what(),
        every = e.every.describe(),
        cron = yaml(&e.every.cron()),
        deadline = (every_seconds / 3).min(3600),
        budget = e.budget_minutes * 60,
    );
    if let Some(dir) = &options.workdir {
        out.push_str(&format!("              workingDir: {}\n", yaml(dir)));
    }
    let command: Vec<String> = e.args.iter().map(|a| yaml(a)).collect();
    out.push_str(&format!(
        "              command: [{}]\n              # To read the store from a Secret instead of --store, add\n              # env:\n              #   - name: TAPEDECK_STORE\n              #     valueFrom: {{secretKeyRef: {{name: tapedeck-store, key: url}}}}\n",
        command.join(", ")
    ));
    out
}
