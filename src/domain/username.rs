//! Usernames: the rule, and how a signup gets one that is valid and free.

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 30;

/// The database's rule (`profiles_username_format`): 3 to 30 of `[a-z0-9_]`.
pub fn is_valid(name: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Turn free text (a Luminor's name or slug) into a valid username, or
/// `None` when too little of it survives.
///
/// Lowercases, maps separators (`.`, `-`, `+`, space) to `_`, drops every
/// other character, folds runs of `_`, trims `_` at both ends and cuts to
/// 30 characters.
pub fn normalize(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len().min(MAX_LEN));
    for c in raw.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'a'..='z' | '0'..='9' => c,
            '_' | '.' | '-' | '+' | ' ' => '_',
            _ => continue,
        };
        if mapped == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(mapped);
        if out.len() == MAX_LEN {
            break;
        }
    }
    let trimmed = out.trim_end_matches('_');
    (trimmed.len() >= MIN_LEN).then(|| trimmed.to_string())
}

/// Words that would make a username pass for the service itself.  A name is
/// reserved when, without trailing digits and underscores, it is one of
/// these or the name of a Luminor ("admin", "support_2", "lumina7"), or when
/// it starts with "arcanea".
pub const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "support",
    "system",
    "moderator",
    "mod",
    "root",
    "staff",
    "official",
    "security",
    "help",
    "team",
];
pub const RESERVED_PREFIX: &str = "arcanea";

/// Whether `name` is reserved; `luminor_names` are the Luminors' names and
/// slugs as stored (normalised here as a username would be).
pub fn is_reserved<S: AsRef<str>>(name: &str, luminor_names: &[S]) -> bool {
    let name = name.to_ascii_lowercase();
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
    name.starts_with(RESERVED_PREFIX)
        || RESERVED.contains(&stem)
        || luminor_names.iter().filter_map(|l| normalize(l.as_ref())).any(|l| l == stem)
}

/// The stem of generated usernames: neutral, never taken from an e-mail
/// address (which would publish part of it).
pub const GENERATED_STEM: &str = "creator";

/// The usernames to try for a new user, best first.  The caller inserts with
/// ON CONFLICT DO NOTHING and takes the first that is free.
///
/// 1. the username the user asked for at signup, normalised (`Neo Anderson`
///    becomes `neo_anderson`), if enough of it survives;
/// 2. that name, or `creator` when none was asked for, with numeric
///    suffixes of growing width, drawn from a hash of the user's id, so that
///    10,000 signups asking for `alex` fan out instead of probing `alex_1`,
///    `alex_2`, ... one by one, and ids that differ in a single byte still
///    get different suffixes;
/// 3. `u` and the id in base 36, which no other user's id can produce.
///
/// The e-mail address is not used: a name derived from it would publish
/// part of it.  [`fallback`] continues the list should all of these be
/// taken (by names people chose).  The caller drops reserved names.
pub fn candidates(requested: Option<&str>, user_id: &[u8; 16]) -> Vec<String> {
    let mut out = Vec::with_capacity(10);
    let requested = requested.and_then(normalize);
    if let Some(name) = &requested {
        out.push(name.clone());
    }
    let base = requested.unwrap_or_else(|| GENERATED_STEM.to_string());

    let seed = u128::from_be_bytes(*user_id);
    for (round, width) in [4u32, 6, 6, 8, 8].into_iter().enumerate() {
        let number = id_hash(seed, round as u64) % 10u64.pow(width);
        let suffix = format!("_{number:0width$}", width = width as usize);
        let stem: String = base.chars().take(MAX_LEN - suffix.len()).collect();
        out.push(format!("{}{}", stem.trim_end_matches('_'), suffix));
    }
    out.push(format!("u{}", base36(seed)));
    out.dedup();
    out
}

/// The `attempt`-th name to try once every [`candidates`] entry is taken.
pub fn fallback(user_id: &[u8; 16], attempt: u64) -> String {
    format!("user_{:016x}", id_hash(u128::from_be_bytes(*user_id), 1_000 + attempt))
}

/// splitmix64 of the id folded with `round`: a cheap, well-spread hash.
fn id_hash(seed: u128, round: u64) -> u64 {
    let mut z =
        (seed as u64) ^ ((seed >> 64) as u64).rotate_left(29) ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn base36(mut n: u128) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii digits")
}

