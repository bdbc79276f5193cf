//! One backend, start to finish: database, world, server, scenarios, ceilings, scale,
//! restart, dispatcher.
use std::{sync::Arc, time::Duration};

use anyhow::Context;
use cxc_persistence::{
    DatabaseSettings, Db,
    entities::calls,
    repositories::Store,
    sea_orm::{ConnectionTrait, Database, EntityTrait},
};
use cxc_server::startup::EmailRenderer;

use crate::{
    Args, Backend,
    report::{Report, Row},
    scenarios::{self, Scenario},
    server::{Launch, Server},
    wrk::{self, Load},
};

mod drain;

/// Where the data lives; PostgreSQL keeps its durable defaults (fsync, synchronous commit).
struct Database_ {
    url: String,
    pg: Option<cxc_pgtemp::PgTemp>,
}

async fn database(b: Backend, dir: &std::path::Path) -> anyhow::Result<Database_> {
    if b == Backend::Sqlite {
        return Ok(Database_ {
            url: format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
            pg: None,
        });
    }
    let opts = cxc_pgtemp::Options {
        settings: vec!["max_connections=200".into(), "shared_buffers=256MB".into()],
    };
    let pg = cxc_pgtemp::PgTemp::start("cxc-bench-pg", &opts).map_err(anyhow::Error::msg)?;
    let admin = Database::connect(format!("{}/postgres", pg.base_url)).await?;
    admin.execute_unprepared("CREATE DATABASE bench").await?;
    admin.close().await?;
    Ok(Database_ {
        url: format!("{}/bench", pg.base_url),
        pg: Some(pg),
    })
}

async fn open(url: &str, pool: u32) -> anyhow::Result<Store> {
    let db = Db::connect(&DatabaseSettings {
        url: url.into(),
        max_connections: pool,
        min_connections: 1,
        acquire_timeout_secs: 30,
        busy_timeout_ms: 5000,
    })
    .await?;
    db.migrate().await?;
    Ok(Store::new(
        db,
        Arc::new(EmailRenderer),
        "http://127.0.0.1".into(),
        "bench.example".into(),
        b"bench-unsubscribe-secret",
    ))
}

pub struct Ctx<'a> {
    pub args: &'a Args,
    pub dir: &'a std::path::Path,
    pub load: Load,
}

