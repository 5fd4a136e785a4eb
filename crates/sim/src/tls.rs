//! The TLS identity of the emulated Kubernetes API server: a private CA (what DescribeCluster
//! returns as `certificateAuthority.data`, so the kubeconfig `aws eks update-kubeconfig` writes
//! trusts it) and a server certificate it signed for 127.0.0.1 and localhost. Fixed, generated once
//! with openssl (EC P-256, valid for 100 years): the emulator serves loopback only, and real clients
//! send exec-plugin credentials only over HTTPS (client-go sends none over plain HTTP).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The CA certificate (PEM).
pub const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBkjCCATegAwIBAgIUdWnUUIMikDlALBIpCbo2EarCPm0wCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjEyMDEyMzU5NTNaGA8yMTI2MTEw
NzIzNTk1M1owFTETMBEGA1UEAwwKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABEt5akC9F5bLKjZceGxZZ2n0jO+JC8/Zl8OdOX0W8yG3JnjyUhkK
r0qj6VLGiIJo7MfzaJpJDTlge4ze6w4j+UOjYzBhMB0GA1UdDgQWBBRMfe0TAJkt
P1HIU2HmzrIaP/bW6DAfBgNVHSMEGDAWgBRMfe0TAJktP1HIU2HmzrIaP/bW6DAP
BgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAKBggqhkjOPQQDAgNJADBG
AiEAzsMVQ9hQ3tvzVY8ybSGSIJVBU8qb74BDlbaorYQ6euwCIQDexCcWzrSpfeoG
RYUemyocc0B1SiQlr/Ucc31nOhQZxA==
-----END CERTIFICATE-----\n";

/// base64 of `CA_PEM`, as EKS returns `certificateAuthority.data`.
pub const CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrakNDQVRlZ0F3SUJBZ0lVZFduVVVJTWlrRGxBTEJJcENibzJFYXJDUG0wd0NnWUlLb1pJemowRUF3SXcKRlRFVE1CRUdBMVVFQXd3S2EzVmlaWEp1WlhSbGN6QWdGdzB5TmpFeU1ERXlNelU1TlROYUdBOHlNVEkyTVRFdwpOekl6TlRrMU0xb3dGVEVUTUJFR0ExVUVBd3dLYTNWaVpYSnVaWFJsY3pCWk1CTUdCeXFHU000OUFnRUdDQ3FHClNNNDlBd0VIQTBJQUJFdDVha0M5RjViTEtqWmNlR3haWjJuMGpPK0pDOC9abDhPZE9YMFc4eUczSm5qeVVoa0sKcjBxajZWTEdpSUpvN01memFKcEpEVGxnZTR6ZTZ3NGorVU9qWXpCaE1CMEdBMVVkRGdRV0JCUk1mZTBUQUprdApQMUhJVTJIbXpySWFQL2JXNkRBZkJnTlZIU01FR0RBV2dCUk1mZTBUQUprdFAxSElVMkhtenJJYVAvYlc2REFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUE0R0ExVWREd0VCL3dRRUF3SUJoakFLQmdncWhrak9QUVFEQWdOSkFEQkcKQWlFQXpzTVZROWhRM3R2elZZOHliU0dTSUpWQlU4cWI3NEJEbGJhb3JZUTZldXdDSVFEZXhDY1d6clNwZmVvRwpSWVVlbXlvY2MwQjFTaVFsci9VY2MzMW5PaFFaeEE9PQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";

const SERVER_CERT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIB5jCCAYygAwIBAgIUcuhRZWhnOsFFzVdNXNpU4InEGDkwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjEyMDEyMzU5NTRaGA8yMTI2MTEw
NzIzNTk1NFowGTEXMBUGA1UEAwwOa3ViZS1hcGlzZXJ2ZXIwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAATNBR9tibl1Xeo9pMAkR8lZ09PggagKPbLZtzCI/lgppbdg
nt/mmxVAwwzujMFTlr/J2H++zUAWbaDWhK5RgnIfo4GzMIGwMAkGA1UdEwQCMAAw
DgYDVR0PAQH/BAQDAgWgMBMGA1UdJQQMMAoGCCsGAQUFBwMBMD4GA1UdEQQ3MDWH
BH8AAAGCCWxvY2FsaG9zdIIKa3ViZXJuZXRlc4IWa3ViZXJuZXRlcy5kZWZhdWx0
LnN2YzAdBgNVHQ4EFgQU1ztMVZZoTX2rpya+ygspKEUFa2YwHwYDVR0jBBgwFoAU
TH3tEwCZLT9RyFNh5s6yGj/21ugwCgYIKoZIzj0EAwIDSAAwRQIgDZ+Za03VSVZx
b5t2pcYn+ZlmTumZvMHBaD6TnGxfwzUCIQC/T10t8F4QdTzi1yJpTDX/ONZYzRet
iZ1m8NVjYAWj6Q==
-----END CERTIFICATE-----\n";

const SERVER_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcuuCFzMGLrW3T/hd
JsQV/cpP7ZO7q+yMDKo32P9KWzyhRANCAATNBR9tibl1Xeo9pMAkR8lZ09PggagK
PbLZtzCI/lgppbdgnt/mmxVAwwzujMFTlr/J2H++zUAWbaDWhK5RgnIf
-----END PRIVATE KEY-----\n";

/// A TLS acceptor presenting the server certificate (HTTP/1.1).
pub fn acceptor() -> tokio_rustls::TlsAcceptor {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(SERVER_CERT_PEM.as_bytes())
            .collect::<Result<_, _>>()
            .expect("the built-in server certificate parses");
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY_PEM.as_bytes())
        .expect("the built-in server key parses");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("the built-in certificate and key match");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identity_loads_and_the_ca_data_is_the_ca() {
        let _ = acceptor();
        let decoded = String::from_utf8(
            CA_DATA
                .as_bytes()
                .chunks(4)
                .flat_map(|c| {
                    let v: Vec<u32> = c
                        .iter()
                        .map(|b| match b {
                            b'A'..=b'Z' => (b - b'A') as u32,
                            b'a'..=b'z' => (b - b'a' + 26) as u32,
                            b'0'..=b'9' => (b - b'0' + 52) as u32,
                            b'+' => 62,
                            b'/' => 63,
                            _ => 0,
                        })
                        .collect();
                    let n = v.iter().fold(0u32, |a, x| (a << 6) | x);
                    let pad = c.iter().filter(|b| **b == b'=').count();
                    (0..3 - pad).map(move |i| (n >> (16 - 8 * i)) as u8)
                })
                .collect(),
        )
        .unwrap();
        assert_eq!(decoded, CA_PEM);
    }
}
