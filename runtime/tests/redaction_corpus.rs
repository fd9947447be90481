//! The redaction corpus: realistic (fake) secrets of many formats, in many positions. None may
//! survive redaction, the final scan must see every one before it, and ordinary values must be
//! left alone.
//!
//! The fakes are assembled from pieces at run time so that no complete credential-shaped string
//! sits in the source.

use serde_json::{Value, json};
use tapedeck::redact::{RedactionConfig, Redactor, ensure_clean, scan};

/// `n` characters cycling through `alphabet`, from `seed`.
fn chars(alphabet: &str, n: usize, seed: usize) -> String {
    let a: Vec<char> = alphabet.chars().collect();
    (0..n)
        .map(|i| a[(i * 7 + seed * 13 + i / 3) % a.len()])
        .collect()
}

const ALNUM: &str = "aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYz";
const UPPER_NUM: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ234567";
const HEX: &str = "0123456789abcdef";
const B64: &str = "Ab3De5Fg7Hj9Kl2Mn4Pq6Rs8Tu1Vw0Xy+/";

/// `(format, secret)`: at least 40 distinct formats.
fn corpus() -> Vec<(&'static str, String)> {
    let p = |parts: &[&str]| parts.concat();
    vec![
        (
            "openai project key",
            p(&["sk-", "proj-", &chars(ALNUM, 48, 1)]),
        ),
        ("openai legacy key", p(&["sk-", &chars(ALNUM, 48, 2)])),
        (
            "openai service account key",
            p(&["sk-", "svcacct-", &chars(ALNUM, 40, 3)]),
        ),
        (
            "anthropic key",
            p(&["sk-", "ant-", "api03-", &chars(ALNUM, 60, 4)]),
        ),
        (
            "anthropic admin key",
            p(&["sk-", "ant-", "admin01-", &chars(ALNUM, 60, 5)]),
        ),
        ("google ai key", p(&["AI", "za", &chars(ALNUM, 35, 6)])),
        ("groq key", p(&["gsk", "_", &chars(ALNUM, 52, 7)])),
        ("hugging face token", p(&["hf", "_", &chars(ALNUM, 34, 8)])),
        ("replicate token", p(&["r8", "_", &chars(ALNUM, 37, 9)])),
        ("perplexity key", p(&["pplx", "-", &chars(ALNUM, 48, 10)])),
        ("xai key", p(&["xai", "-", &chars(ALNUM, 80, 11)])),
        (
            "aws access key id",
            p(&["AK", "IA", &chars(UPPER_NUM, 16, 12)]),
        ),
        (
            "aws temporary key id",
            p(&["AS", "IA", &chars(UPPER_NUM, 16, 13)]),
        ),
        (
            "aws secret in config text",
            p(&["aws_secret_access_key = ", &chars(B64, 40, 14)]),
        ),
        (
            "azure storage connection string",
            p(&[
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=",
                &chars(B64, 86, 15),
                "==;EndpointSuffix=core.windows.net",
            ]),
        ),
        (
            "azure sas url",
            p(&[
                "https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&sig=",
                &chars(ALNUM, 44, 16),
            ]),
        ),
        (
            "digitalocean token",
            p(&["dop", "_v1_", &chars(HEX, 64, 17)]),
        ),
        (
            "github classic pat",
            p(&["gh", "p_", &chars(ALNUM, 36, 18)]),
        ),
        (
            "github oauth token",
            p(&["gh", "o_", &chars(ALNUM, 36, 19)]),
        ),
        ("github app token", p(&["gh", "s_", &chars(ALNUM, 36, 20)])),
        (
            "github fine-grained pat",
            p(&[
                "github",
                "_pat_",
                &chars(ALNUM, 22, 21),
                "_",
                &chars(ALNUM, 59, 22),
            ]),
        ),
        ("gitlab pat", p(&["gl", "pat-", &chars(ALNUM, 20, 23)])),
        (
            "bitbucket app password",
            p(&["AT", "BB", &chars(ALNUM, 32, 24)]),
        ),
        (
            "atlassian api token",
            p(&["ATA", "TT3", &chars(ALNUM, 60, 25)]),
        ),
        (
            "slack bot token",
            p(&[
                "xo",
                "xb-",
                "2419",
                "-",
                "98765432101",
                "-",
                &chars(ALNUM, 24, 26),
            ]),
        ),
        (
            "slack user token",
            p(&[
                "xo",
                "xp-",
                "2419",
                "-",
                "1234567890",
                "-",
                &chars(ALNUM, 32, 27),
            ]),
        ),
        (
            "slack app token",
            p(&[
                "xa",
                "pp-1-",
                "A0B1C2D3",
                "-",
                "1234567890",
                "-",
                &chars(HEX, 64, 28),
            ]),
        ),
        (
            "slack webhook",
            p(&[
                "https://hooks.",
                "slack.com/services/",
                "T0",
                &chars(UPPER_NUM, 8, 29),
                "/B0",
                &chars(UPPER_NUM, 8, 30),
                "/",
                &chars(ALNUM, 24, 31),
            ]),
        ),
        (
            "discord webhook",
            p(&[
                "https://discord.com/",
                "api/webhooks/",
                "112233445566778899",
                "/",
                &chars(ALNUM, 68, 32),
            ]),
        ),
        (
            "discord bot token",
            p(&[
                "M",
                &chars(ALNUM, 25, 33),
                ".",
                &chars(ALNUM, 6, 34),
                ".",
                &chars(ALNUM, 38, 35),
            ]),
        ),
        (
            "telegram bot token",
            p(&["123456789", ":AA", &chars(ALNUM, 33, 36)]),
        ),
        (
            "stripe live secret key",
            p(&["sk", "_live_", &chars(ALNUM, 24, 37)]),
        ),
        (
            "stripe restricted key",
            p(&["rk", "_live_", &chars(ALNUM, 24, 38)]),
        ),
        (
            "stripe webhook secret",
            p(&["wh", "sec_", &chars(ALNUM, 32, 39)]),
        ),
        (
            "square access token",
            p(&["sq0", "atp-", &chars(ALNUM, 22, 40)]),
        ),
        (
            "shopify access token",
            p(&["shp", "at_", &chars(HEX, 32, 41)]),
        ),
        ("npm token", p(&["np", "m_", &chars(ALNUM, 36, 42)])),
        (
            "pypi token",
            p(&["py", "pi-", "AgEIcHlwaS5vcmc", &chars(ALNUM, 60, 43)]),
        ),
        (
            "sendgrid key",
            p(&["SG", ".", &chars(ALNUM, 22, 44), ".", &chars(ALNUM, 43, 45)]),
        ),
        ("twilio api key", p(&["S", "K", &chars(HEX, 32, 46)])),
        ("mailgun key", p(&["ke", "y-", &chars(ALNUM, 32, 47)])),
        ("mailchimp key", p(&[&chars(HEX, 32, 48), "-us", "14"])),
        (
            "linear api key",
            p(&["lin", "_api_", &chars(ALNUM, 40, 49)]),
        ),
        ("notion token", p(&["nt", "n_", &chars(ALNUM, 46, 50)])),
        ("vault token", p(&["hv", "s.", &chars(ALNUM, 90, 51)])),
        ("doppler token", p(&["dp", ".pt.", &chars(ALNUM, 43, 52)])),
        (
            "postman key",
            p(&["PM", "AK-", &chars(HEX, 24, 53), "-", &chars(HEX, 34, 54)]),
        ),
        (
            "grafana service account token",
            p(&["gl", "sa_", &chars(ALNUM, 32, 55), "_", &chars(HEX, 8, 56)]),
        ),
        (
            "age secret key",
            p(&["AGE-", "SECRET-KEY-1", &chars(UPPER_NUM, 58, 57)]),
        ),
        (
            "sentry dsn",
            p(&[
                "https://",
                &chars(HEX, 32, 58),
                "@o123456.ingest.",
                "sentry.io/42",
            ]),
        ),
        (
            "jwt",
            p(&[
                "ey",
                "JhbGciOiJIUzI1NiJ9",
                ".",
                "ey",
                "JzdWIiOiIxMjM0NTY3ODkwIn0",
                ".",
                &chars(ALNUM, 43, 59),
            ]),
        ),
        ("bearer header", p(&["Bearer ", &chars(ALNUM, 40, 60)])),
        (
            "basic auth header",
            p(&["Basic ", &chars(B64, 32, 61), "=="]),
        ),
        (
            "postgres url with password",
            p(&[
                "postgres://app:",
                &chars(ALNUM, 20, 62),
                "@db.internal:5432/prod",
            ]),
        ),
        (
            "https url with credentials",
            p(&[
                "https://deploy:",
                &chars(ALNUM, 16, 63),
                "@git.example.com/repo.git",
            ]),
        ),
        (
            "pem rsa private key",
            p(&[
                "-----BEGIN RSA ",
                "PRIVATE KEY-----\n",
                &chars(B64, 64, 64),
                "\n",
                &chars(B64, 64, 65),
                "\n-----END RSA ",
                "PRIVATE KEY-----",
            ]),
        ),
        (
            "pem ec private key",
            p(&[
                "-----BEGIN EC ",
                "PRIVATE KEY-----\n",
                &chars(B64, 64, 66),
                "\n-----END EC ",
                "PRIVATE KEY-----",
            ]),
        ),
        (
            "pem openssh private key",
            p(&[
                "-----BEGIN OPENSSH ",
                "PRIVATE KEY-----\n",
                &chars(B64, 70, 67),
                "\n-----END OPENSSH ",
                "PRIVATE KEY-----",
            ]),
        ),
        (
            "password assignment",
            p(&["password=", &chars(ALNUM, 14, 68)]),
        ),
        (
            "api key assignment",
            p(&["api_key: ", &chars(ALNUM, 24, 69)]),
        ),
    ]
}

