//! Which way to read a page of the following feed (see `get_user_feed`):
//! the estimated rows each path reads, from counts the planner keeps.

/// A probe into one author's creations costs about this many rows read
/// beyond the rows it returns (the index descent).
const PROBE_COST: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedPath {
    /// Each followed author's newest creations, merged.
    ByAuthor,
    /// Everyone's newest creations, keeping those by followed authors.
    ByTime,
}

/// What the chooser knows: `following` accounts followed, `profiles` and
/// `public_creations` in the database, and `rows_wanted` = limit + offset
/// (the rows a page must pass before it can return).
#[derive(Debug, Clone, Copy)]
pub struct FeedShape {
    pub following: f64,
    pub profiles: f64,
    pub public_creations: f64,
    pub rows_wanted: f64,
}

impl FeedShape {
    /// The walk by time passes `rows_wanted` rows by followed authors, one
    /// in `profiles / following` of all rows.
    pub fn rows_by_time(&self) -> f64 {
        self.rows_wanted * self.profiles.max(1.0) / self.following.max(1.0)
    }

    /// Each author gives at most `rows_wanted` rows, and on average has
    /// `public_creations / profiles`.
    pub fn rows_by_author(&self) -> f64 {
        let per_author = self.public_creations.max(0.0) / self.profiles.max(1.0);
        self.following * (PROBE_COST + self.rows_wanted.min(per_author))
    }

    pub fn cheaper_path(&self) -> FeedPath {
        if self.following >= 1.0 && self.rows_by_time() < self.rows_by_author() {
            FeedPath::ByTime
        } else {
            FeedPath::ByAuthor
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    // The benchmark's scale 1: 100k profiles, 800k public creations.
    fn shape(following: f64, rows_wanted: f64) -> FeedShape {
        FeedShape { following, profiles: 100_000.0, public_creations: 800_000.0, rows_wanted }
    }

    #[test]
    fn a_heavy_follower_reads_the_first_page_by_time() {
        assert_eq!(shape(2_000.0, 20.0).cheaper_path(), FeedPath::ByTime);
        assert_eq!(shape(2_000.0, 20.0).rows_by_time(), 1_000.0);
    }

    #[test]
    fn a_deep_offset_reads_by_author() {
        // Page 50 by offset: 1,000 rows wanted; the walk would pass 50,000.
        let deep = shape(2_000.0, 1_000.0);
        assert!(deep.rows_by_author() < deep.rows_by_time());
        assert_eq!(deep.cheaper_path(), FeedPath::ByAuthor);
    }

    #[test]
    fn a_light_follower_reads_by_author() {
        assert_eq!(shape(10.0, 20.0).cheaper_path(), FeedPath::ByAuthor);
        assert_eq!(shape(0.0, 20.0).cheaper_path(), FeedPath::ByAuthor);
    }

    #[test]
    fn unknown_counts_still_choose() {
        // Never analysed: reltuples is -1.
        let fresh = FeedShape { following: 3.0, profiles: -1.0, public_creations: -1.0, rows_wanted: 20.0 };
        assert_eq!(fresh.cheaper_path(), FeedPath::ByAuthor);
    }
}
