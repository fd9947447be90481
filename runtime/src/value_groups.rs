//! Grouping equal `(name, JSON value)` pairs in one hashed pass, for counting repeats in runs
//! with many calls (attempt numbers, identical-call limits).

use foldhash::{HashMap, HashMapExt};
use serde_json::Value;
use std::collections::hash_map::Entry;

/// Dense group ids for `(name, value)` pairs: equal pairs get the same id, in first-seen order.
#[derive(Debug, Default)]
pub(crate) struct ValueGroups<'a> {
    /// The newest group of each name and value hash.
    newest: HashMap<(&'a str, u64), usize>,
    /// Each group's value, and the next older group with the same name and hash (pairs whose
    /// hashes are equal are told apart by comparing the values).
    groups: Vec<(&'a Value, Option<usize>)>,
}

impl<'a> ValueGroups<'a> {
    /// Room for `n` groups without growing.
    pub fn with_capacity(n: usize) -> ValueGroups<'a> {
        ValueGroups {
            newest: HashMap::with_capacity(n),
            groups: Vec::with_capacity(n),
        }
    }

    /// The group of `(name, value)`, a new one (numbered from 0) if the pair is new.
    pub fn group_of(&mut self, name: &'a str, value: &'a Value) -> usize {
        let hash = crate::compile::value_hash(value);
        let id = self.groups.len();
        let older = match self.newest.entry((name, hash)) {
            Entry::Vacant(slot) => {
                slot.insert(id);
                None
            }
            Entry::Occupied(mut slot) => {
                let mut at = Some(*slot.get());
                while let Some(group) = at {
                    let (seen, next) = self.groups[group];
                    if seen == value {
                        return group;
                    }
                    at = next;
                }
                Some(slot.insert(id))
            }
        };
        self.groups.push((value, older));
        id
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.groups.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_pairs_share_a_group_and_new_ones_are_numbered_in_order() {
        let (a, b, a2) = (
            json!({"x": 1, "y": 2}),
            json!({"x": 2}),
            json!({"y": 2, "x": 1}),
        );
        let mut groups = ValueGroups::default();
        assert_eq!(groups.group_of("send", &a), 0);
        assert_eq!(groups.group_of("send", &b), 1);
        assert_eq!(
            groups.group_of("pay", &a),
            2,
            "another name is another group"
        );
        assert_eq!(groups.group_of("send", &a2), 0, "key order does not matter");
        assert_eq!(groups.len(), 3);
    }

    #[test]
    fn numbers_that_hash_alike_but_differ_stay_apart() {
        // 1 and 1.0 hash alike (as f64) but are different JSON values to serde_json.
        let (int, float) = (json!(1), json!(1.0));
        let mut groups = ValueGroups::default();
        assert_eq!(groups.group_of("t", &int), 0);
        assert_eq!(groups.group_of("t", &float), 1);
        assert_eq!(groups.group_of("t", &json!(1)), 0);
    }
}
