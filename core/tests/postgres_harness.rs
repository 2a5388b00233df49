//! The PostgreSQL harness of the tests (support/postgres.rs) does what the store's and the
//! fleet's tests rely on: a server that starts, answers with a password only, keeps committed
//! data across a restart on the same port, ends other sessions on demand, isolates each test in
//! its own database, and leaves nothing behind.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::postgres::Postgres;

#[test]
fn a_fresh_database_answers_queries_with_fsync_on_and_loopback_only() {
    let Some(pg) = Postgres::start() else { return };
    assert_eq!(pg.sql("SELECT 1 + 1"), "2");
    assert_eq!(pg.sql("SELECT current_database()"), pg.database());
    assert_eq!(pg.sql("SHOW fsync"), "on");
    assert_eq!(pg.sql("SHOW synchronous_commit"), "on");
    assert_eq!(pg.sql("SHOW listen_addresses"), "127.0.0.1");
    let url = pg.url();
    assert!(
        url.starts_with("postgres://mpm:") && url.contains(pg.password()),
        "{url}"
    );
    assert!(pg.password().len() >= 16, "a real password");
    pg.sql("CREATE TABLE t (k int PRIMARY KEY, v text)");
    pg.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    assert_eq!(
        pg.rows("SELECT k, v FROM t ORDER BY k"),
        vec![vec!["1", "a"], vec!["2", "b"]]
    );
    let e = pg.try_sql("SELECT * FROM missing").unwrap_err();
    assert!(e.contains("missing"), "{e}");
}

#[test]
fn a_wrong_password_is_refused() {
    let Some(pg) = Postgres::start() else { return };
    let wrong = pg.url().replace(pg.password(), "not-the-password");
    let out = Command::new("psql")
        .args(["-X", "-d", &wrong, "-c", "SELECT 1"])
        .env("PGCONNECT_TIMEOUT", "10")
        .stdin(Stdio::null())
        .output()
        .expect("psql");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password authentication failed"), "{err}");
}

#[test]
fn parallel_tests_get_separate_databases_on_one_server() {
    let (Some(a), Some(b)) = (Postgres::start(), Postgres::start()) else {
        return;
    };
    assert_ne!(a.database(), b.database());
    assert_eq!(a.port(), b.port(), "one shared server");
    a.sql("CREATE TABLE only_in_a (x int)");
    assert!(b.try_sql("SELECT * FROM only_in_a").is_err());
    let name = a.database().to_string();
    drop(a);
    assert_eq!(
        b.sql(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
        )),
        "0",
        "a dropped test's database is removed from the shared server"
    );
}

#[test]
fn a_restart_keeps_committed_data_and_the_port() {
    let Some(pg) = Postgres::start_own() else {
        return;
    };
    let url = pg.url();
    pg.sql("CREATE TABLE kept (x int)");
    pg.sql("INSERT INTO kept VALUES (42)");
    let before = pg.sql("SELECT pg_postmaster_start_time()");
    pg.restart();
    assert_eq!(pg.url(), url, "same port and password");
    assert_eq!(pg.sql("SELECT x FROM kept"), "42");
    assert_ne!(
        pg.sql("SELECT pg_postmaster_start_time()"),
        before,
        "a new postmaster"
    );
    pg.stop();
    assert!(pg.try_sql("SELECT 1").is_err(), "down while stopped");
    pg.start_again();
    assert_eq!(pg.sql("SELECT x FROM kept"), "42");
}

#[test]
fn terminate_backends_ends_other_sessions() {
    let Some(pg) = Postgres::start() else { return };
    let mut sleeper = Command::new("psql")
        .args(["-X", "-q", "-d", &pg.url(), "-c", "SELECT pg_sleep(60)"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql");
    pg.wait_for(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND query LIKE 'SELECT pg_sleep%'",
        "1",
        Duration::from_secs(20),
    );
    let started = Instant::now();
    assert_eq!(pg.terminate_backends(), 1);
    let status = sleeper.wait().expect("wait psql");
    assert!(!status.success(), "the terminated session's query failed");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "ended at once, not after its sleep"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut sleeper.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("terminating connection"), "{err}");
    assert_eq!(pg.sessions(), 0);
}

#[test]
fn dropping_its_own_server_stops_it_and_deletes_its_directory() {
    let Some(pg) = Postgres::start_own() else {
        return;
    };
    let dir = pg.server_dir();
    let port = pg.port();
    assert!(dir.join("data/PG_VERSION").exists());
    drop(pg);
    assert!(!dir.exists(), "{} deleted", dir.display());
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens on {port} any more"
    );
}
