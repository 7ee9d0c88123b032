//! `--data FILE`: the vault's state in SQLite, written through before a change is acknowledged.
//!
//! Durability: WAL journal with `synchronous=NORMAL`. A commit appends to the WAL with
//! `write(2)` before the response is sent; it is not `fsync`ed, so a committed write survives
//! the emulator being killed (`kill -9`, a crash) because the data is already in the kernel,
//! but not a power loss or kernel crash. That is the guarantee asked of a test emulator, and it
//! keeps a write at tens of microseconds instead of an fsync's milliseconds.
//!
//! `locking_mode=EXCLUSIVE` keeps a second emulator from using the same file at the same time.
//! Schema: `secrets` (one row per name, with the soft-delete dates) and `versions` (one row per
//! version, appended in creation order `seq`, so the last one of a name is the latest; the
//! `(key, version)` index serves updates). Appending keeps the big rows on the B-tree's hot right
//! edge; only the small index entries land on random pages (measured cheaper than clustering the
//! rows by name).

use std::path::Path;

use rusqlite::{params, Connection};

use super::{SecretVersion, Tags};

const SCHEMA_VERSION: i64 = 1;

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
";

/// A failed database operation, as text for the error response and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError(pub String);

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError(format!("database error: {e}"))
    }
}

/// One secret as stored, for loading into memory.
#[derive(Debug)]
pub struct Loaded {
    pub key: String,
    pub name: String,
    pub deleted: Option<(i64, i64)>,
    pub versions: Vec<SecretVersion>,
}