/// The secret part of a corpus entry (what must not survive): for assignments, headers and
/// URLs, the value after the prefix.
fn secret_part(secret: &str) -> &str {
    for prefix in [
        "Bearer ",
        "Basic ",
        "password=",
        "api_key: ",
        "aws_secret_access_key = ",
    ] {
        if let Some(rest) = secret.strip_prefix(prefix) {
            return rest;
        }
    }
    if let Some(i) = secret.find("AccountKey=") {
        return &secret[i + 11..i + 11 + 86];
    }
    if let Some(i) = secret.find("sig=") {
        return &secret[i + 4..];
    }
    if secret.contains('@') && secret.contains("://") {
        let after_scheme = &secret[secret.find("://").unwrap() + 3..secret.find('@').unwrap()];
        return after_scheme.rsplit(':').next().unwrap();
    }
    secret
}

/// One secret in several positions.
fn positions(secret: &str) -> Value {
    json!({
        "whole": secret,
        "sentence": format!("the agent was told to use {secret} for this call"),
        "headers": { "x-request-id": "req-1", "x-custom": secret },
        "list": ["ok", secret, 3],
        "nested": { "deeper": [{ "value": format!("\"{secret}\"") }] },
    })
}

#[test]
fn the_corpus_has_at_least_forty_distinct_formats() {
    let corpus = corpus();
    let mut names: Vec<_> = corpus.iter().map(|(n, _)| *n).collect();
    names.dedup();
    assert!(names.len() >= 40, "{} formats", names.len());
}

