//! Specialization statistics (`-X stats`, `--stats-json`): per family,
//! kept per thread while it runs (no shared counter in the hot path) and
//! added to the runtime's totals when the thread's interpreter goes away.

use crate::bytecode::Opcode;

/// One family's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilyStats {
    /// Executions of a specialized form whose guards held.
    pub hits: u64,
    /// Executions of a specialized form whose guard failed.
    pub misses: u64,
    /// Executions of the generic instruction (in a thread's own copy).
    pub generic: u64,
    /// Specialized forms made.
    pub specialized: u64,
    /// Guard failures that refilled the cache instead of deoptimizing
    /// (polymorphic sites).
    pub refills: u64,
    /// Failed specialization attempts, by reason.
    pub failures: Vec<(&'static str, u64)>,
}

impl FamilyStats {
    /// Specialized forms given up after a guard failed: the misses that
    /// did not refill.
    pub fn deopts(&self) -> u64 {
        self.misses - self.refills
    }

    /// Hits over every execution of the family's instructions.
    pub fn hit_rate(&self) -> f64 {
        let all = self.hits + self.misses + self.generic;
        if all == 0 {
            0.0
        } else {
            self.hits as f64 / all as f64
        }
    }

    fn add(&mut self, other: &FamilyStats) {
        self.hits += other.hits;
        self.misses += other.misses;
        self.generic += other.generic;
        self.specialized += other.specialized;
        self.refills += other.refills;
        for (reason, n) in &other.failures {
            self.fail(reason, *n);
        }
    }

    fn fail(&mut self, reason: &'static str, n: u64) {
        match self.failures.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, count)) => *count += n,
            None => self.failures.push((reason, n)),
        }
    }
}

/// Every family's figures, indexed by the family's generic opcode.
#[derive(Clone, Debug)]
pub struct SpecializationStats(Box<[FamilyStats]>);

impl Default for SpecializationStats {
    fn default() -> Self {
        SpecializationStats(vec![FamilyStats::default(); Opcode::ALL.len()].into())
    }
}

impl SpecializationStats {
    #[inline]
    fn family(&mut self, op: Opcode) -> &mut FamilyStats {
        &mut self.0[op.family() as usize]
    }

    /// A specialized form ran with its guards holding.
    #[inline]
    pub(crate) fn hit(&mut self, op: Opcode) {
        self.family(op).hits += 1;
    }

    /// A specialized form's guard failed (it deoptimized).
    pub(crate) fn miss(&mut self, op: Opcode) {
        self.family(op).misses += 1;
    }

    /// A guard failed and the cache was refilled for the new operand.
    pub(crate) fn refill(&mut self, op: Opcode) {
        let f = self.family(op);
        f.misses += 1;
        f.refills += 1;
    }

    /// A generic instruction of a specializable family ran.
    #[inline]
    pub(crate) fn generic(&mut self, op: Opcode) {
        self.family(op).generic += 1;
    }

    /// An attempt succeeded.
    pub(crate) fn specialized(&mut self, op: Opcode) {
        self.family(op).specialized += 1;
    }

    /// An attempt failed for `reason`.
    pub(crate) fn failed(&mut self, op: Opcode, reason: &'static str) {
        self.family(op).fail(reason, 1);
    }

    /// Adds `other` in.
    pub fn merge(&mut self, other: &SpecializationStats) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            mine.add(theirs);
        }
    }

    /// The families that ran, by name.
    pub fn families(&self) -> Vec<(&'static str, &FamilyStats)> {
        Opcode::ALL
            .iter()
            .zip(self.0.iter())
            .filter(|(_, f)| f.hits + f.misses + f.generic > 0 || !f.failures.is_empty())
            .map(|(op, f)| (op.name(), f))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_go_to_the_family_and_merge() {
        let mut a = SpecializationStats::default();
        a.hit(Opcode::LoadGlobalModule);
        a.hit(Opcode::LoadGlobalBuiltin);
        a.generic(Opcode::LoadGlobal);
        a.miss(Opcode::LoadGlobalModule);
        a.failed(Opcode::LoadGlobal, "not found");
        let mut total = SpecializationStats::default();
        total.merge(&a);
        total.merge(&a);
        let families = total.families();
        assert_eq!(families.len(), 1);
        let (name, f) = families[0];
        assert_eq!(name, "LoadGlobal");
        assert_eq!((f.hits, f.misses, f.generic, f.deopts()), (4, 2, 2, 2));
        assert_eq!(f.failures, vec![("not found", 2)]);
        assert!((f.hit_rate() - 0.5).abs() < 1e-9);
    }
}
