//! The key of a namespaced object, `namespace/name`, as `kubectl` and the views print it and the
//! live model indexes it: written once here.

/// `namespace/name`.
pub fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

/// A namespaced object with a key.
pub trait Keyed {
    fn namespace(&self) -> &str;
    fn name(&self) -> &str;
    /// `namespace/name`.
    fn key(&self) -> String {
        key(self.namespace(), self.name())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn namespace_then_name() {
        assert_eq!(super::key("default", "myapp"), "default/myapp");
    }
}
