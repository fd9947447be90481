//! Quoting for the places a command line or a path lands: a POSIX shell, a crontab line, a
//! systemd unit and a YAML string.

/// One word for a POSIX shell: as it is when it is safe, else single-quoted.
pub(super) fn sh(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A shell command line of `args`.
pub(super) fn sh_line(args: &[String]) -> String {
    args.iter().map(|a| sh(a)).collect::<Vec<_>>().join(" ")
}

/// A command for a crontab line: cron turns an unescaped `%` into a newline.
pub(super) fn crontab(command: &str) -> String {
    command.replace('%', r"\%")
}

/// One argument of a systemd `ExecStart=`: `%` specifiers and `$` variables escaped, quoted
/// when it holds spaces, quotes or backslashes.
pub(super) fn systemd_arg(word: &str) -> String {
    let escaped = systemd_value(word).replace('$', "$$");
    if escaped.is_empty() || escaped.contains([' ', '\t', '"', '\'', '\\', ';']) {
        format!("\"{}\"", escaped.replace('\\', r"\\").replace('"', "\\\""))
    } else {
        escaped
    }
}

/// A systemd setting's value: `%` specifiers escaped.
pub(super) fn systemd_value(value: &str) -> String {
    value.replace('%', "%%")
}

/// A double-quoted YAML scalar.
pub(super) fn yaml(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(sh("postgres://u@db:5432/t"), "postgres://u@db:5432/t");
        assert_eq!(sh("/srv/my agents"), "'/srv/my agents'");
        assert_eq!(sh("it's"), r"'it'\''s'");
        assert_eq!(sh("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(sh(""), "''");
    }

    #[test]
    fn crontab_escapes_percent() {
        assert_eq!(
            crontab("--store postgres://u:p%40ss@db/t"),
            r"--store postgres://u:p\%40ss@db/t"
        );
    }

    #[test]
    fn systemd_escapes_specifiers_variables_and_quotes() {
        assert_eq!(
            systemd_arg("postgres://u:p%40$x@db/t"),
            "postgres://u:p%%40$$x@db/t"
        );
        assert_eq!(systemd_arg("a b\"c"), "\"a b\\\"c\"");
        assert_eq!(systemd_value("/srv/50%"), "/srv/50%%");
    }

    #[test]
    fn yaml_strings_are_double_quoted_and_escaped() {
        assert_eq!(yaml("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(yaml("x\ny\u{1}"), r#""x\ny\u0001""#);
    }
}
