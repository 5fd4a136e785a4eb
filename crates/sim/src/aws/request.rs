//! One incoming AWS request, read once: method, decoded path segments, query and form parameters,
//! headers and body; and which service (EKS, EC2, IAM, Auto Scaling) it is meant for.

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

use super::sigv4::Auth;

/// The services the endpoint speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Eks,
    Ec2,
    Iam,
    Autoscaling,
}

impl Service {
    /// The name used in the request log and in fault patterns ("eks:ListInsights").
    pub fn name(self) -> &'static str {
        match self {
            Service::Eks => "eks",
            Service::Ec2 => "ec2",
            Service::Iam => "iam",
            Service::Autoscaling => "autoscaling",
        }
    }
}

/// The query protocols' API versions.
pub const EC2_VERSION: &str = "2016-11-15";
pub const IAM_VERSION: &str = "2010-05-08";
pub const AUTOSCALING_VERSION: &str = "2011-01-01";

#[derive(Debug, Clone)]
pub struct AwsRequest {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl AwsRequest {
    pub fn new(method: Method, uri: &http::Uri, headers: HeaderMap, body: Bytes) -> Self {
        let query = uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        AwsRequest {
            method,
            path: uri.path().to_string(),
            query,
            headers,
            body,
        }
    }

    /// Path segments, percent-decoded (`/clusters/my%20c/addons` → ["clusters", "my c", "addons"]).
    pub fn segments(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect()
    }

    /// The first query-string value of `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every query-string value of `name` (rest-json lists repeat the key).
    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Query-protocol parameters: the query string, then the form-encoded body.
    pub fn form(&self) -> Vec<(String, String)> {
        let mut out = self.query.clone();
        if self.method == Method::POST && !self.body.is_empty() && !self.body_is_json() {
            out.extend(form_urlencoded::parse(&self.body).into_owned());
        }
        out
    }

    fn body_is_json(&self) -> bool {
        let ct = self
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        ct.contains("json") || self.body.first() == Some(&b'{')
    }

    /// The JSON body; an empty body is an empty object.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Default::default()));
        }
        serde_json::from_slice(&self.body).map_err(|e| e.to_string())
    }
}

/// The value of `name` among query-protocol parameters.
pub fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `Prefix.1`, `Prefix.2`, ... in index order (a query-protocol list).
pub fn list_param(form: &[(String, String)], prefix: &str) -> Vec<String> {
    let mut items: Vec<(u32, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            let idx = k.strip_prefix(prefix)?.strip_prefix('.')?;
            Some((idx.parse().ok()?, v.clone()))
        })
        .collect();
    items.sort_by_key(|(i, _)| *i);
    items.into_iter().map(|(_, v)| v).collect()
}

/// Which service a request is for: the SigV4 scope says so; failing that, the request's shape
/// (`Action=` with the API version of EC2, IAM or Auto Scaling; anything else is EKS's REST paths).
pub fn identify(req: &AwsRequest, auth: &Auth) -> Service {
    if let Auth::Signed(Some(scope)) = auth {
        match scope.service.as_str() {
            "eks" => return Service::Eks,
            "ec2" => return Service::Ec2,
            "iam" => return Service::Iam,
            "autoscaling" => return Service::Autoscaling,
            _ => {}
        }
    }
    let form = req.form();
    match (param(&form, "Action"), param(&form, "Version")) {
        (Some(_), Some(IAM_VERSION)) => Service::Iam,
        (Some(_), Some(EC2_VERSION)) => Service::Ec2,
        (Some(_), Some(AUTOSCALING_VERSION)) => Service::Autoscaling,
        (Some(action), _) if super::iam::is_iam_action(action) => Service::Iam,
        (Some(_), _) => Service::Ec2,
        (None, _) => Service::Eks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::sigv4::Scope;

    fn req(method: Method, uri: &str, body: &str) -> AwsRequest {
        AwsRequest::new(
            method,
            &uri.parse().unwrap(),
            HeaderMap::new(),
            Bytes::from(body.to_string()),
        )
    }

    #[test]
    fn identifies_by_scope_then_by_shape() {
        let signed = |s: &str| {
            Auth::Signed(Some(Scope {
                access_key: "AK".into(),
                region: "us-east-1".into(),
                service: s.into(),
            }))
        };
        let r = req(Method::POST, "/", "Action=GetRole&Version=2010-05-08");
        assert_eq!(identify(&r, &signed("iam")), Service::Iam);
        assert_eq!(identify(&r, &Auth::Missing), Service::Iam);
        let r = req(
            Method::POST,
            "/",
            "Action=DescribeSubnets&Version=2016-11-15",
        );
        assert_eq!(identify(&r, &Auth::Signed(None)), Service::Ec2);
        let r = req(Method::GET, "/clusters/x", "");
        assert_eq!(identify(&r, &Auth::Missing), Service::Eks);
        assert_eq!(identify(&r, &signed("eks")), Service::Eks);
        let r = req(
            Method::POST,
            "/",
            "Action=DescribeAutoScalingGroups&Version=2011-01-01",
        );
        assert_eq!(identify(&r, &signed("autoscaling")), Service::Autoscaling);
        assert_eq!(identify(&r, &Auth::Signed(None)), Service::Autoscaling);
    }

    #[test]
    fn reads_lists_and_segments() {
        let r = req(
            Method::POST,
            "/clusters/a%2Fb/insights?x=1",
            "SubnetId.2=b&SubnetId.1=a&SubnetId.10=c",
        );
        assert_eq!(r.segments(), vec!["clusters", "a/b", "insights"]);
        assert_eq!(list_param(&r.form(), "SubnetId"), vec!["a", "b", "c"]);
        assert_eq!(r.query_param("x"), Some("1"));
    }
}
