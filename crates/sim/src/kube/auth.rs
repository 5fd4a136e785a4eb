//! Who may call the emulated API server. EKS accepts the tokens `aws eks get-token` makes:
//! `k8s-aws-v1.` + base64url of a presigned STS GetCallerIdentity URL, valid for 15 minutes after
//! its `X-Amz-Date` whatever its `X-Amz-Expires` says (as aws-iam-authenticator checks them). The
//! token is signed on the wall clock and aged here in virtual time (`clock::WallMap`), so a token
//! from before the clock jumped 16 minutes ahead is refused with 401, and a client must run its
//! exec plugin again. The emulator's own static kubeconfig token is accepted too, unless the API
//! server is set to require EKS tokens (then it hands none out); any other bearer token is refused.
//! A request without credentials is let through (the emulator's anonymous user may do anything:
//! raw HTTP in tests and scripts) unless EKS tokens are required. Authentication happens when a
//! request starts: an open watch outlives its token, as on EKS.

use axum::http::{header, HeaderMap};
use jiff::{SignedDuration, Timestamp};

use super::status::ApiError;
use crate::world::World;

/// The prefix of EKS bearer tokens.
pub const TOKEN_PREFIX: &str = "k8s-aws-v1.";

/// The API server's 401.
pub fn unauthorized() -> ApiError {
    ApiError::new(401, "Unauthorized", "Unauthorized")
}

/// Accepts or refuses a request's credentials.
pub fn authenticate(world: &World, headers: &HeaderMap) -> Result<(), ApiError> {
    let required = world.api.settings.require_aws_tokens;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match bearer {
        Some(token) if token.starts_with(TOKEN_PREFIX) => {
            check_eks_token(world, token).map_err(|_| unauthorized())
        }
        Some(token) if !required && !token.is_empty() && token == world.api.static_token => Ok(()),
        Some(_) => Err(unauthorized()),
        None if required => Err(unauthorized()),
        None => Ok(()),
    }
}

/// Why an EKS token is refused (aws-iam-authenticator's reasons; the client only sees 401).
pub fn check_eks_token(world: &World, token: &str) -> Result<(), String> {
    let url = decode_base64url(&token[TOKEN_PREFIX.len()..])
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or("input token was not properly formatted: not base64url")?;
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("unexpected scheme in pre-signed URL")?;
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    let host = host.strip_suffix('/').unwrap_or(host);
    let sts = host.starts_with("sts.")
        && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"));
    if !(sts || (!world.api.aws_host.is_empty() && host == world.api.aws_host)) {
        return Err(format!("unexpected hostname {host:?} in pre-signed URL"));
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let k = k.to_ascii_lowercase();
        if params.iter().any(|(seen, _)| *seen == k) {
            return Err("query parameter with multiple values not supported".into());
        }
        params.push((k, v.into_owned()));
    }
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if get("action") != Some("GetCallerIdentity") {
        return Err("unexpected action parameter in pre-signed URL".into());
    }
    if !get("x-amz-signedheaders")
        .unwrap_or("")
        .split(';')
        .any(|h| h.eq_ignore_ascii_case("x-k8s-aws-id"))
    {
        return Err("client did not sign the x-k8s-aws-id header in the pre-signed URL".into());
    }
    match get("x-amz-expires").and_then(|e| e.parse::<i64>().ok()) {
        Some(e) if (0..=900).contains(&e) => {}
        _ => return Err("invalid X-Amz-Expires parameter in pre-signed URL".into()),
    }
    let date = get("x-amz-date").ok_or("X-Amz-Date parameter must be present")?;
    let signed = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", date)
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or("error parsing X-Amz-Date parameter")?;
    let issued = issued_at(world, signed);
    let lifetime = SignedDuration::from_secs(world.api.settings.token_lifetime_s as i64);
    if world.now.duration_since(issued) > lifetime {
        return Err(format!(
            "X-Amz-Date parameter is expired ({} minute expiration) {date}",
            world.api.settings.token_lifetime_s / 60
        ));
    }
    Ok(())
}

