//! What Auto Mode's rotation means by an old node: one whose kubelet does not run the target
//! minor. A kubelet version that cannot be read counts as old (it cannot be shown to be on the
//! target, so the rotation is not complete while it remains). Pure; the start of an upgrade, the
//! live model and the views all ask here.

use crate::version::Minor;

/// Whether a node with this kubelet version (`v1.30.5-eks-…`) still has to be replaced to reach
/// `target`.
pub fn is_old(kubelet_version: &str, target: Minor) -> bool {
    Minor::parse(kubelet_version) != Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_means_not_on_the_target() {
        let target = Minor::new(1, 31);
        assert!(is_old("v1.30.5-eks-baa6d11", target));
        assert!(!is_old("v1.31.1-eks-1", target));
        assert!(is_old("", target), "an unreadable version is old");
    }
}
