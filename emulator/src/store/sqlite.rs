//! `--data FILE`: the vault's state in SQLite, written through before a change is acknowledged.
//!
//! Durability: WAL journal with `synchronous=NORMAL`. A commit appends to the WAL with
//! `write(2)` before the response is sent; it is not `fsync`ed, so a committed write survives
//! the emulator being killed (`kill -9`, a crash) because the data is already in the kernel,
//! but not a power loss or kernel crash. That is the guarantee asked of a test emulator, and it
//! keeps a write at tens of microseconds instead of an fsync's milliseconds.
//!
//! `locking_mode=EXCLUSIVE` keeps a second emulator from using the same file at the same time.
//! Schema: per plane, a table of objects (one row per name, with the soft-delete dates; keys
//! add their rotation policy) and a table of versions (one row per version, appended in
//! creation order `seq`, so the last one of a name is the latest; the `(key, version)` index
//! serves updates). Secrets keep one column per property; a key version is one JSON document
//! (its material is parsed once, at load). Appending keeps the big rows on the B-tree's hot
//! right edge; only the small index entries land on random pages (measured cheaper than
//! clustering the rows by name).

use std::path::Path;

use rusqlite::{params, Connection};

use super::{SecretVersion, Tags, Version};

/// 1: secrets only; 2: adds the keys plane; 3: adds `settings` (the backup key). An older
/// file opens and gains the new tables.
const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS secrets (
    key TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    deleted_date INTEGER,
    scheduled_purge_date INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    version TEXT NOT NULL,
    value TEXT NOT NULL,
    content_type TEXT,
    tags TEXT,
    enabled INTEGER NOT NULL,
    nbf INTEGER,
    exp INTEGER,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    UNIQUE (key, version)
);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    deleted_date INTEGER,
    scheduled_purge_date INTEGER,
    meta TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_versions (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    version TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (key, version)
);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) WITHOUT ROWID;
";

/// How one plane's versions are stored: its two tables and its rows.
pub trait Table: Version {
    /// The objects table: `key, name, deleted_date, scheduled_purge_date` (and `meta` when
    /// [`Table::HAS_META`]).
    const OBJECTS: &'static str;
    /// The versions table: `seq, key, version` and the version's own columns.
    const VERSIONS: &'static str;
    /// Whether the objects table has a `meta` column.
    const HAS_META: bool;
    /// Every version, in creation order, with its object's key.
    fn load_versions(conn: &Connection) -> Result<Vec<(String, Self)>, DbError>;
    /// Appends a version.
    fn insert_version(&self, conn: &Connection, key: &str, seq: i64) -> Result<(), DbError>;
    /// Rewrites a version's properties; the number of rows changed.
    fn update_version(&self, conn: &Connection, key: &str) -> Result<usize, DbError>;
}

/// A failed database operation, as text for the error response and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError(pub String);

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError(format!("database error: {e}"))
    }
}

/// One object as stored, for loading into memory.
#[derive(Debug)]
pub struct Loaded<V: Version> {
    pub key: String,
    pub name: String,
    pub deleted: Option<(i64, i64)>,
    pub versions: Vec<V>,
    pub meta: V::Meta,
}

/// What is stored under a key before a new version is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing.
    None,
    /// A live object: just add the version.
    Live,
    /// An object past its purge date: replace it.
    Stale,
}

/// The open database.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    /// The `seq` of the next version written (creation order across the whole vault).
    next_seq: i64,
}

