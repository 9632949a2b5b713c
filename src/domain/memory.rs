//! A Luminor's key memories of a user: storing without duplicates, keeping
//! at most [`MAX_MEMORIES`], and choosing the ones worth putting in a prompt.
//!
//! Memories are JSON objects in `luminor_relationships.key_memories`:
//! `{id, type, content, importance, created_at, updated_at}`.  The array is
//! kept in order of last change, oldest first, which is what eviction needs.
//!
//! Retrieval follows the Generative Agents paper (Park et al., 2023): each
//! memory scores recency + importance + relevance, each min-max normalised
//! over the candidates, weights all 1.  Recency decays by 0.995 per hour
//! since the memory last changed; relevance is the cosine similarity of the
//! query's and the memory's word counts (no embeddings in the database).

use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub const MAX_MEMORIES: usize = 100;
pub const MAX_CONTENT_CHARS: usize = 2000;
pub const RECENCY_DECAY_PER_HOUR: f64 = 0.995;

/// `type` of a memory: a short lowercase word (`fact`, `preference`, `goal`,
/// `project`, ...), so apps can invent their own kinds.
pub fn is_valid_memory_type(kind: &str) -> bool {
    (2..=30).contains(&kind.len())
        && kind.starts_with(|c: char| c.is_ascii_lowercase())
        && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// Content compared for "the same memory again": case, spacing and trailing
/// punctuation do not make a memory new.  Content that is nothing but
/// punctuation keeps it (else "..." and "!!!" would be one memory).
pub fn content_key(content: &str) -> String {
    let spaced = content.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = spaced.trim_end_matches(['.', '!', '?']);
    if trimmed.is_empty() { spaced } else { trimmed.to_string() }.to_lowercase()
}

pub struct NewMemory<'a> {
    pub kind: &'a str,
    pub content: &'a str,
    pub importance: i32,
    /// The database's `now()`, as JSON, so every timestamp has one source.
    pub now: Value,
    /// A fresh id, used only if the memory is new.
    pub fresh_id: String,
}

/// Store `new` in `memories`: update the entry with the same content if there
/// is one (keeping its id and created_at), else append; then evict the least
/// important, oldest first, beyond [`MAX_MEMORIES`].  Returns the stored
/// memory.
pub fn remember(memories: &mut Vec<Value>, new: NewMemory<'_>) -> Value {
    let key = content_key(new.content);
    let existing = memories.iter().position(|m| {
        m.get("content").and_then(Value::as_str).map(content_key).as_deref() == Some(key.as_str())
    });
    let stored = match existing {
        Some(index) => {
            let mut memory = memories.remove(index);
            if let Some(obj) = memory.as_object_mut() {
                obj.insert("type".into(), json!(new.kind));
                obj.insert("content".into(), json!(new.content));
                obj.insert("importance".into(), json!(new.importance));
                obj.insert("updated_at".into(), new.now.clone());
            }
            memory
        }
        None => json!({
            "id": new.fresh_id,
            "type": new.kind,
            "content": new.content,
            "importance": new.importance,
            "created_at": new.now,
            "updated_at": new.now,
        }),
    };
    memories.push(stored.clone());
    while memories.len() > MAX_MEMORIES {
        // Lowest importance first; among equals the earliest in the array,
        // which is the one that changed longest ago.  Never the one just stored.
        let victim = memories[..memories.len() - 1]
            .iter()
            .enumerate()
            .min_by_key(|(index, m)| (importance_of(m), *index))
            .map(|(index, _)| index)
            .expect("more than MAX_MEMORIES entries");
        memories.remove(victim);
    }
    stored
}

fn importance_of(memory: &Value) -> i64 {
    memory.get("importance").and_then(Value::as_i64).unwrap_or(0)
}

fn word_counts(text: &str) -> HashMap<String, f64> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() > 2).map(|w| {
        // A plural is the same word for recall: "dragons" is "dragon".
        let w = w.to_lowercase();
        match w.strip_suffix('s') {
            Some(stem) if stem.chars().count() > 2 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        }
    }) {
        *counts.entry(word).or_insert(0.0) += 1.0;
    }
    counts
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(w, x)| b.get(w).map(|y| x * y)).sum();
    let norm = |v: &HashMap<String, f64>| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        dot / denominator
    }
}

/// Min-max normalisation over the candidates.  When they all score the same
/// (or there is one), the raw values, already on a 0..1 scale, stand.
fn min_max(values: &[f64]) -> Vec<f64> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values.iter().map(|v| if hi > lo { (v - lo) / (hi - lo) } else { v.clamp(0.0, 1.0) }).collect()
}

