//! Procedural macros for tapedeck (filled in by the harness issue).
#![forbid(unsafe_code)]
