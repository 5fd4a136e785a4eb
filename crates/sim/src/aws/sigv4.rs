//! Reading the SigV4 credential scope of a request, to learn which service it was signed for.
//! Signatures are never verified: the emulator accepts any credentials. It only tells a signed
//! request from an unsigned one (which AWS refuses) and reads the scope's service and region.

use http::HeaderMap;

/// The `Credential=AKID/DATE/REGION/SERVICE/aws4_request` scope of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub access_key: String,
    /// Empty for SigV4a, whose scope carries no region.
    pub region: String,
    pub service: String,
}

/// How a request authenticates itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Signed (header or pre-signed query); the scope when it could be read.
    Signed(Option<Scope>),
    /// No signature of any kind.
    Missing,
}

/// Inspects the `Authorization` header and, failing that, the pre-signed query parameters
/// (`X-Amz-Credential`, or SigV2's `AWSAccessKeyId`) of a request.
pub fn auth(headers: &HeaderMap, query: &[(String, String)]) -> Auth {
    if let Some(value) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return Auth::Signed(scope_from_header(value));
    }
    if let Some((_, cred)) = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("X-Amz-Credential"))
    {
        return Auth::Signed(parse_credential(cred));
    }
    if query.iter().any(|(k, _)| k == "AWSAccessKeyId") {
        return Auth::Signed(None);
    }
    Auth::Missing
}

/// `AWS4-HMAC-SHA256 Credential=AKID/20241211/ap-northeast-1/eks/aws4_request, SignedHeaders=..,
/// Signature=..` → the scope.
pub fn scope_from_header(value: &str) -> Option<Scope> {
    let (_, rest) = value.split_once("Credential=")?;
    let cred = rest.split([',', ' ']).next()?;
    parse_credential(cred)
}

/// `AKID/DATE/REGION/SERVICE/aws4_request` (SigV4) or `AKID/DATE/SERVICE/aws4_request` (SigV4a).
pub fn parse_credential(cred: &str) -> Option<Scope> {
    let parts: Vec<&str> = cred.trim().split('/').collect();
    match parts.as_slice() {
        [akid, _date, region, service, "aws4_request"] => Some(Scope {
            access_key: akid.to_string(),
            region: region.to_string(),
            service: service.to_ascii_lowercase(),
        }),
        [akid, _date, service, "aws4_request"] => Some(Scope {
            access_key: akid.to_string(),
            region: String::new(),
            service: service.to_ascii_lowercase(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scope_from_the_header() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIA1/20241211/ap-northeast-1/eks/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=abc";
        let s = scope_from_header(h).unwrap();
        assert_eq!(s.service, "eks");
        assert_eq!(s.region, "ap-northeast-1");
        assert_eq!(s.access_key, "AKIA1");
    }

    #[test]
    fn reads_sigv4a_and_rejects_garbage() {
        let s = parse_credential("AKIA1/20241211/iam/aws4_request").unwrap();
        assert_eq!(s.service, "iam");
        assert_eq!(s.region, "");
        assert_eq!(scope_from_header("Bearer xyz"), None);
        assert_eq!(parse_credential("AKIA1/x"), None);
    }

    #[test]
    fn tells_signed_from_unsigned() {
        let mut h = HeaderMap::new();
        assert_eq!(auth(&h, &[]), Auth::Missing);
        let q = vec![(
            "X-Amz-Credential".to_string(),
            "AK/20241211/us-east-1/ec2/aws4_request".to_string(),
        )];
        assert!(matches!(auth(&h, &q), Auth::Signed(Some(s)) if s.service == "ec2"));
        h.insert(
            http::header::AUTHORIZATION,
            "AWS4-HMAC-SHA256 Credential=AK/20241211/us-east-1/iam/aws4_request, Signature=x"
                .parse()
                .unwrap(),
        );
        assert!(matches!(auth(&h, &[]), Auth::Signed(Some(s)) if s.service == "iam"));
    }
}
