//! The built-in secret detectors: patterns for credentials that appear inside strings, and the
//! field names whose values are secret whatever they look like.

use regex::Regex;
use std::sync::LazyLock;

/// One pattern detector. When the pattern has a group named `secret`, only that group is
/// replaced (the `Bearer ` or `AccountKey=` around it stays).
pub struct Detector {
    /// Its name, used in placeholders and findings.
    pub name: &'static str,
    /// The compiled pattern.
    pub pattern: Regex,
}

/// `(name, pattern)`, most specific first: a more specific detector claims a span before a
/// general one sees it.
const PATTERNS: &[(&str, &str)] = &[
    (
        "pem_private_key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)",
    ),
    (
        "jwt",
        r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}",
    ),
    (
        "anthropic_api_key",
        r"\bsk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{20,}",
    ),
    (
        "openai_api_key",
        r"\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}",
    ),
    ("google_api_key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("groq_api_key", r"\bgsk_[A-Za-z0-9]{20,}"),
    ("huggingface_token", r"\bhf_[A-Za-z0-9]{30,}"),
    ("replicate_token", r"\br8_[A-Za-z0-9]{30,}"),
    ("perplexity_api_key", r"\bpplx-[A-Za-z0-9]{30,}"),
    ("xai_api_key", r"\bxai-[A-Za-z0-9]{30,}"),
    (
        "aws_access_key_id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{16}\b",
    ),
    (
        "aws_secret_access_key",
        r#"(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9/+=]{40})"#,
    ),
    (
        "azure_storage_key",
        r"(?i)AccountKey=(?P<secret>[A-Za-z0-9+/=]{40,})",
    ),
    (
        "azure_sas_signature",
        r"[?&]sig=(?P<secret>[A-Za-z0-9%+/=]{30,})",
    ),
    ("digitalocean_token", r"\bdo[opr]_v1_[a-f0-9]{64}\b"),
    ("github_token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    (
        "github_fine_grained_token",
        r"\bgithub_pat_[A-Za-z0-9_]{50,}",
    ),
    (
        "gitlab_token",
        r"\bgl(?:pat|dt|ptt|rt|soat)-[A-Za-z0-9_-]{20,}",
    ),
    ("bitbucket_app_password", r"\bATBB[A-Za-z0-9_=.-]{24,}"),
    ("atlassian_api_token", r"\bATATT3[A-Za-z0-9_=-]{50,}"),
    ("slack_token", r"\bxox[abeoprs]-[A-Za-z0-9-]{10,}"),
    ("slack_app_token", r"\bxapp-\d-[A-Za-z0-9-]{20,}"),
    (
        "slack_webhook",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}",
    ),
    (
        "discord_webhook",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{30,}",
    ),
    (
        "discord_bot_token",
        r"\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b",
    ),
    ("telegram_bot_token", r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b"),
    (
        "stripe_secret_key",
        r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
    ),
    ("stripe_webhook_secret", r"\bwhsec_[A-Za-z0-9]{24,}"),
    ("square_token", r"\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}"),
    ("shopify_token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
    ("npm_token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("pypi_token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    (
        "sendgrid_api_key",
        r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
    ),
    ("twilio_api_key", r"\bSK[0-9a-fA-F]{32}\b"),
    ("mailgun_api_key", r"\bkey-[0-9a-zA-Z]{32}\b"),
    ("mailchimp_api_key", r"\b[0-9a-f]{32}-us\d{1,2}\b"),
    ("linear_api_key", r"\blin_api_[A-Za-z0-9]{40}\b"),
    (
        "notion_token",
        r"\b(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,})\b",
    ),
    ("vault_token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}"),
    (
        "doppler_token",
        r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}",
    ),
    ("postman_api_key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b"),
    (
        "grafana_token",
        r"\b(?:glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})",
    ),
    ("age_secret_key", r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b"),
    (
        "sentry_dsn",
        r"https://(?P<secret>[a-f0-9]{32})@[a-z0-9.-]*sentry\.io",
    ),
    (
        "url_credentials",
        r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:(?P<secret>[^\s@/]{3,})@",
    ),
    (
        "bearer_token",
        r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9._~+/=-]{8,})",
    ),
    (
        "basic_auth",
        r"(?i)\bbasic\s+(?P<secret>[A-Za-z0-9+/]{8,}={0,2})",
    ),
    (
        "assigned_secret",
        r#"(?i)\b(?:password|passwd|pwd|secret|client_secret|api_?key|access_?token|auth_?token)\s*[=:]\s*["']?(?P<secret>[^\s&"',;<>]{6,})"#,
    ),
];

/// Every pattern detector, compiled once.
pub static DETECTORS: LazyLock<Vec<Detector>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|(name, pattern)| Detector {
            name,
            pattern: Regex::new(pattern).expect("built-in detector patterns compile"),
        })
        .collect()
});

/// Field names (compared lower-case, without `-` and `_`) whose values are secret.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "privatekey",
    "privatekeyid",
    "credential",
    "credentials",
    "sessionid",
    "signature",
];

/// Suffixes that make a field secret (`db_password`, `github_token`, `openai_api_key`).
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
];

/// Whether a JSON field of this name holds a secret.
pub fn is_secret_field(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_' && *c != ' ')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_FIELDS.contains(&folded.as_str()) || SECRET_SUFFIXES.iter().any(|s| folded.ends_with(s))
}

/// The detector name used for secret field names.
pub const SECRET_FIELD: &str = "secret_field";

/// The detector name used for configured paths.
pub const CONFIGURED_PATH: &str = "configured_path";

/// The detector name used for configured patterns.
pub const CONFIGURED_PATTERN: &str = "configured_pattern";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_names_are_unique() {
        let mut names: Vec<_> = DETECTORS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PATTERNS.len());
    }

    #[test]
    fn secret_field_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "x-api-key",
            "Authorization",
            "github_token",
            "client_secret",
            "Set-Cookie",
            "private_key",
        ] {
            assert!(is_secret_field(name), "{name}");
        }
        for name in [
            "max_tokens",
            "input_tokens",
            "token_type",
            "tokens_in",
            "status",
            "secretary_name",
            "author",
        ] {
            assert!(!is_secret_field(name), "{name}");
        }
    }
}
