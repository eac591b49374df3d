//! Language processing on byte ranges: sentences, dates, stopwords and question analysis.

pub mod dates;
pub mod entities;
pub mod question;
pub mod sentences;
pub mod stopwords;
pub mod synonyms;

use std::collections::HashSet;
use std::hash::Hash;

/// Overlap of two word sets: |A ∩ B| / |A ∪ B|, 0 for two empty sets.
pub fn jaccard<T: Eq + Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f32 {
    let inter = a.intersection(b).count() as f32;
    let union = a.union(b).count() as f32;
    if union == 0.0 { 0.0 } else { inter / union }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_of_sets() {
        let a: HashSet<&str> = ["a", "b"].into_iter().collect();
        let b: HashSet<&str> = ["b", "c"].into_iter().collect();
        assert!((jaccard(&a, &b) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(jaccard(&HashSet::<&str>::new(), &HashSet::new()), 0.0);
    }
}
