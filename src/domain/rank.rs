//! Search relevance: PostgreSQL's cover density rank, without its per-call
//! cost.
//!
//! Search ranks by `ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, query, 32)`:
//! title (A) over tags (B) over description (C), scaled into [0, 1).  In
//! PostgreSQL 15 every call of `ts_rank_cd` zeroes 32 KB per item of the
//! query (`calc_rank_cd` allocates a `QueryRepresentationOperand`, whose
//! position array holds MAXENTRYPOS = 16,384 entries, per query item, with
//! `palloc0`).  A two-word query has three items, the stemmed and verbatim
//! readings of `neon city` seven: ranking its 4,054 matches (their vectors
//! copied to a temporary table, one statement) took 38-46 ms, against 5 ms
//! for a one-item query over the same vectors and 7-9 ms with [`rank_cd`];
//! `perf` of two-word searches showed a third of the backend's time in
//! `memset` under `ts_rankcd_wttf` (scale-1 benchmark data, 2026-12-01,
//! pgrx-tests/bench/analysis.md).
//!
//! [`rank_cd`] computes the same number for the queries search makes from
//! plain words (words joined by AND and OR), following `calc_rank_cd` and
//! `Cover` in PostgreSQL's `tsrank.c` step by step.  A query with NOT, a
//! phrase, a weight or a prefix is not [`Query::parse`]d here, and the
//! caller ranks it with `ts_rank_cd` itself.  The `#[pg_test]`
//! `rank_cd_equals_ts_rank_cd` (src/tests.rs) compares the two over
//! generated search vectors (some past 16,383 positions, some without
//! positions) and the query shapes search makes.

/// The default weights of `ts_rank_cd` for D, C, B and A, the ones search
/// passes (`'{0.1, 0.2, 0.4, 1.0}'`), as the float4 values PostgreSQL
/// reads them as.
const WEIGHTS: [f32; 4] = [0.1, 0.2, 0.4, 1.0];

/// A lexeme position as a tsvector stores it: the weight in the top two
/// bits (0 = D .. 3 = A), the position in the other 14.
pub type WordPos = u16;

fn position(p: WordPos) -> i32 {
    i32::from(p & 0x3fff)
}

fn weight(p: WordPos) -> usize {
    usize::from(p >> 14)
}

/// One lexeme of a tsvector, with its positions.
#[derive(Debug, Clone, Copy)]
pub struct Lexeme<'a> {
    pub word: &'a [u8],
    pub positions: &'a [WordPos],
}

/// One item of a tsquery, in the tsquery's own (prefix) order: an
/// operator's right operand is the next item, its left one `left` items on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    Word(&'a [u8]),
    And { left: usize },
    Or { left: usize },
}

/// A tsquery this module can rank: words joined by AND and OR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query<'a> {
    items: Vec<Item<'a>>,
}

/// What a tsquery item is, as read from the datum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawItem<'a> {
    /// A word, with its weight mask and prefix flag.
    Word { word: &'a [u8], weight: u8, prefix: bool },
    /// An operator: `op` is OP_NOT 1, OP_AND 2, OP_OR 3, OP_PHRASE 4.
    Operator { op: i8, left: u32 },
    /// Anything else (a stop-word placeholder).
    Other,
}

