//! Compiled JSON Schemas, regular expressions and globs, cached by their source text.
//!
//! The loader checks that a contract's schemas, regexes and globs compile, and the judge uses
//! them; with this cache each distinct one is compiled once per process, however many fixtures
//! share it and however often it is used.

use foldhash::{HashMap, HashMapExt};
use serde_json::Value;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Entries kept per kind before the cache starts over (bounds memory on hostile input).
const MAX_ENTRIES: usize = 4096;

/// Why a schema, regex or glob does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The compiler's message.
    pub message: String,
    /// For schemas: the JSON Pointer inside the schema where the problem is (may be empty).
    pub at: String,
}

struct Cache<T> {
    entries: Mutex<HashMap<String, Result<Arc<T>, CompileError>>>,
}

impl<T> Cache<T> {
    fn new() -> Cache<T> {
        Cache {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(
        &self,
        key: &str,
        compile: impl FnOnce() -> Result<T, CompileError>,
    ) -> Result<Arc<T>, CompileError> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = entries.get(key) {
            return found.clone();
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let compiled = compile().map(Arc::new);
        entries.insert(key.to_string(), compiled.clone());
        compiled
    }
}

/// Compiled schemas by a structural hash of the schema; entries keep their schema so that a hash
/// collision is told apart by comparing values (no serialization on the lookup path).
type SchemaEntries = HashMap<u64, Vec<(Value, Result<Arc<jsonschema::Validator>, CompileError>)>>;

/// The compiled JSON Schema `schema`.
pub fn json_schema(schema: &Value) -> Result<Arc<jsonschema::Validator>, CompileError> {
    static CACHE: OnceLock<Mutex<SchemaEntries>> = OnceLock::new();
    let key = value_hash(schema);
    let mut entries = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some((_, found)) = entries
        .get(&key)
        .and_then(|bucket| bucket.iter().find(|(s, _)| s == schema))
    {
        return found.clone();
    }
    if entries.len() >= MAX_ENTRIES {
        entries.clear();
    }
    let compiled = jsonschema::validator_for(schema)
        .map(Arc::new)
        .map_err(|e| CompileError {
            message: e.to_string(),
            at: e.instance_path().as_str().to_string(),
        });
    entries
        .entry(key)
        .or_default()
        .push((schema.clone(), compiled.clone()));
    compiled
}

/// A structural hash of a JSON value, the same in every process (for in-memory lookups only;
/// equal values hash alike, and `1` and `1.0` do too).
pub(crate) fn value_hash(value: &Value) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::fast::FixedState::default().build_hasher();
    hash_value(value, &mut hasher);
    hasher.finish()
}

/// Feeds a JSON value's structure into a hasher without allocating.
pub(crate) fn hash_value(value: &Value, state: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    match value {
        Value::Null => 0u8.hash(state),
        Value::Bool(b) => (1u8, b).hash(state),
        Value::Number(n) => (2u8, n.as_f64().map(f64::to_bits)).hash(state),
        Value::String(s) => (3u8, s).hash(state),
        Value::Array(items) => {
            (4u8, items.len()).hash(state);
            items.iter().for_each(|v| hash_value(v, state));
        }
        Value::Object(map) => {
            (5u8, map.len()).hash(state);
            for (k, v) in map {
                k.hash(state);
                hash_value(v, state);
            }
        }
    }
}

/// The compiled regular expression `pattern`.
pub fn regex(pattern: &str) -> Result<Arc<regex::Regex>, CompileError> {
    static CACHE: OnceLock<Cache<regex::Regex>> = OnceLock::new();
    CACHE.get_or_init(Cache::new).get(pattern, || {
        regex::Regex::new(pattern).map_err(|e| CompileError {
            message: e.to_string(),
            at: String::new(),
        })
    })
}

/// The compiled glob `pattern` (for artifact paths).
pub fn glob(pattern: &str) -> Result<Arc<globset::GlobMatcher>, CompileError> {
    static CACHE: OnceLock<Cache<globset::GlobMatcher>> = OnceLock::new();
    CACHE.get_or_init(Cache::new).get(pattern, || {
        globset::Glob::new(pattern)
            .map(|g| g.compile_matcher())
            .map_err(|e| CompileError {
                message: e.kind().to_string(),
                at: String::new(),
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_once_and_caches_errors_too() {
        let a = json_schema(&json!({"type": "object"})).unwrap();
        let b = json_schema(&json!({"type": "object"})).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(json_schema(&json!({"type": 12})).is_err());
        assert!(regex("(").unwrap_err().message.contains("unclosed"));
        assert!(glob("a/[").is_err());
        assert!(glob("secrets/**").unwrap().is_match("secrets/a/b"));
    }
}
