//! Test support: a fresh database per test, on SQLite and, when
//! `PARTINNOV_TEST_POSTGRES_URL` is set, on PostgreSQL (a randomly named database,
//! dropped when the test ends). Enabled by the `testing` feature.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait as _, Database};

use crate::{DatabaseUrl, Store};

pub struct TestDb {
    pub store: Store,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir =
            std::env::temp_dir().join(format!("partinnov-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = DatabaseUrl::parse(&format!("sqlite:{}", dir.join("test.sqlite").display()))
            .expect("url");
        let store = Store::open(&url).await.expect("open sqlite");
        Self {
            store,
            url,
            cleanup: Cleanup::File(dir),
        }
    }

    /// `None` (and a note on stderr) when no PostgreSQL server is configured.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin) = std::env::var("PARTINNOV_TEST_POSTGRES_URL") else {
            eprintln!("note: PARTINNOV_TEST_POSTGRES_URL is not set; PostgreSQL variant skipped");
            return None;
        };
        let name = format!("partinnov_test_{}", uuid::Uuid::new_v4().simple());
        let conn = Database::connect(admin.as_str())
            .await
            .expect("connect to PARTINNOV_TEST_POSTGRES_URL");
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = DatabaseUrl::parse(&with_database(&admin, &name)).expect("url");
        let store = Store::open(&url).await.expect("open postgres");
        Some(Self {
            store,
            url,
            cleanup: Cleanup::Postgres { admin, name },
        })
    }
}

/// Replaces the database name of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin, name } => {
                let (admin, name) = (admin.clone(), name.clone());
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        if let Ok(conn) = Database::connect(admin.as_str()).await {
                            let _ = conn
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = conn.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// One test body, two tests: `name::sqlite` and `name::postgres` (skipped with a note
/// when `PARTINNOV_TEST_POSTGRES_URL` is unset).
#[macro_export]
macro_rules! dual_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::testing::TestDb::sqlite().await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::testing::TestDb::postgres().await else {
                    return;
                };
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_keeping_credentials_and_options() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "t1"),
            "postgres://h:5432/t1"
        );
    }
}