/// Display name: the one given at signup (trimmed, at most 100 characters),
/// else the username.
pub fn display_name(given: Option<&str>, username: &str) -> String {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => name.chars().take(100).collect(),
        None => username.to_string(),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    const ID: [u8; 16] = [0x6f, 0x1c, 0x1c, 0x2e, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0x01];

    #[test]
    fn validity_matches_the_database_rule() {
        assert!(is_valid("abc"));
        assert!(is_valid("a_b_9"));
        assert!(!is_valid("ab"));
        assert!(!is_valid("Abc"));
        assert!(!is_valid("a-b"));
        assert!(!is_valid(&"a".repeat(31)));
    }

    #[test]
    fn normalizes_free_text() {
        assert_eq!(normalize("John.Doe+news").as_deref(), Some("john_doe_news"));
        assert_eq!(normalize("__x__y__").as_deref(), Some("x_y"));
        assert_eq!(normalize("Ünïcödé").as_deref(), Some("ncd"));
        assert_eq!(normalize("李"), None);
        assert_eq!(normalize("ab"), None);
        assert_eq!(normalize(&"x".repeat(80)).map(|s| s.len()), Some(30));
    }

    #[test]
    fn candidates_start_with_the_request_then_its_variants() {
        let c = candidates(Some("neo"), &ID);
        assert_eq!(c[0], "neo");
        assert!(c[1].starts_with("neo_"), "{c:?}");
        assert!(c.iter().all(|n| is_valid(n)), "{c:?}");
    }

    #[test]
    fn a_request_is_normalised() {
        assert_eq!(candidates(Some("  Neo Anderson! "), &ID)[0], "neo_anderson");
        assert_eq!(candidates(Some("morpheus_01"), &ID)[0], "morpheus_01");
    }

    #[test]
    fn without_a_usable_request_the_name_is_generated_not_taken_from_anything() {
        let c = candidates(Some("!!"), &ID);
        assert!(c[0].starts_with("creator_"), "{c:?}");
        assert!(c.iter().all(|n| is_valid(n)), "{c:?}");
        let none = candidates(None, &ID);
        assert_eq!(none, c);
        let long = candidates(Some(&"y".repeat(30)), &ID);
        assert!(long.iter().all(|n| is_valid(n)), "{long:?}");
        assert!((0..50).map(|a| fallback(&ID, a)).all(|n| is_valid(&n)));
    }

    #[test]
    fn ids_differing_in_one_byte_share_no_id_derived_name() {
        let mut other = ID;
        other[15] = 0x02;
        let mine = candidates(None, &ID);
        let theirs = candidates(None, &other);
        for name in &mine {
            assert!(!theirs.contains(name), "{name} shared");
        }
        assert_ne!(fallback(&ID, 0), fallback(&other, 0));
    }

    #[test]
    fn reserved_names_pass_for_the_service_or_a_luminor() {
        let luminors = ["Lumina", "harmonix", "kinetix-prime"];
        for name in [
            "admin",
            "Admin",
            "admin_1",
            "support99",
            "root",
            "arcanea",
            "arcanea_team",
            "lumina",
            "lumina_7",
            "kinetix_prime",
            "harmonix",
        ] {
            assert!(is_reserved(name, &luminors), "{name} should be reserved");
        }
        for name in ["ada", "admiral", "lumina_art", "rootbeer", "my_support", "helper"] {
            assert!(!is_reserved(name, &luminors), "{name} should be free");
        }
        // Every generated name is free, whatever the Luminors are called.
        assert!(candidates(None, &ID).iter().all(|n| !is_reserved(n, &luminors)));
        assert!((0..5).map(|a| fallback(&ID, a)).all(|n| !is_reserved(&n, &luminors)));
    }

    #[test]
    fn the_base36_name_is_unique_per_id_and_fits() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        let widest = format!("u{}", base36(u128::MAX));
        assert!(is_valid(&widest), "{widest}");
    }

    #[test]
    fn display_name_falls_back_to_username() {
        assert_eq!(display_name(Some("  Ada  "), "ada"), "Ada");
        assert_eq!(display_name(Some("   "), "ada"), "ada");
        assert_eq!(display_name(None, "ada"), "ada");
        assert_eq!(display_name(Some(&"é".repeat(300)), "x").chars().count(), 100);
    }
}
