//! The two kinds of objects a vault holds, and what differs between them in the HTTP surface:
//! collection names, error codes and wording.

/// A secret or a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Object {
    Secret,
    Key,
}

impl Object {
    /// `secret` / `key`, as in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Object::Secret => "secret",
            Object::Key => "key",
        }
    }

    /// `Secret` / `Key`, at the start of messages.
    pub fn title(self) -> &'static str {
        match self {
            Object::Secret => "Secret",
            Object::Key => "Key",
        }
    }

    /// The 404 error code.
    pub fn not_found_code(self) -> &'static str {
        match self {
            Object::Secret => "SecretNotFound",
            Object::Key => "KeyNotFound",
        }
    }

    /// The inner code of the 403 for a disabled version.
    pub fn disabled_code(self) -> &'static str {
        match self {
            Object::Secret => "SecretDisabled",
            Object::Key => "KeyDisabled",
        }
    }

    /// The collection in paths and ids: `secrets` / `keys`.
    pub fn collection(self) -> &'static str {
        match self {
            Object::Secret => "secrets",
            Object::Key => "keys",
        }
    }

    /// The collection of soft-deleted objects: `deletedsecrets` / `deletedkeys`.
    pub fn deleted_collection(self) -> &'static str {
        match self {
            Object::Secret => "deletedsecrets",
            Object::Key => "deletedkeys",
        }
    }
}
