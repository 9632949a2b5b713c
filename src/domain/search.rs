//! Typo tolerance for search, without extensions: the words of published
//! creations form a vocabulary (`arcanea.search_terms`); a query word that
//! is not in it is replaced by the closest vocabulary word within its typo
//! budget, found here by edit distance.
//!
//! Budgets follow common search-engine practice: no typo under 4 letters,
//! one from 4, two from 8.  Candidates share the word's first letter (a
//! first-letter typo is rare, and the rule keeps the candidate set small).

use std::collections::HashMap;

/// The longest word kept in the vocabulary (`arcanea.search_terms`, whose
/// `search_terms_length` constraint says the same; `schema_facts` checks).
pub const MAX_TERM_LEN: usize = 30;

/// How many edits a query word of this length may be away from a match.
pub fn typo_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The lowercase words of a query that may carry typos, deduplicated.
/// Words of websearch syntax (`or`) and excluded words (`-word`) are kept
/// out: correcting an exclusion would change its meaning.
pub fn correctable_words(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (start, word) in word_spans(query) {
        let excluded = start > 0 && query[..start].ends_with('-');
        let lower = word.to_lowercase();
        if excluded
            || lower == "or"
            || typo_budget(lower.chars().count()) == 0
            || lower.chars().count() > MAX_TERM_LEN
        {
            continue;
        }
        if !out.contains(&lower) {
            out.push(lower);
        }
    }
    out
}

/// What a query of plain words asks, once repeats are dropped.
#[derive(Debug, PartialEq, Eq)]
pub enum Simplified {
    /// The query to run (as typed when it is not plain words), and the
    /// words it requires when it is plain words (none otherwise).  One
    /// required word (perhaps excluding others): a query the leaders of that
    /// word can answer (sql/26_search_leaders.sql).
    Query { text: String, required: Vec<String> },
    /// A word both required and excluded (`dragon -dragon`): nothing can
    /// match, so nothing needs to be read.
    Nothing,
}

/// A query of plain words, each perhaps excluded (`-word`), with `&`, `!`
/// and `|` as websearch syntax reads them (separators), loses its repeated
/// words, and is `Nothing` when a word is both required and excluded.  Left
/// as typed: a phrase, `or`, or any other character.  Why: the planner
/// estimates `dragon & dragon` as a rare pair (the share squared) and ranks
/// every match, and walks every creation looking for `dragon & !dragon`
/// (8.5 s at scale 1); words are compared as typed, so `dragons -dragon`,
/// which stemming makes a contradiction, is not caught here.
pub fn simplify(query: &str) -> Simplified {
    let mut required: Vec<String> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    for token in query.split_whitespace() {
        let token = token.trim_start_matches(['!', '&', '|']);
        if token.is_empty() {
            continue;
        }
        let (list, word) = match token.strip_prefix('-') {
            Some(word) => (&mut excluded, word),
            None => (&mut required, token),
        };
        let word = word.to_lowercase();
        if word.is_empty() || word == "or" || !word.chars().all(char::is_alphanumeric) {
            return Simplified::Query { text: query.to_string(), required: Vec::new() };
        }
        if !list.contains(&word) {
            list.push(word);
        }
    }
    if (required.is_empty() && excluded.is_empty()) || required.iter().any(|w| excluded.contains(w)) {
        return Simplified::Nothing;
    }
    let words: Vec<String> =
        required.iter().cloned().chain(excluded.into_iter().map(|w| format!("-{w}"))).collect();
    Simplified::Query { text: words.join(" "), required }
}

/// Byte offset and text of each run of letters and digits.
fn word_spans(text: &str) -> Vec<(usize, &str)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, &text[s..]));
    }
    spans
}

