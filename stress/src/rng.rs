//! A small deterministic PRNG (SplitMix64): one stream per thread, derived
//! from `--seed`, so that a run's random choices are reproducible per thread
//! (the interleaving between threads is of course not).

/// SplitMix64: a 64-bit state advanced by a Weyl sequence and mixed.
pub(crate) struct Rng(u64);

impl Rng {
    /// The stream number `stream` of the run seeded with `seed`.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        // Decorrelate neighbouring streams before the first use.
        rng.next_u64();
        rng
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a collection of length `len` (`len > 0`).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True with probability `1 / one_in`.
    pub(crate) fn one_in(&mut self, one_in: u64) -> bool {
        self.below(one_in.max(1)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn streams_differ_and_below_stays_in_range() {
        let mut a = Rng::new(7, 0);
        let mut b = Rng::new(7, 1);
        assert_ne!(a.next_u64(), b.next_u64());
        let mut hits = [0u32; 5];
        for _ in 0..10_000 {
            hits[a.index(5)] += 1;
        }
        assert!(
            hits.iter().all(|&h| (1_500..2_500).contains(&h)),
            "{hits:?}"
        );
    }
}