impl<'a> Query<'a> {
    /// The query, when it is words joined by AND and OR only; `None` for a
    /// query with NOT, a phrase, a weight, a prefix, or an item out of
    /// place, which the caller ranks with `ts_rank_cd`.
    pub fn parse(raw: &[RawItem<'a>]) -> Option<Query<'a>> {
        let mut items = Vec::with_capacity(raw.len());
        for (i, item) in raw.iter().enumerate() {
            items.push(match *item {
                RawItem::Word { word, weight: 0, prefix: false } => Item::Word(word),
                RawItem::Operator { op, left } if op == 2 || op == 3 => {
                    let left = usize::try_from(left).ok()?;
                    // Both operands must lie after the operator and inside the query.
                    if left < 2 || i + left >= raw.len() {
                        return None;
                    }
                    if op == 2 {
                        Item::And { left }
                    } else {
                        Item::Or { left }
                    }
                }
                _ => return None,
            });
        }
        Some(Query { items })
    }

    /// Whether the query holds with the words `present` (by item index).
    fn holds(&self, at: usize, present: &[bool]) -> bool {
        match self.items[at] {
            Item::Word(_) => present[at],
            Item::And { left } => self.holds(at + left, present) && self.holds(at + 1, present),
            Item::Or { left } => self.holds(at + left, present) || self.holds(at + 1, present),
        }
    }
}

/// A place in the document where query words stand: a position (with its
/// weight) of one lexeme, and the query items that lexeme is.
struct Spot {
    pos: WordPos,
    items: Vec<usize>,
}

/// `ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, query, 32)` for a vector
/// given as its lexemes in the vector's order (sorted bytewise, shorter
/// first on a common prefix, as PostgreSQL keeps them).
pub fn rank_cd(lexemes: &[Lexeme<'_>], query: &Query<'_>) -> f32 {
    let spots = spots(lexemes, query);
    if spots.is_empty() {
        return 0.0;
    }
    let inverse: [f64; 4] = WEIGHTS.map(|w| 1.0 / f64::from(w));
    let mut score = 0.0f64;
    let mut from = 0usize;
    while let Some(cover) = next_cover(&spots, query, &mut from) {
        let inverse_sum: f64 = spots[cover.begin..=cover.end].iter().map(|s| inverse[weight(s.pos)]).sum();
        let spread = (cover.end - cover.begin) as i32;
        let density = f64::from(spread + 1) / inverse_sum;
        // Words between the cover's ends that are not query words; when
        // positions ran out (a document past 16,383 words), half the cover.
        let mut noise = (cover.last - cover.first) - spread;
        if noise < 0 {
            noise = spread / 2;
        }
        score += density / f64::from(1 + noise);
    }
    // Normalisation 32: rank / (rank + 1).
    (score / (score + 1.0)) as f32
}

/// The document's query words in position order (get_docrep): every
/// position of every lexeme a query word names, one spot per position and
/// lexeme, listing the query items that name it.
fn spots(lexemes: &[Lexeme<'_>], query: &Query<'_>) -> Vec<Spot> {
    // (position with weight, lexeme index, query item)
    let mut found: Vec<(WordPos, usize, usize)> = Vec::new();
    for (item, word) in query.items.iter().enumerate() {
        let Item::Word(word) = word else { continue };
        if let Ok(lexeme) = lexemes.binary_search_by(|l| l.word.cmp(word)) {
            found.extend(lexemes[lexeme].positions.iter().map(|&pos| (pos, lexeme, item)));
        }
    }
    // By position, then weight, then lexeme (compareDocR).
    found.sort_by_key(|&(pos, lexeme, _)| (position(pos), weight(pos), lexeme));
    let mut spots: Vec<Spot> = Vec::with_capacity(found.len());
    let mut previous: Option<(WordPos, usize)> = None;
    for (pos, lexeme, item) in found {
        match spots.last_mut() {
            Some(last) if previous == Some((pos, lexeme)) => last.items.push(item),
            _ => spots.push(Spot { pos, items: vec![item] }),
        }
        previous = Some((pos, lexeme));
    }
    spots
}

/// A cover: spots `begin..=end`, at positions `first..=last`.
struct Cover {
    begin: usize,
    end: usize,
    first: i32,
    last: i32,
}

/// The next cover at or after spot `*from` (Cover() in tsrank.c): the
/// first spot where the query holds reading forward, then, from there
/// backward, the spot where it holds again.  `*from` moves past the
/// cover's first spot.
fn next_cover(spots: &[Spot], query: &Query<'_>, from: &mut usize) -> Option<Cover> {
    let mut present = vec![false; query.items.len()];
    loop {
        present.iter_mut().for_each(|p| *p = false);
        let mut end = None;
        for (at, spot) in spots.iter().enumerate().skip(*from) {
            spot.items.iter().for_each(|&i| present[i] = true);
            if query.holds(0, &present) {
                // Cover() takes the spot only above position 0 (its end
                // starts at 0 and must grow); at 0 the search stops.
                if position(spot.pos) > 0 {
                    end = Some(at);
                }
                break;
            }
        }
        let end = end?;
        present.iter_mut().for_each(|p| *p = false);
        let mut begin = None;
        for at in (*from..=end).rev() {
            spots[at].items.iter().for_each(|&i| present[i] = true);
            if query.holds(0, &present) {
                begin = Some(at);
                break;
            }
        }
        if let Some(begin) = begin {
            let (first, last) = (position(spots[begin].pos), position(spots[end].pos));
            if first <= last {
                *from = begin + 1;
                return Some(Cover { begin, end, first, last });
            }
        }
        *from += 1;
        if *from >= spots.len() {
            return None;
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    const A: WordPos = 3 << 14;
    const C: WordPos = 1 << 14;

    fn word(w: &str) -> RawItem<'_> {
        RawItem::Word { word: w.as_bytes(), weight: 0, prefix: false }
    }

    #[test]
    fn queries_with_not_phrase_weight_or_prefix_are_left_to_postgres() {
        let not = [RawItem::Operator { op: 1, left: 1 }, word("a")];
        let phrase = [RawItem::Operator { op: 4, left: 2 }, word("a"), word("b")];
        let weighted = [RawItem::Word { word: b"a", weight: 8, prefix: false }];
        let prefix = [RawItem::Word { word: b"a", weight: 0, prefix: true }];
        for raw in [&not[..], &phrase[..], &weighted[..], &prefix[..]] {
            assert_eq!(Query::parse(raw), None, "{raw:?}");
        }
        let and = [RawItem::Operator { op: 2, left: 2 }, word("b"), word("a")];
        assert!(Query::parse(&and).is_some());
        // An operand offset pointing outside the query is refused, not followed.
        let broken = [RawItem::Operator { op: 2, left: 5 }, word("b"), word("a")];
        assert_eq!(Query::parse(&broken), None);
    }

    // Expected values are PostgreSQL 15's own, from
    //   SELECT ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', v::tsvector, q::tsquery, 32)
    // for the vectors and queries written out in each case.
    #[test]
    fn ranks_as_ts_rank_cd() {
        // 'city':2A,9C 'neon':1A,5C,12C
        let city = [2 | A, 9 | C];
        let neon = [1 | A, 5 | C, 12 | C];
        let lexemes =
            [Lexeme { word: b"city", positions: &city }, Lexeme { word: b"neon", positions: &neon }];
        let one = Query::parse(&[word("neon")]).unwrap();
        let and = Query::parse(&[RawItem::Operator { op: 2, left: 2 }, word("city"), word("neon")]).unwrap();
        let or = Query::parse(&[RawItem::Operator { op: 3, left: 2 }, word("city"), word("nope")]).unwrap();
        let missing = Query::parse(&[word("nope")]).unwrap();
        assert_eq!(rank_cd(&lexemes, &one), 0.583_333_3);
        assert_eq!(rank_cd(&lexemes, &and), 0.551_122_2);
        assert_eq!(rank_cd(&lexemes, &or), 0.545_454_56);
        assert_eq!(rank_cd(&lexemes, &missing), 0.0);
    }
}
