//! Feed cursors: an opaque token naming the last row of a page by its sort
//! key (created_at in microseconds since the Unix epoch, and id).
//!
//! The token is built by SQL (`encode(... 'base64')` of `"<micros>:<uuid>"`)
//! and read back here.  Opaque so that clients pass it back rather than
//! build one; checked so that a malformed token is a 400, not a 500.

use base64::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedCursor {
    pub created_at_micros: i64,
    pub id: [u8; 16],
}

/// Microseconds since the Unix epoch of 0001-01-01 and 10000-01-01: a row's
/// created_at is inside, and a cursor outside would make the database
/// raise "timestamp out of range" instead of naming the bad argument.
const MICROS_RANGE: std::ops::Range<i64> = -62_135_596_800_000_000..253_402_300_800_000_000;

pub fn decode(token: &str) -> Option<FeedCursor> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token.trim()).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (micros, id) = text.split_once(':')?;
    let created_at_micros = micros.parse().ok().filter(|m| MICROS_RANGE.contains(m))?;
    Some(FeedCursor { created_at_micros, id: parse_uuid(id)? })
}

fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || text.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn reads_a_token_of_the_form_sql_builds() {
        let token = base64::engine::general_purpose::STANDARD
            .encode("1764063885123456:abababab-abab-abab-abab-abababababab");
        let cursor = FeedCursor { created_at_micros: 1_764_063_885_123_456, id: [0xab; 16] };
        assert_eq!(decode(&token), Some(cursor));
    }

    #[test]
    fn matches_what_sql_builds() {
        // encode(convert_to('1764063885123456:6f1c1c2e-0000-4000-8000-000000000001', 'UTF8'), 'base64')
        let token = "MTc2NDA2Mzg4NTEyMzQ1Njo2ZjFjMWMyZS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE=";
        let cursor = decode(token).expect("valid");
        assert_eq!(cursor.created_at_micros, 1_764_063_885_123_456);
        assert_eq!(cursor.id[0], 0x6f);
        assert_eq!(cursor.id[15], 0x01);
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode("not base64!"), None);
        assert_eq!(decode(""), None);
        let no_colon = base64::engine::general_purpose::STANDARD.encode("123");
        assert_eq!(decode(&no_colon), None);
        let bad_id = base64::engine::general_purpose::STANDARD.encode("123:zz");
        assert_eq!(decode(&bad_id), None);
        let bad_time =
            base64::engine::general_purpose::STANDARD.encode("12x:6f1c1c2e-0000-4000-8000-000000000001");
        assert_eq!(decode(&bad_time), None);
    }

    #[test]
    fn rejects_times_no_row_can_have() {
        let at = |micros: i64| {
            base64::engine::general_purpose::STANDARD
                .encode(format!("{micros}:6f1c1c2e-0000-4000-8000-000000000001"))
        };
        assert_eq!(decode(&at(i64::MAX)), None);
        assert_eq!(decode(&at(i64::MIN)), None);
        assert_eq!(decode(&at(253_402_300_800_000_000)), None);
        assert!(decode(&at(0)).is_some());
        assert!(decode(&at(-1)).is_some());
    }
}
