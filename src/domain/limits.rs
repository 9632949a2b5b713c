//! Rate-limit rules that need no database: whose budget a call spends, and
//! how an anonymous caller is told apart from another.

use serde_json::Value;

/// The one subject of every anonymous caller whose address is unknown.
pub const UNKNOWN_VISITORS: &str = "anon";

/// Longest address kept from a forwarded header (an IPv6 address with a
/// zone fits); anything longer is not an address.
const MAX_ADDRESS_LEN: usize = 64;

/// The subject an anonymous caller's calls are counted under.
///
/// PostgREST hands the request's headers to the database as JSON
/// (`request.headers`).  Behind Supabase's gateway, `x-forwarded-for` ends
/// with the address the gateway itself saw: a client can prepend made-up
/// addresses but cannot change the last one, so the last is used.  Without
/// a usable header every anonymous caller shares one subject,
/// [`UNKNOWN_VISITORS`].
pub fn anonymous_subject(headers: Option<&Value>) -> String {
    let address = headers.and_then(|h| {
        ["x-forwarded-for", "x-real-ip"]
            .iter()
            .filter_map(|name| h.get(*name).and_then(Value::as_str))
            .find_map(|value| value.rsplit(',').next().map(str::trim).filter(|a| is_address(a)))
    });
    match address {
        Some(a) => format!("anon:{}", a.to_ascii_lowercase()),
        None => UNKNOWN_VISITORS.to_string(),
    }
}

/// An IPv4 or IPv6 address, loosely: the characters they are made of.
fn is_address(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ADDRESS_LEN
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':' || c == '%')
}

/// The subject of a viewer's views of one creation (`repeat_view`).
pub fn repeat_view_subject(viewer: &str, creation: &str) -> String {
    format!("{viewer}/{creation}")
}

#[cfg(test)]
mod unit {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_last_forwarded_address_is_the_one_the_gateway_saw() {
        let h = json!({ "x-forwarded-for": "10.0.0.9, 203.0.113.7" });
        assert_eq!(anonymous_subject(Some(&h)), "anon:203.0.113.7");
        let h = json!({ "x-forwarded-for": "2001:DB8::1" });
        assert_eq!(anonymous_subject(Some(&h)), "anon:2001:db8::1");
        let h = json!({ "x-real-ip": "198.51.100.2" });
        assert_eq!(anonymous_subject(Some(&h)), "anon:198.51.100.2");
    }

    #[test]
    fn unusable_headers_share_one_subject() {
        assert_eq!(anonymous_subject(None), "anon");
        assert_eq!(anonymous_subject(Some(&json!({}))), "anon");
        assert_eq!(anonymous_subject(Some(&json!({ "x-forwarded-for": "1.2.3.4, evil'; --" }))), "anon");
        assert_eq!(anonymous_subject(Some(&json!({ "x-forwarded-for": "a".repeat(100) }))), "anon");
        assert_eq!(anonymous_subject(Some(&json!({ "x-forwarded-for": 42 }))), "anon");
        assert_eq!(anonymous_subject(Some(&json!("not an object"))), "anon");
    }

    #[test]
    fn repeat_views_are_per_viewer_and_creation() {
        assert_eq!(repeat_view_subject("anon:1.2.3.4", "c1"), "anon:1.2.3.4/c1");
        assert_ne!(repeat_view_subject("u1", "c1"), repeat_view_subject("u1", "c2"));
    }
}