/// Optimal string alignment distance (Damerau-Levenshtein where each
/// substring is edited once): insertions, deletions, substitutions and
/// transpositions of neighbours each cost one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The closest candidate within the word's budget, or `None` when the word
/// is itself a candidate; ties go to the candidate closest in length, then
/// alphabetical (deterministic).
pub fn best_correction(word: &str, candidates: &[String]) -> Option<String> {
    if candidates.iter().any(|c| c == word) {
        return None;
    }
    let budget = typo_budget(word.chars().count());
    let len = word.chars().count() as isize;
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), (c.chars().count() as isize - len).unsigned_abs(), c))
        .filter(|(distance, _, _)| *distance >= 1 && *distance <= budget)
        .min()
        .map(|(_, _, c)| c.clone())
}

/// `query` with each corrected word replaced, everything else as typed.
pub fn apply_corrections(query: &str, corrections: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(query.len());
    let mut last = 0;
    for (start, word) in word_spans(query) {
        out.push_str(&query[last..start]);
        match corrections.get(&word.to_lowercase()) {
            Some(fixed) => out.push_str(fixed),
            None => out.push_str(word),
        }
        last = start + word.len();
    }
    out.push_str(&query[last..]);
    out
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn budgets_grow_with_length() {
        assert_eq!(typo_budget(3), 0);
        assert_eq!(typo_budget(4), 1);
        assert_eq!(typo_budget(7), 1);
        assert_eq!(typo_budget(8), 2);
    }

    #[test]
    fn distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance("dragon", "dragon"), 0);
        assert_eq!(edit_distance("dragon", "dargon"), 1);
        assert_eq!(edit_distance("dragon", "dragn"), 1);
        assert_eq!(edit_distance("dragon", "dragoon"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn corrections_stay_within_budget_and_prefer_close_lengths() {
        let vocabulary: Vec<String> =
            ["dragon", "dragons", "wagon", "synthwave"].iter().map(|s| s.to_string()).collect();
        assert_eq!(best_correction("dragn", &vocabulary).as_deref(), Some("dragon"));
        assert_eq!(best_correction("synthwvae", &vocabulary).as_deref(), Some("synthwave"));
        assert_eq!(best_correction("drgn", &vocabulary), None, "two edits on a 4-letter word");
        assert_eq!(best_correction("dragon", &vocabulary), None, "an exact word needs no correction");
    }

    #[test]
    fn only_plain_words_are_corrected() {
        assert_eq!(correctable_words("Dragn -seaa or \"small dragn\" at"), vec!["dragn", "small"]);
    }

    #[test]
    fn repeated_words_go_and_contradictions_match_nothing() {
        let query = |text: &str, required: &[&str]| Simplified::Query {
            text: text.into(),
            required: required.iter().map(|w| w.to_string()).collect(),
        };
        assert_eq!(simplify("Dragon dragon  sea"), query("dragon sea", &["dragon", "sea"]));
        assert_eq!(simplify("dragon & !dragon"), query("dragon", &["dragon"]), "& and ! are separators");
        assert_eq!(simplify("dragon -dragon"), Simplified::Nothing);
        assert_eq!(simplify("-sea dragon -Sea"), query("dragon -sea", &["dragon"]));
        assert_eq!(simplify("-sea"), query("-sea", &[]));
        assert_eq!(simplify("& | !"), Simplified::Nothing, "no word at all");
    }

    #[test]
    fn anything_but_plain_words_is_left_as_typed() {
        for query in ["\"small dragon\" -dragon", "dragon or -dragon", "sea-dragon -dragon", "drag:* -drag"] {
            assert_eq!(
                simplify(query),
                Simplified::Query { text: query.into(), required: Vec::new() },
                "{query}"
            );
        }
    }

    #[test]
    fn corrections_keep_the_rest_of_the_query() {
        let fixes: HashMap<String, String> = [("dragn".to_string(), "dragon".to_string())].into();
        assert_eq!(apply_corrections("\"Small Dragn\" -sea", &fixes), "\"Small dragon\" -sea");
    }
}
