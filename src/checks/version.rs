//! Add-on version ordering for the checks (`"v1.19.0-eksbuild.1"`). Kubernetes minor versions
//! are `crate::version::Minor`, Go durations `crate::duration`.

use std::cmp::Ordering;

/// Compare add-on versions like `v1.19.0-eksbuild.1` by their numeric components in order.
pub fn cmp_addon_versions(a: &str, b: &str) -> Ordering {
    numbers(a).cmp(&numbers(b)).then_with(|| a.cmp(b))
}

fn numbers(s: &str) -> Vec<u64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addon_version_order() {
        assert_eq!(
            cmp_addon_versions("v1.19.0-eksbuild.1", "v1.19.0-eksbuild.2"),
            Ordering::Less
        );
        assert_eq!(
            cmp_addon_versions("v1.9.0-eksbuild.1", "v1.19.0-eksbuild.1"),
            Ordering::Less
        );
        assert_eq!(cmp_addon_versions("v1.2.3", "v1.2.3"), Ordering::Equal);
    }
}
