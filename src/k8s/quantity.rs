//! Kubernetes quantities: CPU in millicores, memory in bytes. Pure.

/// A Kubernetes CPU quantity in millicores: `"15890m"` → 15890, `"16"` → 16000, `"0.5"` → 500.
pub fn parse_cpu_millis(q: &str) -> Option<u64> {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<u64>().ok();
    }
    let v = parse_decimal_with_suffix(q)?;
    Some((v * 1000.0).ceil() as u64)
}

/// A Kubernetes memory quantity in bytes: `"30853148Ki"`, `"256M"`, `"1Gi"`, `"1e3"`, `"1000"`.
pub fn parse_memory_bytes(q: &str) -> Option<u64> {
    let v = parse_decimal_with_suffix(q.trim())?;
    Some(v.ceil() as u64)
}

fn parse_decimal_with_suffix(q: &str) -> Option<f64> {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, mult) in SUFFIXES {
        if let Some(num) = q.strip_suffix(suffix) {
            let n: f64 = num.parse().ok()?;
            return (n >= 0.0).then_some(n * mult);
        }
    }
    let n: f64 = q.parse().ok()?;
    (n >= 0.0 && n.is_finite()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_cpu_millis("15890m"), Some(15890));
        assert_eq!(parse_cpu_millis("16"), Some(16000));
        assert_eq!(parse_cpu_millis("0.5"), Some(500));
        assert_eq!(parse_cpu_millis("x"), None);
        assert_eq!(parse_memory_bytes("30853148Ki"), Some(30853148 * 1024));
        assert_eq!(parse_memory_bytes("256M"), Some(256_000_000));
        assert_eq!(parse_memory_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_memory_bytes("1000"), Some(1000));
        assert_eq!(parse_memory_bytes("1e3"), Some(1000));
        assert_eq!(parse_memory_bytes("-1"), None);
    }
}
