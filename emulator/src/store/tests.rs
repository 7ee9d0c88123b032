use super::*;

fn new(value: &str) -> NewSecret {
    NewSecret {
        value: value.into(),
        ..NewSecret::default()
    }
}

fn store() -> Store {
    Store::new(StoreConfig::default())
}

fn seeded(seed: u64) -> Store {
    Store::new(StoreConfig {
        seed: Some(seed),
        ..StoreConfig::default()
    })
}

fn set(store: &Store, name: &str, value: &str) -> SecretRecord {
    store.set_secret(name, new(value)).expect("set")
}

#[test]
fn versions_are_32_lowercase_hex_and_reproducible_with_a_seed() {
    let a = set(&seeded(7), "s", "v").version.version;
    let b = set(&seeded(7), "s", "v").version.version;
    assert_eq!(a, b);
    assert_eq!(a.len(), 32);
    assert!(a
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
}

#[test]
fn latest_is_the_last_created_and_lookups_ignore_case() {
    let store = store();
    let first = set(&store, "MySecret", "1");
    let second = set(&store, "mysecret", "2");
    let latest = store.get::<SecretVersion>("MYSECRET", None).unwrap();
    assert_eq!(latest.version, second.version);
    assert_eq!(latest.name, "MySecret");
    let upper = first.version.version.to_ascii_uppercase();
    assert_eq!(
        store
            .get::<SecretVersion>("mysecret", Some(&upper))
            .unwrap()
            .version
            .value,
        "1"
    );
    assert_eq!(
        store.get::<SecretVersion>("other", None),
        Err(StoreError::NotFound)
    );
}

#[test]
fn patch_changes_only_given_fields() {
    let store = store();
    let created = store
        .set_secret(
            "s",
            NewSecret {
                content_type: Some("text/plain".into()),
                ..new("v")
            },
        )
        .unwrap();
    store.clock().advance(5);
    let patched = store
        .update_secret(
            "s",
            None,
            SecretPatch {
                enabled: Some(false),
                ..SecretPatch::default()
            },
        )
        .unwrap();
    assert!(!patched.version.enabled);
    assert_eq!(patched.version.content_type.as_deref(), Some("text/plain"));
    assert_eq!(patched.version.updated, created.version.updated + 5);
    assert_eq!(patched.version.created, created.version.created);
}

#[test]
fn listing_is_case_insensitive_name_order_across_pages() {
    let store = store();
    for name in ["x2", "X19", "x18", "a-b", "A1"] {
        set(&store, name, "v");
    }
    let first = store.list::<SecretVersion>(None, 2);
    let names: Vec<_> = first.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a-b", "A1"]);
    assert_eq!(first.next.as_deref(), Some("X18"));
    let second = store.list::<SecretVersion>(first.next.as_deref(), 25);
    let names: Vec<_> = second.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["x18", "X19", "x2"]);
    assert_eq!(second.next, None);
}