/// What is stored under a key before a new version is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing.
    None,
    /// A live secret: just add the version.
    Live,
    /// A secret past its purge date: replace it.
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
    /// Opens (or creates) the database and reads every secret.
    pub fn open(path: &Path) -> Result<(Db, Vec<Loaded>), DbError> {
        let context = |e: rusqlite::Error| DbError(format!("{}: {e}", path.display()));
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
            return Err(DbError(format!(
                "{}: cannot use WAL journaling (got {mode})",
                path.display()
            )));
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
            .map_err(|e| {
                DbError(format!(
                    "{}: {e} (is another emulator using this file?)",
                    path.display()
                ))
            })?;
        if version > SCHEMA_VERSION {
            return Err(DbError(format!(
                "{}: written by a newer emulator (schema {version})",
                path.display()
            )));
        }
        conn.execute_batch(SCHEMA).map_err(context)?;
        conn.execute_batch(&format!("PRAGMA user_version={SCHEMA_VERSION}"))
            .map_err(context)?;
        let next_seq: i64 = conn
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM versions", [], |r| {
                r.get(0)
            })
            .map_err(context)?;
        let mut db = Db { conn, next_seq };
        let loaded = db
            .load()
            .map_err(|e| DbError(format!("{}: {}", path.display(), e.0)))?;
        Ok((db, loaded))
    }

    fn load(&mut self) -> Result<Vec<Loaded>, DbError> {
        let mut secrets: Vec<Loaded> = Vec::new();
        let mut index = std::collections::HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT key, name, deleted_date, scheduled_purge_date FROM secrets ORDER BY key",
            )?;
            let rows = stmt.query_map([], |r| {
                let deleted_date: Option<i64> = r.get(2)?;
                let purge: Option<i64> = r.get(3)?;
                Ok(Loaded {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    deleted: deleted_date.zip(purge),
                    versions: Vec::new(),
                })
            })?;
            for row in rows {
                let row = row?;
                index.insert(row.key.clone(), secrets.len());
                secrets.push(row);
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT key, version, value, content_type, tags, enabled, nbf, exp, created, updated \
             FROM versions ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
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
            // Versions of a key without a secret row are leftovers: skip them.
            if let Some(&i) = index.get(&key) {
                secrets[i].versions.push(version);
            }
        }
        secrets.retain(|s| !s.versions.is_empty());
        Ok(secrets)
    }

    /// Adds a version (creating or replacing the secret row as `existing` says).
    pub fn add_version(
        &mut self,
        key: &str,
        name: &str,
        existing: Existing,
        version: &SecretVersion,
    ) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        if existing == Existing::Stale {
            remove_in(&tx, key)?;
        }
        if existing != Existing::Live {
            tx.prepare_cached(
                "INSERT INTO secrets (key, name, deleted_date, scheduled_purge_date) \
                 VALUES (?1, ?2, NULL, NULL)",
            )?
            .execute(params![key, name])?;
        }
        insert_version(&tx, key, self.next_seq, version)?;
        tx.commit()?;
        self.next_seq += 1;
        Ok(())
    }

    /// Rewrites a version's properties.
    pub fn update_version(&mut self, key: &str, v: &SecretVersion) -> Result<(), DbError> {
        let tags = tags_json(v.tags.as_ref());
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE versions SET content_type = ?3, tags = ?4, enabled = ?5, nbf = ?6, \
                 exp = ?7, updated = ?8 WHERE key = ?1 AND version = ?2",
            )?
            .execute(params![
                key,
                v.version,
                v.content_type,
                tags,
                v.enabled,
                v.not_before,
                v.expires,
                v.updated
            ])?;
        if changed == 1 {
            Ok(())
        } else {
            Err(DbError(format!(
                "version {key}/{} is not stored",
                v.version
            )))
        }
    }

    /// Marks a secret deleted (`Some((deleted, scheduled purge))`) or live (`None`).
    pub fn set_deleted(&mut self, key: &str, deleted: Option<(i64, i64)>) -> Result<(), DbError> {
        let (date, purge) = deleted.unzip();
        self.conn
            .prepare_cached(
                "UPDATE secrets SET deleted_date = ?2, scheduled_purge_date = ?3 WHERE key = ?1",
            )?
            .execute(params![key, date, purge])?;
        Ok(())
    }

    /// Removes a secret and its versions.
    pub fn remove(&mut self, key: &str) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        remove_in(&tx, key)?;
        tx.commit()?;
        Ok(())
    }

    /// Inserts a whole secret (restore), replacing anything left under its key.
    pub fn insert_secret(
        &mut self,
        key: &str,
        name: &str,
        versions: &[SecretVersion],
    ) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        remove_in(&tx, key)?;
        tx.prepare_cached(
            "INSERT INTO secrets (key, name, deleted_date, scheduled_purge_date) \
             VALUES (?1, ?2, NULL, NULL)",
        )?
        .execute(params![key, name])?;
        for (i, v) in versions.iter().enumerate() {
            insert_version(&tx, key, self.next_seq + i as i64, v)?;
        }
        tx.commit()?;
        self.next_seq += versions.len() as i64;
        Ok(())
    }

    /// Deletes everything.
    pub fn clear(&mut self) -> Result<(), DbError> {
        self.conn
            .execute_batch("BEGIN; DELETE FROM versions; DELETE FROM secrets; COMMIT;")?;
        Ok(())
    }
}

fn remove_in(conn: &Connection, key: &str) -> Result<(), DbError> {
    conn.prepare_cached("DELETE FROM versions WHERE key = ?1")?
        .execute([key])?;
    conn.prepare_cached("DELETE FROM secrets WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}

fn insert_version(
    conn: &Connection,
    key: &str,
    seq: i64,
    v: &SecretVersion,
) -> Result<(), DbError> {
    let tags = tags_json(v.tags.as_ref());
    conn.prepare_cached(
        "INSERT INTO versions (key, version, seq, value, content_type, tags, enabled, nbf, exp, \
         created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        key,
        v.version,
        seq,
        v.value,
        v.content_type,
        tags,
        v.enabled,
        v.not_before,
        v.expires,
        v.created,
        v.updated
    ])?;
    Ok(())
}

fn tags_json(tags: Option<&Tags>) -> Option<String> {
    // A string map always serializes.
    tags.map(|t| serde_json::to_string(t).unwrap_or_default())
}