impl Db {
    /// Opens (or creates) the database; each plane is read with [`Db::load`]. Errors say what
    /// went wrong, not which file (the caller names it).
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let context = |e: rusqlite::Error| DbError(e.to_string());
        let conn = Connection::open(path).map_err(context)?;
        // The file is ours alone (exclusive locking): a lock held elsewhere means another
        // emulator, so fail fast instead of rusqlite's default 5 s wait.
        conn.busy_timeout(std::time::Duration::from_millis(100))
            .map_err(context)?;
        // journal_mode answers with a row, so it is read rather than executed.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(context)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbError(format!("cannot use WAL journaling (got {mode})")));
        }
        // Fewer, larger checkpoints (every 10,000 WAL pages instead of 1,000) measured a little
        // cheaper per write. A bigger page cache measured slower: SQLite scans it at the end of
        // every transaction.
        conn.execute_batch(
            "PRAGMA synchronous=NORMAL; PRAGMA locking_mode=EXCLUSIVE; \
             PRAGMA wal_autocheckpoint=10000;",
        )
        .map_err(context)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| DbError(format!("{e} (is another emulator using this file?)")))?;
        if version > SCHEMA_VERSION {
            return Err(DbError(format!(
                "written by a newer emulator (schema {version})"
            )));
        }
        conn.execute_batch(SCHEMA).map_err(context)?;
        conn.execute_batch(&format!("PRAGMA user_version={SCHEMA_VERSION}"))
            .map_err(context)?;
        let next_seq: i64 = conn
            .query_row(
                "SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM versions), \
                 (SELECT COALESCE(MAX(seq), 0) FROM key_versions)) + 1",
                [],
                |r| r.get(0),
            )
            .map_err(context)?;
        Ok(Db { conn, next_seq })
    }

    /// Every object of one plane, with its versions in creation order.
    pub fn load<V: Table>(&mut self) -> Result<Vec<Loaded<V>>, DbError> {
        let mut objects: Vec<Loaded<V>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        {
            let meta = if V::HAS_META { "meta" } else { "NULL" };
            let mut stmt = self.conn.prepare(&format!(
                "SELECT key, name, deleted_date, scheduled_purge_date, {meta} FROM {} ORDER BY key",
                V::OBJECTS
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let deleted_date: Option<i64> = r.get(2)?;
                let purge: Option<i64> = r.get(3)?;
                let meta: Option<String> = r.get(4)?;
                let meta = match meta {
                    None => V::Meta::default(),
                    Some(text) => serde_json::from_str(&text)
                        .map_err(|e| DbError(format!("bad data of {key}: {e}")))?,
                };
                index.insert(key.clone(), objects.len());
                objects.push(Loaded {
                    key,
                    name: r.get(1)?,
                    deleted: deleted_date.zip(purge),
                    versions: Vec::new(),
                    meta,
                });
            }
        }
        for (key, version) in V::load_versions(&self.conn)? {
            // Versions of a key without an object row are leftovers: skip them.
            if let Some(&i) = index.get(&key) {
                objects[i].versions.push(version);
            }
        }
        objects.retain(|s| !s.versions.is_empty());
        Ok(objects)
    }

    /// Adds a version (creating or replacing the object row as `existing` says).
    pub fn add_version<V: Table>(
        &mut self,
        key: &str,
        name: &str,
        existing: Existing,
        version: &V,
    ) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        if existing == Existing::Stale {
            remove_in::<V>(&tx, key)?;
        }
        if existing != Existing::Live {
            insert_object::<V>(&tx, key, name)?;
        }
        version.insert_version(&tx, key, self.next_seq)?;
        tx.commit()?;
        self.next_seq += 1;
        Ok(())
    }

    /// Rewrites a version's properties.
    pub fn update_version<V: Table>(&mut self, key: &str, v: &V) -> Result<(), DbError> {
        if v.update_version(&self.conn, key)? == 1 {
            Ok(())
        } else {
            Err(DbError(format!("version {key}/{} is not stored", v.id())))
        }
    }

    /// Marks an object deleted (`Some((deleted, scheduled purge))`) or live (`None`).
    pub fn set_deleted<V: Table>(
        &mut self,
        key: &str,
        deleted: Option<(i64, i64)>,
    ) -> Result<(), DbError> {
        let (date, purge) = deleted.unzip();
        self.conn
            .prepare_cached(&format!(
                "UPDATE {} SET deleted_date = ?2, scheduled_purge_date = ?3 WHERE key = ?1",
                V::OBJECTS
            ))?
            .execute(params![key, date, purge])?;
        Ok(())
    }

    /// Replaces an object's own data (a key's rotation policy).
    pub fn set_meta<V: Table>(&mut self, key: &str, meta: &V::Meta) -> Result<(), DbError> {
        if !V::HAS_META {
            return Ok(());
        }
        update_meta::<V>(&self.conn, key, meta)
    }

    /// Removes an object and its versions.
    pub fn remove<V: Table>(&mut self, key: &str) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        remove_in::<V>(&tx, key)?;
        tx.commit()?;
        Ok(())
    }

    /// Inserts a whole object (restore), replacing anything left under its key.
    pub fn insert_object<V: Table>(
        &mut self,
        key: &str,
        name: &str,
        versions: &[V],
        meta: &V::Meta,
    ) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        remove_in::<V>(&tx, key)?;
        insert_object::<V>(&tx, key, name)?;
        if V::HAS_META {
            update_meta::<V>(&tx, key, meta)?;
        }
        for (i, v) in versions.iter().enumerate() {
            v.insert_version(&tx, key, self.next_seq + i as i64)?;
        }
        tx.commit()?;
        self.next_seq += versions.len() as i64;
        Ok(())
    }

    /// The backup key kept in the file; a new one from `make` is stored the first time.
    pub fn backup_key(&mut self, make: impl FnOnce() -> [u8; 32]) -> Result<[u8; 32], DbError> {
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE name = 'backup_key'",
                [],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        if let Some(bytes) = stored {
            return <[u8; 32]>::try_from(bytes.as_slice())
                .map_err(|_| DbError("the stored backup key is not 32 bytes long".into()));
        }
        let key = make();
        self.conn.execute(
            "INSERT INTO settings (name, value) VALUES ('backup_key', ?1)",
            [key.as_slice()],
        )?;
        Ok(key)
    }

    /// Deletes every object (the settings stay: backups made before still restore).
    pub fn clear(&mut self) -> Result<(), DbError> {
        self.conn.execute_batch(
            "BEGIN; DELETE FROM versions; DELETE FROM secrets; DELETE FROM key_versions; \
             DELETE FROM keys; COMMIT;",
        )?;
        Ok(())
    }
}

