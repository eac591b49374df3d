//! A hash map in shards that the versions of a corpus share, each shard copied when a
//! version first changes it.
//!
//! The corpus keeps maps over every file (names to slots, stamps, counts of short lines).
//! A persistent map (imbl) copies only what a change touches, but its nodes hold room for
//! 32 entries each: at 100,000 files those maps took 62 MB. A flat map behind one `Arc`
//! takes a third of that, but a reload would copy all of it. Here a reload copies the
//! shards it touches: one file's change copies a 64th of each map.

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};

/// How many shards a map is cut into.
const SHARDS: usize = 64;

/// A map whose clones share every shard until one of them changes it (`Arc::make_mut`).
#[derive(Debug, Clone)]
pub struct Shards<K, V> {
    shards: Box<[Arc<FxHashMap<K, V>>]>,
}

impl<K, V> Default for Shards<K, V> {
    fn default() -> Shards<K, V> {
        Shards {
            shards: (0..SHARDS).map(|_| Arc::default()).collect(),
        }
    }
}

/// The shard of a key. The map inside a shard takes its buckets from the low bits of the
/// same hash and its tags from the top ones: the shard is picked by bits in between.
fn shard_of<Q: Hash + ?Sized>(key: &Q) -> usize {
    (FxBuildHasher.hash_one(key) >> 40) as usize % SHARDS
}

impl<K: Hash + Eq + Clone, V: Clone> Shards<K, V> {
    /// The shard that holds `key`, or would.
    pub fn shard<Q>(&self, key: &Q) -> &FxHashMap<K, V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        &self.shards[shard_of(key)]
    }

    /// The shard that holds `key`, or would, to change: copied first when shared.
    pub fn shard_mut<Q>(&mut self, key: &Q) -> &mut FxHashMap<K, V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        Arc::make_mut(&mut self.shards[shard_of(key)])
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key).get(key)
    }

    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key).get_key_value(key)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key).contains_key(key)
    }

    /// The shard that holds `key`, to change, if one does: a shard without it stays shared.
    fn holding_mut<Q>(&mut self, key: &Q) -> Option<&mut FxHashMap<K, V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.contains_key(key).then(|| self.shard_mut(key))
    }

    /// The value of `key`, to change: only a shard that holds it is copied.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.holding_mut(key)?.get_mut(key)
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.shard_mut(&key).insert(key, value)
    }

    /// Removes `key`; a shard without it is left shared.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.holding_mut(key)?.remove(key)
    }

    /// Every entry, shard by shard (in no particular order).
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.shards.iter().flat_map(|s| s.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.is_empty())
    }
}

impl<K: Hash + Eq + Clone, V: Clone> FromIterator<(K, V)> for Shards<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Shards<K, V> {
        let mut map = Shards::default();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_of_strings_finds_what_it_holds_by_str() {
        let mut m: Shards<Arc<str>, usize> = (0..1000)
            .map(|i| (Arc::from(format!("doc-{i}.txt")), i))
            .collect();
        assert_eq!(m.len(), 1000);
        assert_eq!(m.get("doc-417.txt"), Some(&417));
        assert_eq!(m.get("doc-1000.txt"), None);
        assert_eq!(m.remove("doc-417.txt"), Some(417));
        assert_eq!(m.remove("doc-417.txt"), None);
        assert!(!m.contains_key("doc-417.txt") && m.contains_key("doc-418.txt"));
        assert_eq!(m.insert(Arc::from("doc-5.txt"), 50), Some(5));
        let mut seen: Vec<usize> = m.iter().map(|(_, v)| *v).collect();
        seen.sort_unstable();
        assert_eq!(seen.len(), 999);
        assert_eq!(seen.last(), Some(&999));
        // The keys spread over the shards.
        assert!(
            m.shards.iter().all(|s| s.len() > 3),
            "{:?}",
            m.shards.iter().map(|s| s.len()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_change_copies_only_its_shard_and_leaves_the_clone_as_it_was() {
        let old: Shards<u64, u32> = (0..10_000u64).map(|k| (k * 7919, 1)).collect();
        let mut new = old.clone();
        *new.shard_mut(&7919).entry(7919).or_insert(0) += 1;
        // Not there: nothing copied for it.
        assert!(new.get_mut(&7).is_none());
        new.remove(&(2 * 7919));
        new.insert(3, 1);
        // Not there: nothing copied for it.
        new.remove(&5);
        assert_eq!(old.get(&7919), Some(&1));
        assert_eq!(new.get(&7919), Some(&2));
        assert_eq!((old.len(), new.len()), (10_000, 10_000));
        assert!(old.contains_key(&(2 * 7919)) && !new.contains_key(&(2 * 7919)));
        let touched: std::collections::HashSet<usize> =
            [7919u64, 2 * 7919, 3].iter().map(shard_of).collect();
        for (i, (a, b)) in old.shards.iter().zip(new.shards.iter()).enumerate() {
            assert_eq!(Arc::ptr_eq(a, b), !touched.contains(&i), "shard {i}");
        }
    }
}
