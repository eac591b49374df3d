//! Language processing on byte ranges: sentences, dates, stopwords and question analysis.

pub mod dates;
pub mod entities;
pub mod question;
pub mod sentences;
pub mod stopwords;
pub mod synonyms;

use std::collections::HashSet;
use std::hash::Hash;

/// A word as a number, for sorted word lists compared with `jaccard_sorted` (the same for
/// the same word in every run: `DefaultHasher::new` has fixed keys).
pub fn word_hash(word: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    word.hash(&mut h);
    h.finish()
}

/// The characters of `s` from byte `from` on whose first byte passes `lead`, with their
/// offsets. The other characters are passed over a byte at a time, undecoded: a search for a
/// few punctuation marks need not decode the prose between them. `from` is a character
/// boundary.
pub(crate) fn chars_led_by<'s>(
    s: &'s str,
    from: usize,
    lead: impl Fn(u8) -> bool + 's,
) -> impl Iterator<Item = (usize, char)> + 's {
    let bytes = s.as_bytes();
    let mut from = from;
    std::iter::from_fn(move || {
        let at = from + bytes.get(from..)?.iter().position(|&b| lead(b))?;
        // A byte `lead` passes starts a character: a continuation byte's character would
        // have passed at its first byte (every caller's bytes are ASCII or first bytes).
        let c = s.get(at..)?.chars().next()?;
        from = at + c.len_utf8();
        Some((at, c))
    })
}

/// Overlap of two word sets: |A ∩ B| / |A ∪ B|, 0 for two empty sets.
pub fn jaccard<T: Eq + Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f32 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let inter = small.iter().filter(|x| large.contains(*x)).count();
    let union = (a.len() + b.len() - inter) as f32;
    if union == 0.0 {
        0.0
    } else {
        inter as f32 / union
    }
}

/// `jaccard` of two sorted, duplicate-free lists (one merge, no hashing).
pub fn jaccard_sorted<T: Ord>(a: &[T], b: &[T]) -> f32 {
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    jaccard_of(inter, a.len(), b.len())
}

/// Jaccard of sets of `a` and `b` elements that share `inter`.
fn jaccard_of(inter: usize, a: usize, b: usize) -> f32 {
    let union = (a + b - inter) as f32;
    if union == 0.0 {
        0.0
    } else {
        inter as f32 / union
    }
}

/// Whether two sorted, duplicate-free lists' `jaccard_sorted` reaches a threshold, giving up
/// as soon as what is left of them could no longer bring the overlap that far (most pairs
/// differ early). The overlap a pair needs depends only on the lists' total length: for the
/// usual lengths it is looked up, not worked out with divisions at every pair.
pub struct JaccardAtLeast {
    threshold: f32,
    /// By the two lists' total length: the least overlap that reaches the threshold.
    need: Box<[usize]>,
}

impl JaccardAtLeast {
    pub fn new(threshold: f32) -> JaccardAtLeast {
        JaccardAtLeast::with_table(threshold, 512)
    }

    /// With the needed overlap looked up for totals under `sums`.
    fn with_table(threshold: f32, sums: usize) -> JaccardAtLeast {
        JaccardAtLeast {
            threshold,
            need: (0..sums).map(|s| least_overlap(threshold, s)).collect(),
        }
    }

    /// Whether `jaccard_sorted(a, b) >= threshold`.
    pub fn test<T: Ord>(&self, a: &[T], b: &[T]) -> bool {
        let (la, lb) = (a.len(), b.len());
        let need = match self.need.get(la + lb) {
            Some(&n) => n,
            None => least_overlap(self.threshold, la + lb),
        };
        if need > la.min(lb) {
            return false;
        }
        let (mut i, mut j, mut inter) = (0, 0, 0);
        while i < la && j < lb {
            if inter + (la - i).min(lb - j) < need {
                return false;
            }
            // Without branches on the comparison, which a processor cannot foresee here.
            let (le, ge) = (a[i] <= b[j], b[j] <= a[i]);
            inter += usize::from(le & ge);
            i += usize::from(le);
            j += usize::from(ge);
        }
        inter >= need
    }
}

/// The least overlap at which two sets `sum` elements long in all reach a jaccard of
/// `threshold`; more than either can share (`sum / 2 + 1`) when none does.
fn least_overlap(threshold: f32, sum: usize) -> usize {
    let most = sum / 2;
    let reaches = |n: usize| jaccard_of(n, sum, 0) >= threshold;
    // The jaccard grows with the overlap: start from the real-valued answer.
    let t = threshold.max(0.0);
    let mut need = ((t * sum as f32 / (1.0 + t)) as usize).min(most + 1);
    while need > 0 && reaches(need - 1) {
        need -= 1;
    }
    while need <= most && !reaches(need) {
        need += 1;
    }
    need
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_of_sorted_lists_matches_sets() {
        let lists: [&[u32]; 4] = [&[], &[1, 2, 3], &[2, 3, 4, 5], &[9]];
        for a in lists {
            for b in lists {
                let sa: HashSet<u32> = a.iter().copied().collect();
                let sb: HashSet<u32> = b.iter().copied().collect();
                assert_eq!(jaccard_sorted(a, b), jaccard(&sa, &sb), "{a:?} {b:?}");
            }
        }
        assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4, 5]), 2.0 / 5.0);
    }

    #[test]
    fn jaccard_threshold_test_matches_the_full_jaccard() {
        let mut rng = crate::synth::Rng::new(7);
        let list = |rng: &mut crate::synth::Rng| {
            let mut v: Vec<u32> = (0..rng.below(14)).map(|_| rng.below(20) as u32).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let thresholds = [
            -0.1,
            0.0,
            0.2,
            1.0 / 3.0,
            0.5,
            0.51,
            2.0 / 3.0,
            0.9,
            1.0,
            1.1,
        ];
        // Totals past a table are worked out at the pair: both ways are checked.
        let tests: Vec<(f32, [JaccardAtLeast; 2])> = thresholds
            .iter()
            .map(|&t| {
                let both = [JaccardAtLeast::new(t), JaccardAtLeast::with_table(t, 9)];
                (t, both)
            })
            .collect();
        for _ in 0..20_000 {
            let (a, b) = (list(&mut rng), list(&mut rng));
            for (t, both) in &tests {
                for test in both {
                    assert_eq!(
                        test.test(&a, &b),
                        jaccard_sorted(&a, &b) >= *t,
                        "{a:?} {b:?} {t}"
                    );
                }
            }
        }
    }

    #[test]
    fn jaccard_of_sets() {
        let a: HashSet<&str> = ["a", "b"].into_iter().collect();
        let b: HashSet<&str> = ["b", "c"].into_iter().collect();
        assert!((jaccard(&a, &b) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(jaccard(&HashSet::<&str>::new(), &HashSet::new()), 0.0);
    }
}