#[test]
fn no_secret_of_the_corpus_survives_redaction() {
    for (format, secret) in corpus() {
        let mut value = positions(&secret);
        let before = scan(&value);
        assert!(
            before.len() >= 5,
            "{format}: the scan sees only {} of 5 positions: {before:?}",
            before.len()
        );
        let mut redactor = Redactor::new(RedactionConfig::default());
        let redactions = redactor.redact_value(&mut value);
        assert!(redactions.len() >= 5, "{format}: {redactions:?}");
        let text = value.to_string();
        let part = secret_part(&secret);
        assert!(!text.contains(part), "{format} survived: {text}");
        assert!(
            scan(&value).is_empty(),
            "{format}: {:?} in {text}",
            scan(&value)
        );
        assert!(ensure_clean(std::path::Path::new("x.json"), &value).is_ok());
        // Redacting again changes nothing.
        let again = value.clone();
        assert!(redactor.redact_value(&mut value).is_empty(), "{format}");
        assert_eq!(value, again);
    }
}

#[test]
fn placeholders_are_stable_within_a_redactor_and_distinct_per_secret() {
    let corpus = corpus();
    let (first, second) = (&corpus[17].1, &corpus[18].1);
    let mut value = json!({ "a": first, "b": second, "c": format!("again {first}") });
    Redactor::new(RedactionConfig::default()).redact_value(&mut value);
    assert_eq!(value["a"], "<redacted:github_token:1>");
    assert_eq!(value["b"], "<redacted:github_token:2>");
    assert_eq!(value["c"], "again <redacted:github_token:1>");
}

#[test]
fn secret_field_names_are_redacted_whatever_the_value_looks_like() {
    let mut value = json!({
        "password": "hunter2",
        "db_password": "correct horse battery staple",
        "headers": { "Authorization": "Token abc", "Cookie": "session=xyz", "X-Api-Key": "short1" },
        "client_secret": 123456,
        "token_type": "Bearer",
        "max_tokens": 512,
        "empty_password": "",
    });
    let findings = scan(&value);
    assert_eq!(findings.len(), 6, "{findings:?}");
    let mut redactor = Redactor::new(RedactionConfig::default());
    redactor.redact_value(&mut value);
    let text = value.to_string();
    for gone in [
        "hunter2",
        "horse",
        "Token abc",
        "session=xyz",
        "short1",
        "123456",
    ] {
        assert!(!text.contains(gone), "{gone}: {text}");
    }
    assert_eq!(value["token_type"], "Bearer");
    assert_eq!(value["max_tokens"], 512);
    assert!(scan(&value).is_empty());
}