fn insert_object<V: Table>(conn: &Connection, key: &str, name: &str) -> Result<(), DbError> {
    conn.prepare_cached(&format!(
        "INSERT INTO {} (key, name, deleted_date, scheduled_purge_date) VALUES (?1, ?2, NULL, NULL)",
        V::OBJECTS
    ))?
    .execute(params![key, name])?;
    Ok(())
}

fn update_meta<V: Table>(conn: &Connection, key: &str, meta: &V::Meta) -> Result<(), DbError> {
    let text = (*meta != V::Meta::default()).then(|| json(meta));
    conn.prepare_cached(&format!(
        "UPDATE {} SET meta = ?2 WHERE key = ?1",
        V::OBJECTS
    ))?
    .execute(params![key, text])?;
    Ok(())
}

fn remove_in<V: Table>(conn: &Connection, key: &str) -> Result<(), DbError> {
    conn.prepare_cached(&format!("DELETE FROM {} WHERE key = ?1", V::VERSIONS))?
        .execute([key])?;
    conn.prepare_cached(&format!("DELETE FROM {} WHERE key = ?1", V::OBJECTS))?
        .execute([key])?;
    Ok(())
}

/// JSON text of a value that always serializes (strings, integers, maps with string keys).
pub(super) fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Table for SecretVersion {
    const OBJECTS: &'static str = "secrets";
    const VERSIONS: &'static str = "versions";
    const HAS_META: bool = false;

    fn load_versions(conn: &Connection) -> Result<Vec<(String, Self)>, DbError> {
        let mut stmt = conn.prepare(
            "SELECT key, version, value, content_type, tags, enabled, nbf, exp, created, updated \
             FROM versions ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let tags: Option<String> = r.get(4)?;
            let tags = match tags {
                None => None,
                Some(text) => Some(
                    serde_json::from_str::<Tags>(&text)
                        .map_err(|e| DbError(format!("bad tags of {key}: {e}")))?,
                ),
            };
            let version = SecretVersion {
                version: r.get(1)?,
                value: r.get(2)?,
                content_type: r.get(3)?,
                tags,
                enabled: r.get(5)?,
                not_before: r.get(6)?,
                expires: r.get(7)?,
                created: r.get(8)?,
                updated: r.get(9)?,
            };
            out.push((key, version));
        }
        Ok(out)
    }

    fn insert_version(&self, conn: &Connection, key: &str, seq: i64) -> Result<(), DbError> {
        let tags = self.tags.as_ref().map(json);
        conn.prepare_cached(
            "INSERT INTO versions (key, version, seq, value, content_type, tags, enabled, nbf, \
             exp, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            key,
            self.version,
            seq,
            self.value,
            self.content_type,
            tags,
            self.enabled,
            self.not_before,
            self.expires,
            self.created,
            self.updated
        ])?;
        Ok(())
    }

    fn update_version(&self, conn: &Connection, key: &str) -> Result<usize, DbError> {
        let tags = self.tags.as_ref().map(json);
        Ok(conn
            .prepare_cached(
                "UPDATE versions SET content_type = ?3, tags = ?4, enabled = ?5, nbf = ?6, \
                 exp = ?7, updated = ?8 WHERE key = ?1 AND version = ?2",
            )?
            .execute(params![
                key,
                self.version,
                self.content_type,
                tags,
                self.enabled,
                self.not_before,
                self.expires,
                self.updated
            ])?)
    }
}