#[test]
fn versions_list_in_version_id_order() {
    let store = seeded(3);
    let mut ids: Vec<String> = (0..7)
        .map(|i| set(&store, "s", &i.to_string()).version.version)
        .collect();
    ids.sort();
    let mut seen = Vec::new();
    let mut from = None;
    loop {
        let page = store.list_versions::<SecretVersion>("S", from.as_deref(), 3);
        seen.extend(page.items.into_iter().map(|r| r.version.version));
        match page.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    assert!(store
        .list_versions::<SecretVersion>("missing", None, 25)
        .items
        .is_empty());
}

#[test]
fn delete_recover_purge_life_cycle() {
    let store = store();
    set(&store, "s", "1");
    let latest = set(&store, "s", "2");
    let deleted = store.delete::<SecretVersion>("S").unwrap();
    assert_eq!(deleted.record, latest);
    assert_eq!(
        deleted.scheduled_purge_date,
        deleted.deleted_date + 90 * 86_400
    );
    assert_eq!(
        store.get::<SecretVersion>("s", None),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.delete::<SecretVersion>("s"),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.set_secret("s", new("3")),
        Err(StoreError::DeletedButRecoverable)
    );
    assert_eq!(store.get_deleted::<SecretVersion>("s").unwrap(), deleted);
    assert_eq!(
        store.list_deleted::<SecretVersion>(None, 25).items,
        vec![deleted]
    );
    assert!(store.list::<SecretVersion>(None, 25).items.is_empty());
    assert!(store
        .list_versions::<SecretVersion>("s", None, 25)
        .items
        .is_empty());

    assert_eq!(store.recover::<SecretVersion>("s").unwrap(), latest);
    assert_eq!(store.get::<SecretVersion>("s", None).unwrap(), latest);
    assert_eq!(
        store
            .list_versions::<SecretVersion>("s", None, 25)
            .items
            .len(),
        2
    );
    assert_eq!(
        store.recover::<SecretVersion>("s"),
        Err(StoreError::NotFound)
    );

    store.delete::<SecretVersion>("s").unwrap();
    store.purge::<SecretVersion>("s").unwrap();
    assert_eq!(
        store.get_deleted::<SecretVersion>("s"),
        Err(StoreError::NotFound)
    );
    assert_eq!(store.purge::<SecretVersion>("s"), Err(StoreError::NotFound));
    let fresh = set(&store, "s", "new");
    assert_eq!(
        store.list_versions::<SecretVersion>("s", None, 25).items,
        vec![fresh.clone()]
    );
}

#[test]
fn visibility_windows_hide_the_secret_then_end() {
    let store = Store::new(StoreConfig {
        delete_visibility_delay: Duration::from_millis(150),
        recover_visibility_delay: Duration::from_millis(150),
        purge_delay: Duration::from_millis(150),
        ..StoreConfig::default()
    });
    set(&store, "s", "v");
    store.delete::<SecretVersion>("s").unwrap();
    assert_eq!(
        store.get_deleted::<SecretVersion>("s"),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get::<SecretVersion>("s", None),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.set_secret("s", new("x")),
        Err(StoreError::BeingDeleted)
    );
    assert_eq!(
        store.purge::<SecretVersion>("s"),
        Err(StoreError::BeingDeleted)
    );
    assert_eq!(
        store.recover::<SecretVersion>("s"),
        Err(StoreError::NotFound)
    );
    assert!(store
        .list_deleted::<SecretVersion>(None, 25)
        .items
        .is_empty());
    std::thread::sleep(Duration::from_millis(200));
    assert!(store.get_deleted::<SecretVersion>("s").is_ok());

    store.recover::<SecretVersion>("s").unwrap();
    assert_eq!(
        store.get::<SecretVersion>("s", None),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.set_secret("s", new("x")),
        Err(StoreError::BeingRecovered)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(store.get::<SecretVersion>("s", None).is_ok());

    store.delete::<SecretVersion>("s").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    store.purge::<SecretVersion>("s").unwrap();
    assert_eq!(
        store.set_secret("s", new("x")),
        Err(StoreError::BeingDeleted)
    );
    assert_eq!(
        store.get_deleted::<SecretVersion>("s"),
        Err(StoreError::NotFound)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(store.set_secret("s", new("x")).is_ok());
}

#[test]
fn the_clock_purges_what_is_past_its_scheduled_purge_date() {
    let store = Store::new(StoreConfig {
        recoverable_days: 7,
        ..StoreConfig::default()
    });
    set(&store, "old", "v");
    let deleted = store.delete::<SecretVersion>("old").unwrap();
    assert_eq!(
        deleted.scheduled_purge_date - deleted.deleted_date,
        7 * 86_400
    );
    store.advance_clock(7 * 86_400 - 10).unwrap();
    assert!(store.get_deleted::<SecretVersion>("old").is_ok());
    store.advance_clock(10).unwrap();
    assert_eq!(
        store.get_deleted::<SecretVersion>("old"),
        Err(StoreError::NotFound)
    );
    assert!(store.set_secret("old", new("again")).is_ok());
}

#[test]
fn backup_and_restore_keep_versions_and_refuse_existing_names() {
    let store = store();
    set(&store, "b", "1");
    let latest = store
        .set_secret(
            "b",
            NewSecret {
                tags: Some(Tags::from([("k".into(), "v".into())])),
                ..new("2")
            },
        )
        .unwrap();
    let backup = store.backup::<SecretVersion>("b").unwrap();
    assert_eq!(backup.versions.len(), 2);
    assert_eq!(
        store.restore(backup.clone()),
        Err(StoreError::AlreadyExists)
    );
    store.delete::<SecretVersion>("b").unwrap();
    assert_eq!(
        store.restore(backup.clone()),
        Err(StoreError::DeletedButRecoverable)
    );
    store.purge::<SecretVersion>("b").unwrap();
    assert_eq!(store.restore(backup.clone()).unwrap(), latest);
    assert_eq!(store.backup::<SecretVersion>("b").unwrap(), backup);
    assert_eq!(
        store.backup::<SecretVersion>("nope"),
        Err(StoreError::NotFound)
    );
}

#[test]
fn sqlite_keeps_everything_across_reopen() {
    let dir = std::env::temp_dir().join(format!(
        "kv-emulator-store-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vault.db");
    let (kept, deleted, patched);
    {
        let store = Store::open(StoreConfig::default(), &path).unwrap();
        assert!(store.is_persistent());
        set(&store, "Kept", "1");
        kept = store
            .set_secret(
                "kept",
                NewSecret {
                    tags: Some(Tags::new()),
                    content_type: Some("text/plain".into()),
                    ..new("2")
                },
            )
            .unwrap();
        set(&store, "gone", "x");
        store.delete::<SecretVersion>("gone").unwrap();
        store.purge::<SecretVersion>("gone").unwrap();
        set(&store, "del", "x");
        deleted = store.delete::<SecretVersion>("del").unwrap();
        set(&store, "p", "x");
        patched = store
            .update_secret(
                "p",
                None,
                SecretPatch {
                    enabled: Some(false),
                    ..SecretPatch::default()
                },
            )
            .unwrap();
        let backup = store.backup::<SecretVersion>("kept").unwrap();
        store.delete::<SecretVersion>("kept").unwrap();
        store.purge::<SecretVersion>("kept").unwrap();
        store.restore(backup).unwrap();
    }
    let store = Store::open(StoreConfig::default(), &path).unwrap();
    assert_eq!(store.get::<SecretVersion>("KEPT", None).unwrap(), kept);
    assert_eq!(
        store
            .list_versions::<SecretVersion>("kept", None, 25)
            .items
            .len(),
        2
    );
    assert_eq!(store.get_deleted::<SecretVersion>("del").unwrap(), deleted);
    assert_eq!(store.get::<SecretVersion>("p", None).unwrap(), patched);
    assert_eq!(
        store.get::<SecretVersion>("gone", None),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.get_deleted::<SecretVersion>("gone"),
        Err(StoreError::NotFound)
    );
    store.reset().unwrap();
    drop(store);
    let store = Store::open(StoreConfig::default(), &path).unwrap();
    assert!(store.list::<SecretVersion>(None, 25).items.is_empty());
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_clock_stays_within_years_1_to_9999() {
    let store = Store::new(StoreConfig {
        recoverable_days: 7,
        ..StoreConfig::default()
    });
    let (min, max) = store.clock_range();
    assert_eq!((min, max), (-62_135_596_800, 253_402_300_799 - 7 * 86_400));
    for secs in [i64::MAX, i64::MIN, max, -max] {
        assert!(matches!(
            store.advance_clock(secs),
            Err(StoreError::ClockOutOfRange { .. })
        ));
        assert_eq!(store.clock().offset(), 0, "{secs}: nothing moved");
    }
    let now = store.clock().now();
    assert!(store.advance_clock(max - now - 5).is_ok());
    assert!(store.advance_clock(10).is_err(), "one step too far");
    assert!(
        store.advance_clock(-(max - min) - 100).is_err(),
        "before year 1"
    );
    let at_edge = store.clock().now();
    assert!(at_edge <= max);
    set(&store, "edge", "v");
    let deleted = store.delete::<SecretVersion>("edge").unwrap();
    assert!(deleted.scheduled_purge_date <= 253_402_300_799);
}
