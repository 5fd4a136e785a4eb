//! Reading an IAM trust policy document (`AssumeRolePolicyDocument`) into the statements the
//! checks judge. Pure.

use crate::facts::model::TrustStatement;

/// Parse an IAM trust policy document (`AssumeRolePolicyDocument`).
///
/// Accepts the JSON as IAM returns it through GetRole, URL-encoded (`%7B%22Version...`) or already
/// decoded. `Statement` may be one object or a list; `Principal.Service` and `Action` may be a
/// string or a list. Statements without a service principal get an empty `services` list.
pub fn parse_trust_policy(doc: &str) -> Result<Vec<TrustStatement>, String> {
    let trimmed = doc.trim();
    let decoded;
    let text = if trimmed.starts_with('{') {
        trimmed
    } else {
        decoded = percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|e| format!("trust policy is not valid UTF-8 after URL decoding: {e}"))?
            .into_owned();
        decoded.as_str()
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("trust policy is not valid JSON: {e}"))?;
    let statements = match value.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(obj @ serde_json::Value::Object(_)) => vec![obj.clone()],
        Some(_) => return Err("trust policy Statement is neither an object nor a list".into()),
        None => return Err("trust policy has no Statement".into()),
    };
    statements
        .iter()
        .map(|st| {
            let effect = st
                .get("Effect")
                .and_then(|e| e.as_str())
                .ok_or("trust policy statement without Effect")?
                .to_string();
            let services = st
                .get("Principal")
                .and_then(|p| p.get("Service"))
                .map(string_or_list)
                .unwrap_or_default();
            let actions = st.get("Action").map(string_or_list).unwrap_or_default();
            Ok(TrustStatement {
                effect,
                services,
                actions,
            })
        })
        .collect()
}

fn string_or_list(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_policy_article_document() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
        let st = parse_trust_policy(doc).unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].effect, "Allow");
        assert_eq!(st[0].services, vec!["eks.amazonaws.com"]);
        assert_eq!(st[0].actions, vec!["sts:AssumeRole", "sts:TagSession"]);
        assert!(st[0].allows("eks.amazonaws.com", "sts:TagSession"));
        assert!(!st[0].allows("ec2.amazonaws.com", "sts:AssumeRole"));
    }

    #[test]
    fn trust_policy_url_encoded_single_statement_string_forms() {
        let doc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22ec2.amazonaws.com%22%5D%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D";
        let st = parse_trust_policy(doc).unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].services, vec!["ec2.amazonaws.com"]);
        assert_eq!(st[0].actions, vec!["sts:AssumeRole"]);
        assert!(!st[0].allows("ec2.amazonaws.com", "sts:TagSession"));
    }

    #[test]
    fn trust_policy_errors_and_oddities() {
        assert!(parse_trust_policy("not json").is_err());
        assert!(parse_trust_policy("{}").is_err());
        assert!(parse_trust_policy(r#"{"Statement":[{"Action":"x"}]}"#).is_err());
        let st = parse_trust_policy(
            r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:*"}]}"#,
        )
        .unwrap();
        assert!(st[0].services.is_empty());
        let wildcard = TrustStatement {
            effect: "Allow".into(),
            services: vec!["eks.amazonaws.com".into()],
            actions: vec!["sts:*".into()],
        };
        assert!(wildcard.allows("eks.amazonaws.com", "sts:TagSession"));
        let deny = TrustStatement {
            effect: "Deny".into(),
            ..wildcard
        };
        assert!(!deny.allows("eks.amazonaws.com", "sts:TagSession"));
    }
}