/// The virtual time a token signed at wall time `signed` (whole seconds) was made. The signature
/// time is known to the second: the latest moment of that second is taken.
fn issued_at(world: &World, signed: Timestamp) -> Timestamp {
    let latest = signed
        .checked_add(SignedDuration::from_millis(999))
        .unwrap_or(signed);
    world.api.wall.virtual_at(latest).unwrap_or(signed)
}

/// Base64url without padding (RFC 4648 §5), as EKS tokens are written; `None` if malformed.
fn decode_base64url(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testworld::world;

    fn encode(url: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::from(TOKEN_PREFIX);
        for chunk in url.as_bytes().chunks(3) {
            let n = chunk.iter().fold(0u32, |a, b| (a << 8) | *b as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    fn token(host: &str, date: &str, expires: &str) -> String {
        encode(&format!(
            "https://{host}/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20241212%2Fap-northeast-1%2Fsts%2Faws4_request&X-Amz-Date={date}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc"
        ))
    }

    #[test]
    fn base64url_round_trip() {
        let t = encode("http://127.0.0.1:1/?a=b");
        let back = decode_base64url(&t[TOKEN_PREFIX.len()..]).unwrap();
        assert_eq!(back, b"http://127.0.0.1:1/?a=b");
        assert!(decode_base64url("a*b").is_none());
    }

    #[test]
    fn eks_tokens_expire_15_virtual_minutes_after_signing() {
        let mut w = world();
        // the wall clock and virtual time agree at the start
        let now = w.now;
        w.api.wall.start(0.0, now, now);
        let date = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let host = "sts.ap-northeast-1.amazonaws.com";
        assert_eq!(check_eks_token(&w, &token(host, &date, "60")), Ok(()));
        // the clock jumps 16 minutes one second later: the token is 16 minutes old
        let later = now.checked_add(SignedDuration::from_secs(1)).unwrap();
        w.now = now.checked_add(SignedDuration::from_secs(960)).unwrap();
        w.api.wall.note(later, w.now);
        let err = check_eks_token(&w, &token(host, &date, "60")).unwrap_err();
        assert!(err.contains("X-Amz-Date parameter is expired"), "{err}");
        // one signed after the jump is fresh
        let fresh = later
            .checked_add(SignedDuration::from_secs(1))
            .unwrap()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        assert_eq!(check_eks_token(&w, &token(host, &fresh, "60")), Ok(()));
        for bad in [
            token("evil.example.com", &fresh, "60"),
            token(host, &fresh, "9999"),
            token(host, "yesterday", "60"),
            encode("https://sts.amazonaws.com/?Action=AssumeRole"),
            "k8s-aws-v1.***".to_string(),
        ] {
            assert!(check_eks_token(&w, &bad).is_err(), "{bad}");
        }
        w.api.aws_host = "127.0.0.1:4566".into();
        assert_eq!(
            check_eks_token(&w, &token("127.0.0.1:4566", &fresh, "60")),
            Ok(())
        );
    }

    #[test]
    fn required_tokens_refuse_everything_else() {
        let mut w = world();
        w.api.static_token = "static".into();
        let mut h = HeaderMap::new();
        assert!(
            authenticate(&w, &h).is_ok(),
            "no credentials: accepted by default"
        );
        h.insert(header::AUTHORIZATION, "Bearer static".parse().unwrap());
        assert!(authenticate(&w, &h).is_ok());
        let mut other = HeaderMap::new();
        other.insert(header::AUTHORIZATION, "Bearer guessed".parse().unwrap());
        assert_eq!(authenticate(&w, &other).unwrap_err().code, 401);
        w.api.settings.require_aws_tokens = true;
        assert_eq!(authenticate(&w, &h).unwrap_err().code, 401);
        assert_eq!(authenticate(&w, &HeaderMap::new()).unwrap_err().code, 401);
    }
}