#[test]
fn configured_paths_and_patterns_are_redacted() {
    let config =
        RedactionConfig::new(["/customer/ssn", "/orders/*/card"], [r"\bACME-[0-9]{8}\b"]).unwrap();
    let mut value = json!({
        "customer": { "ssn": "123-45-6789", "name": "Ada" },
        "orders": [{ "card": "4242 4242 4242 4242" }, { "card": "5555 5555 5555 4444" }],
        "note": "internal id ACME-12345678 attached",
    });
    assert_eq!(tapedeck::redact::scan_with(&value, &config).len(), 4);
    Redactor::new(config.clone()).redact_value(&mut value);
    let text = value.to_string();
    for gone in ["123-45-6789", "4242", "5555", "ACME-12345678"] {
        assert!(!text.contains(gone), "{gone}: {text}");
    }
    assert_eq!(value["customer"]["name"], "Ada");
    assert!(tapedeck::redact::scan_with(&value, &config).is_empty());
}

#[test]
fn ordinary_values_are_left_alone() {
    let value = json!({
        "id": "0192f3a4-5b6c-7d8e-9f00-112233445566",
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "at": "2026-11-22T15:52:00.123Z",
        "url": "https://api.example.com/v1/orders?page=2&limit=50",
        "text": "Refund issued for order o-1; the customer asked about the skyline tour and tokens.",
        "order": "o-12345",
        "model": "gpt-4.1-mini",
        "path": "reports/q3-summary.json",
        "git": "3f2a9c1d7e",
        "email": "ada@example.com",
        "status": "paid",
        "skus": ["sku-1", "sk-1", "risk-assessment"],
        "token_count": 1234,
        "author": "Grace",
    });
    assert_eq!(scan(&value), [], "{value}");
    let mut copy = value.clone();
    assert!(
        Redactor::new(RedactionConfig::default())
            .redact_value(&mut copy)
            .is_empty()
    );
    assert_eq!(copy, value);
}

#[test]
fn the_final_scan_names_the_file_and_the_path_and_never_the_secret() {
    let secret = corpus()[17].1.clone();
    let value =
        json!({ "interactions": [{ "request": { "headers": { "x-token-ish": secret } } }] });
    let error = ensure_clean(
        std::path::Path::new("fixtures/refunds/r1/tool_cassettes.json"),
        &value,
    )
    .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("fixtures/refunds/r1/tool_cassettes.json"),
        "{text}"
    );
    assert!(
        text.contains("/interactions/0/request/headers/x-token-ish"),
        "{text}"
    );
    assert!(text.contains("github_token"), "{text}");
    assert!(text.contains("redact"), "{text}");
    assert!(!text.contains(&secret), "{text}");
    assert!(!format!("{error:?}").contains(&secret));
}

#[test]
fn invalid_configuration_is_refused_with_its_name() {
    let error = RedactionConfig::new(["/ok"], ["(unclosed"]).unwrap_err();
    assert!(error.to_string().contains("(unclosed"), "{error}");
    let error =
        serde_json::from_value::<RedactionConfig>(json!({ "paths": ["nope"] })).unwrap_err();
    assert!(error.to_string().contains("nope"), "{error}");
}

#[test]
fn a_redactor_never_shows_its_secrets() {
    let secret = corpus()[0].1.clone();
    let mut redactor = Redactor::new(RedactionConfig::default());
    redactor.redact_value(&mut json!({ "k": secret }));
    assert!(!format!("{redactor:?}").contains(&secret));
}

/// A secret added to JSON that was redacted before (a cassette that gains new episodes) gets
/// a placeholder of its own, numbered after the ones already there, not a copy of theirs.
#[test]
fn a_redactor_continuing_after_redacted_json_never_reuses_its_placeholders() {
    let mut first = json!({ "password": "first-one" });
    Redactor::new(RedactionConfig::default()).redact_value(&mut first);
    let old = first["password"].as_str().unwrap().to_string();
    assert!(old.ends_with(":1>"), "{old}");

    let mut grown = json!({ "old": first, "new": { "password": "second-one" } });
    let mut fresh = grown.clone();
    Redactor::new(RedactionConfig::default()).redact_value(&mut fresh);
    assert_eq!(
        fresh["new"]["password"],
        old.as_str(),
        "a fresh redactor collides"
    );

    let mut continuing = Redactor::new(RedactionConfig::default()).continuing_after(&grown);
    continuing.redact_value(&mut grown);
    assert_eq!(
        grown["old"]["password"],
        old.as_str(),
        "the old one is kept"
    );
    let new = grown["new"]["password"].as_str().unwrap();
    assert_eq!(new, old.replace(":1>", ":2>"), "{grown}");
}
