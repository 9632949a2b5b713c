//! The bond between a user and a Luminor: levels 1 to 10, earned with XP.
//!
//! Going from level L to L+1 costs `floor(100 * L^1.5)` XP.  `bond_xp` is the
//! XP inside the current level; earning more than a level needs carries the
//! remainder, possibly across several levels at once.  Level 10 is the cap:
//! XP keeps accruing there and progress reports 100%.

pub const MAX_LEVEL: i32 = 10;
pub const XP_PER_USER_MESSAGE: i32 = 10;

/// What leaving `level` costs in XP (the spec's `floor(100 * level^1.5)`).
pub fn level_cost(level: i32) -> i32 {
    let level = level.clamp(1, MAX_LEVEL);
    (100.0 * f64::from(level).powf(1.5)).floor() as i32
}

/// The XP the next level needs, counted from the start of `level` (the
/// API's `xp_for_next_level`); `None` at the cap, where there is no next
/// level.
pub fn xp_for_next_level(level: i32) -> Option<i32> {
    (level < MAX_LEVEL).then(|| level_cost(level))
}

/// Level and in-level XP after applying any level-ups that `xp` pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bond {
    pub level: i32,
    pub xp: i32,
}

impl Bond {
    /// Spend XP on level-ups while it pays for them.
    pub fn settle(self) -> Bond {
        let mut bond = Bond { level: self.level.clamp(1, MAX_LEVEL), xp: self.xp.max(0) };
        while bond.level < MAX_LEVEL && bond.xp >= level_cost(bond.level) {
            bond.xp -= level_cost(bond.level);
            bond.level += 1;
        }
        bond
    }

    /// Percent of the way to the next level, 100 at the cap.
    pub fn progress_percent(self) -> f64 {
        if self.level >= MAX_LEVEL {
            return 100.0;
        }
        let pct = f64::from(self.xp) / f64::from(level_cost(self.level)) * 100.0;
        (pct * 100.0).round() / 100.0
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn costs_follow_the_spec_formula() {
        assert_eq!(level_cost(1), 100);
        assert_eq!(level_cost(2), 282);
        assert_eq!(level_cost(3), 519);
        assert_eq!(level_cost(9), 2700);
    }

    #[test]
    fn there_is_no_next_level_at_the_cap() {
        assert_eq!(xp_for_next_level(9), Some(2700));
        assert_eq!(xp_for_next_level(10), None);
    }

    #[test]
    fn settling_carries_the_remainder_across_levels() {
        assert_eq!(Bond { level: 1, xp: 99 }.settle(), Bond { level: 1, xp: 99 });
        assert_eq!(Bond { level: 1, xp: 100 }.settle(), Bond { level: 2, xp: 0 });
        assert_eq!(Bond { level: 1, xp: 100 + 282 + 5 }.settle(), Bond { level: 3, xp: 5 });
    }

    #[test]
    fn level_ten_is_the_cap_and_xp_keeps_accruing() {
        let total: i32 = (1..MAX_LEVEL).map(level_cost).sum();
        let capped = Bond { level: 1, xp: total + 1234 }.settle();
        assert_eq!(capped, Bond { level: 10, xp: 1234 });
        assert_eq!(capped.progress_percent(), 100.0);
    }

    #[test]
    fn progress_is_a_percentage_of_the_current_level() {
        assert_eq!(Bond { level: 2, xp: 141 }.progress_percent(), 50.0);
        assert_eq!(Bond { level: 1, xp: 0 }.progress_percent(), 0.0);
    }
}