/// The `limit` memories most worth recalling for `query`, best first, each
/// with its `score` and its three components.  `memories` pairs each memory
/// with its age in hours.
pub fn recall(memories: Vec<(Value, f64)>, query: Option<&str>, limit: usize) -> Vec<Value> {
    let query_words = query.map(word_counts).unwrap_or_default();
    let recency: Vec<f64> =
        memories.iter().map(|(_, age)| RECENCY_DECAY_PER_HOUR.powf(age.max(0.0))).collect();
    let importance: Vec<f64> = memories.iter().map(|(m, _)| importance_of(m) as f64 / 10.0).collect();
    let relevance: Vec<f64> = memories
        .iter()
        .map(|(m, _)| {
            let content = m.get("content").and_then(Value::as_str).unwrap_or("");
            cosine(&query_words, &word_counts(content))
        })
        .collect();
    let (recency, importance, relevance) = (min_max(&recency), min_max(&importance), min_max(&relevance));

    let mut scored: Vec<(f64, i64, Value)> = memories
        .into_iter()
        .enumerate()
        .map(|(i, (memory, _))| {
            let score = recency[i] + importance[i] + relevance[i];
            let mut obj: Map<String, Value> = memory.as_object().cloned().unwrap_or_default();
            obj.insert("score".into(), json!((score * 1000.0).round() / 1000.0));
            obj.insert("recency".into(), json!((recency[i] * 1000.0).round() / 1000.0));
            obj.insert("relevance".into(), json!((relevance[i] * 1000.0).round() / 1000.0));
            let imp = importance_of(&memory);
            (score, imp, Value::Object(obj))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    scored.into_iter().take(limit).map(|(_, _, m)| m).collect()
}

#[cfg(test)]
mod unit {
    use super::*;

    fn new<'a>(content: &'a str, importance: i32, id: &str) -> NewMemory<'a> {
        NewMemory {
            kind: "fact",
            content,
            importance,
            now: json!("2026-01-01T00:00:00Z"),
            fresh_id: id.into(),
        }
    }

    #[test]
    fn memory_types_are_short_lowercase_words() {
        assert!(is_valid_memory_type("preference"));
        assert!(is_valid_memory_type("long_term_goal"));
        assert!(!is_valid_memory_type("Goal"));
        assert!(!is_valid_memory_type("x"));
        assert!(!is_valid_memory_type("drop table"));
    }

    #[test]
    fn content_keys_ignore_case_spacing_and_trailing_punctuation() {
        assert_eq!(content_key("  Loves   Synthwave! "), content_key("loves synthwave"));
        assert_eq!(content_key("..."), "...");
        assert_ne!(content_key("..."), content_key("!!!"));
    }

    #[test]
    fn the_same_content_updates_instead_of_duplicating() {
        let mut memories = Vec::new();
        remember(&mut memories, new("Loves  watercolor.", 3, "a"));
        let stored = remember(&mut memories, new("loves watercolor", 8, "b"));
        assert_eq!(memories.len(), 1);
        assert_eq!(stored["id"], "a");
        assert_eq!(stored["importance"], 8);
    }

    #[test]
    fn eviction_drops_the_least_important_oldest_first() {
        let mut memories = Vec::new();
        for n in 0..MAX_MEMORIES {
            let importance = if n == 5 || n == 7 { 1 } else { 5 };
            remember(&mut memories, new(&format!("memory {n}"), importance, &format!("id{n}")));
        }
        remember(&mut memories, new("one more", 5, "new"));
        assert_eq!(memories.len(), MAX_MEMORIES);
        assert!(memories.iter().all(|m| m["id"] != "id5"), "the oldest least important goes first");
        assert!(memories.iter().any(|m| m["id"] == "id7"));
        // A new memory of the lowest importance is kept; an older one goes.
        remember(&mut memories, new("trivial", 1, "trivial"));
        assert!(memories.iter().any(|m| m["id"] == "trivial"));
        assert!(memories.iter().all(|m| m["id"] != "id7"));
    }

    #[test]
    fn recall_prefers_relevant_important_recent_memories() {
        let memories = vec![
            (json!({"id": "old", "content": "likes jazz music", "importance": 2}), 500.0),
            (json!({"id": "dragon", "content": "is painting a dragon series", "importance": 9}), 10.0),
            (json!({"id": "cat", "content": "has a cat named Miso", "importance": 5}), 1.0),
        ];
        let top = recall(memories.clone(), Some("ideas for my dragon painting"), 2);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0]["id"], "dragon");
        let no_query = recall(memories, None, 10);
        assert_eq!(no_query.len(), 3);
        assert_eq!(no_query[2]["id"], "old");
    }

    #[test]
    fn a_single_memory_keeps_its_raw_scores() {
        let one = vec![(json!({"id": "d", "content": "Paints dragons", "importance": 8}), 0.0)];
        let top = recall(one, Some("dragon"), 5);
        // "dragon" against {paint, dragon}: cosine 1/sqrt(2).
        assert_eq!(top[0]["relevance"], 0.707);
        // recency 1 (age 0) + importance 0.8 + relevance 0.707
        assert_eq!(top[0]["score"], 2.507);
    }
}