impl Ctx<'_> {
    fn scenario(&self, server: &Server, s: &Scenario) -> anyhow::Result<Option<Row>> {
        if !self.args.wants(&s.name) && !s.name.contains("ceiling") {
            return Ok(None);
        }
        let file = s.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        let perf = self.args.perf.then(|| {
            std::process::Command::new("perf")
                .args([
                    "record",
                    "-F",
                    "499",
                    "-g",
                    "-p",
                    &server.pid().to_string(),
                    "-o",
                ])
                .arg(self.dir.join(format!("{file}.perf.data")))
                .args(["--", "sleep", &self.load.duration.as_secs().to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
        });
        let raw = wrk::run(self.dir, &file, &server.base, &s.lua, &self.load)?;
        if let Some(Ok(mut p)) = perf {
            let _ = p.wait();
        }
        let row = Row::from_raw(s, &raw);
        let (rss, hwm) = server.memory();
        eprintln!(
            "  {:<40} {:>8.0} req/s  p99 {:>7.2} ms  errors {}  RSS {rss:.0} MiB (peak {hwm:.0})  [{}]",
            row.name, row.rps, row.p99, row.errors, row.note
        );
        std::thread::sleep(Duration::from_millis(500));
        Ok(Some(row))
    }
}

/// The list scenario's query plan, as one note.
/// PostgreSQL's autovacuum analyses a table after large changes within about a minute;
/// after a bulk load the benchmark does it at once instead of measuring stale plans.
async fn analyse(store: &Store) -> anyhow::Result<()> {
    if store.db().backend() == cxc_persistence::Backend::Postgres {
        store.db().conn.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// # Errors
/// When any step fails (the message says which).
pub async fn backend(args: &Args, b: Backend) -> anyhow::Result<Report> {
    let tmp = tempfile::Builder::new().prefix("cxc-bench-").tempdir()?;
    let dir = tmp.path().to_owned();
    let dir = dir.as_path();
    if args.keep || args.perf {
        let _ = tmp.keep();
    }
    let bin = match &args.server {
        Some(p) => p.clone(),
        None => crate::server::default_binary()?,
    };
    let ctx = Ctx {
        args,
        dir,
        load: Load {
            connections: args.connections,
            threads: args.threads,
            duration: Duration::from_secs(args.duration),
        },
    };
    let mut report = Report {
        backend: format!("{b:?}"),
        ..Report::default()
    };
    eprintln!("== {b:?}: preparing the database in {}", dir.display());
    let db = database(b, dir).await?;
    let launch = |smtp: Option<&'static str>| Launch {
        bin: &bin,
        workdir: dir,
        db_url: &db.url,
        pool: args.pool,
        smtp,
        env: &args.env,
    };
    // The first start creates the schema: start-up on an empty database.
    let first = Server::start(&launch(None)).await?;
    report.startup_empty_ms = first.startup.as_secs_f64() * 1000.0;
    first.stop();
    let store = open(&db.url, args.pool).await?;
    let t = std::time::Instant::now();
    let w = crate::world::build(&store, args.slots + args.slots / 2, args.race_places)
        .await
        .context("seeding the world")?;
    crate::volume::add_applications(&store, &w, args.small, 1)
        .await
        .context("seeding applications")?;
    let race = crate::volume::race_candidates(&store, &w, args.slots).await?;
    analyse(&store).await?;
    eprintln!(
        "   seeded {} countries, {} visitor slots, {} applications in {:.1} s",
        w.countries.len(),
        w.slots.len(),
        args.small + race.len(),
        t.elapsed().as_secs_f64()
    );
    let server = Server::start(&launch(None)).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    report.idle_mb = server.memory().0;
    let visit =
        crate::visits::seed(&server.base, &w.coordinator_token, w.partnership, w.start).await?;
    if visit.is_none() {
        report
            .notes
            .push("group visits: not in this build of the server (scenarios skipped)".into());
    }
    let callers = crate::lists::Callers::of(&store, &w).await?;
    let ids = crate::volume::readable_ids(&store, &w, 2000).await?;
    let (cursor, matching) = crate::volume::deep_cursor(&store, &w, "submitted", 0.8).await?;
    let (create_slots, reg_slots) = w.slots.split_at(args.slots.min(w.slots.len()));
    let mut list: Vec<Scenario> = vec![scenarios::constant(), scenarios::get_one(&w, &ids)];
    for shape in crate::lists::shapes(&w, cursor) {
        report
            .notes
            .push(shape.plan(&store, &callers, args.small).await?);
        report
            .notes
            .push(shape.page_size(&server.base, &w, args.small).await?);
        list.push(shape.scenario(&w, args.small));
    }
    list.push(scenarios::eligibility(&w));
    if let Some(v) = visit {
        list.push(scenarios::agenda(v));
    }
    list.push(scenarios::login(&w));
    list.push(scenarios::create_submit(&w, create_slots));
    list.push(scenarios::approvals(&w, &race));
    if let Some(v) = visit {
        list.push(scenarios::registrations(v, reg_slots));
    }
    eprintln!(
        "== {b:?}: scenarios ({} s each; list filter matches {matching} rows)",
        args.duration
    );
    for s in &list {
        if let Some(row) = ctx.scenario(&server, s)? {
            if s.name.contains("ceiling") {
                report.constant_rps = row.rps;
            }
            report.rows.push(row);
        }
    }
    report.insert_tps =
        crate::ceiling::raw_inserts(store.db(), args.connections, ctx.load.duration).await?;
    eprintln!(
        "  {:<40} {:>8.0} tx/s",
        "raw insert transactions (ceiling)", report.insert_tps
    );
    report.peak_mb = server.memory().1;
    let call = calls::Entity::find_by_id(w.race_call)
        .one(&store.db().conn)
        .await?
        .context("race call")?;
    report.notes.push(format!(
        "approvals race: {} of {} places taken, budget committed {} cents (never more than the places)",
        call.places_taken, call.places, call.budget_committed_cents
    ));
    if args.large > args.small {
        let t = std::time::Instant::now();
        crate::volume::add_applications(&store, &w, args.large - args.small, 2).await?;
        analyse(&store).await?;
        eprintln!(
            "   grew to {} applications in {:.1} s",
            args.large,
            t.elapsed().as_secs_f64()
        );
        let (cursor, matching) = crate::volume::deep_cursor(&store, &w, "submitted", 0.8).await?;
        report.notes.push(format!(
            "list filter (status=submitted, coordinator's scope) matches {matching} rows at {}",
            args.large
        ));
        // The constant endpoint again, right before: the machine may have drifted.
        let mut base = None;
        let mut large = vec![scenarios::constant_at(args.large)];
        for shape in crate::lists::shapes(&w, cursor) {
            report
                .notes
                .push(shape.plan(&store, &callers, args.large).await?);
            report
                .notes
                .push(shape.page_size(&server.base, &w, args.large).await?);
            large.push(shape.scenario(&w, args.large));
        }
        for s in large {
            if let Some(mut row) = ctx.scenario(&server, &s)? {
                if s.name.contains("ceiling") {
                    base = Some(row.rps);
                } else {
                    row.base = base;
                }
                report.rows.push(row);
            }
        }
        report.peak_mb = report.peak_mb.max(server.memory().1);
    }
    server.stop();
    let again = Server::start(&launch(None)).await?;
    report.startup_existing_ms = again.startup.as_secs_f64() * 1000.0;
    report.large_rows = args.large.max(args.small) as u64;
    again.stop();
    if args.emails > 0 {
        report.dispatch = Some(drain::run(&store, args.emails, &launch).await?);
    }
    store.db().conn.clone().close().await?;
    if let Some(pg) = db.pg {
        pg.stop();
    }
    Ok(report)
}
