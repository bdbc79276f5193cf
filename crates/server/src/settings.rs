//! Typed settings, layered: compiled-in defaults → `config/default.toml` →
//! `config/<APP_ENV>.toml` → `APP__SECTION__KEY` environment variables.
use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use cxc_domain::secret::Secret;
use cxc_email::EmailSettings;
use cxc_http::HttpSettings;
use cxc_persistence::DatabaseSettings;
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub dispatcher: DispatcherSettings,
    pub http: HttpSettings,
    pub telemetry: TelemetrySettings,
    pub retention: RetentionSettings,
    pub rules: RulesSettings,
    pub security: SecuritySettings,
    pub calendar: CalendarSettings,
}

/// Calendar feeds and attachments.
#[derive(Debug, Clone, Deserialize)]
pub struct CalendarSettings {
    /// Days a cancelled exchange, visit, agenda item or registration stays in the feeds
    /// as `STATUS:CANCELLED` before it is left out.
    pub cancelled_retention_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    pub shutdown_grace_secs: u64,
    pub header_read_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DispatcherSettings {
    pub enabled: bool,
    pub poll_interval_ms: u64,
    pub batch_size: u64,
    pub concurrency: usize,
    pub max_attempts: i32,
    pub backoff_base_secs: u64,
    pub backoff_max_secs: u64,
    pub lease_secs: i64,
}

/// Secrets that sign links. Never logged (`Secret` hides them).
#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    /// HMAC key of the one-click unsubscribe links in reminder emails. Empty means a random
    /// key per start (links stop working after a restart and differ between processes).
    pub unsubscribe_secret: Secret<String>,
}

impl SecuritySettings {
    /// The configured key, or a random one (with a warning) when none is configured.
    #[must_use]
    pub fn unsubscribe_key(&self) -> Vec<u8> {
        let configured = self.unsubscribe_secret.expose().trim();
        if configured.is_empty() {
            tracing::warn!(
                "security.unsubscribe_secret is empty: using a random key, so unsubscribe links \
                 break on restart and differ between processes; set APP__SECURITY__UNSUBSCRIBE_SECRET"
            );
            let mut key = vec![0u8; 32];
            rand::fill(&mut key[..]);
            return key;
        }
        if configured.len() < 32 {
            tracing::warn!("security.unsubscribe_secret is shorter than 32 characters");
        }
        configured.as_bytes().to_vec()
    }
}

/// Rule values the public sources leave open; see `config/default.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct RulesSettings {
    pub halving_distance_km: f64,
    pub halving_working_days: u32,
    pub lump_sum_ceiling_cents: i64,
    #[serde(default)]
    pub extra_holidays: std::collections::BTreeMap<String, Vec<chrono::NaiveDate>>,
    #[serde(default)]
    pub replace_holidays: std::collections::BTreeMap<String, Vec<chrono::NaiveDate>>,
    /// Participation dates per country code, replacing the built-in ones (for the days no
    /// source confirms, marked UNCONFIRMED in `cxc_domain::countries`).
    #[serde(default)]
    pub programme_countries: std::collections::BTreeMap<String, CountryDates>,
}

/// `{ from = "2014-01-01", until = "2020-12-31" }`; `until` may be left out.
#[derive(Debug, Clone, Deserialize)]
pub struct CountryDates {
    pub from: chrono::NaiveDate,
    #[serde(default)]
    pub until: Option<chrono::NaiveDate>,
}

impl RulesSettings {
    /// The built-in rule set with these settings applied.
    #[must_use]
    pub fn rule_config(&self) -> cxc_domain::eligibility::RuleConfig {
        let mut cfg = cxc_domain::eligibility::RuleConfig {
            halving_distance_km: self.halving_distance_km,
            halving_working_days: self.halving_working_days,
            lump_sum_ceiling_cents: self.lump_sum_ceiling_cents,
            ..Default::default()
        };
        for (cc, extra) in &self.extra_holidays {
            cfg.holidays = cfg.holidays.with_extra(cc, extra.clone());
        }
        for (cc, days) in &self.replace_holidays {
            cfg.holidays = cfg.holidays.with_country(cc, days.clone());
        }
        for (cc, d) in &self.programme_countries {
            cfg.countries = cfg.countries.with_dates(cc, d.from, d.until);
        }
        cfg
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RetentionSettings {
    pub participant_days: i64,
    pub interval_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TelemetrySettings {
    pub format: String,
    pub filter: String,
}

impl Settings {
    /// Why the public URL breaks mail clients in production, if it does: one-click
    /// unsubscribe links must be HTTPS (RFC 8058 §3.1), and a calendar feed's secret
    /// travels in its URL.
    #[must_use]
    pub fn public_url_problem(&self, env: &str) -> Option<String> {
        let url = self.server.public_url.trim();
        let https = url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        (env.eq_ignore_ascii_case("production") && !https).then(|| {
            format!(
                "server.public_url {url:?} is not HTTPS: one-click unsubscribe links in reminder \
                 emails violate RFC 8058 §3.1 and calendar feed addresses travel in clear; set \
                 APP__SERVER__PUBLIC_URL to the https:// address of the service"
            )
        })
    }

    /// Loads the layers for environment `env` with files from `dir` (missing files are
    /// fine: the defaults are compiled in).
    ///
    /// # Errors
    /// When a file or variable holds a value of the wrong type.
    pub fn load(env: &str, dir: &Path) -> Result<Self, config::ConfigError> {
        Config::builder()
            .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
            .add_source(File::from(dir.join("default.toml")).required(false))
            .add_source(File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                Environment::with_prefix("APP")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }

    /// The layers chosen by `APP_ENV` (default `local`) and `APP_CONFIG_DIR` (default `./config`).
    ///
    /// # Errors
    /// As [`Settings::load`].
    pub fn from_env() -> Result<Self, config::ConfigError> {
        let env = std::env::var("APP_ENV").unwrap_or_else(|_| "local".into());
        let dir =
            std::env::var("APP_CONFIG_DIR").map_or_else(|_| PathBuf::from("config"), PathBuf::from);
        Self::load(&env, &dir)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn an_http_public_url_is_a_problem_in_production_only() {
        let mut s = Settings::load("none", Path::new("/nonexistent")).unwrap();
        assert_eq!(s.calendar.cancelled_retention_days, 30);
        s.server.public_url = "http://cxc.example".into();
        assert!(s.public_url_problem("production").is_some());
        assert!(s.public_url_problem("local").is_none());
        s.server.public_url = "HTTPS://cxc.example".into();
        assert!(s.public_url_problem("production").is_none());
    }

    #[test]
    fn defaults_load_and_rule_settings_apply() {
        let s = Settings::load("none", Path::new("/nonexistent")).unwrap();
        let cfg = s.rules.rule_config();
        assert!((cfg.halving_distance_km - 200.0).abs() < f64::EPSILON);
        assert_eq!(cfg.lump_sum_ceiling_cents, 110_000);
        let christmas_eve = NaiveDate::from_ymd_opt(2027, 12, 23).unwrap();
        assert!(!cfg.holidays.is_holiday("DK", christmas_eve));
        let mut r = s.rules.clone();
        r.extra_holidays.insert("DK".into(), vec![christmas_eve]);
        let cfg = r.rule_config();
        assert!(
            cfg.holidays.is_holiday("DK", christmas_eve),
            "extra day added"
        );
        // The generated calendars hold weekday holidays only (a Saturday Christmas Day
        // changes no working-day count), so the built-in day checked is a Friday.
        assert!(
            cfg.holidays
                .is_holiday("DK", NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()),
            "built-in days kept"
        );
        r.programme_countries.insert(
            "RS".into(),
            CountryDates {
                from: NaiveDate::from_ymd_opt(2014, 1, 1).unwrap(),
                until: None,
            },
        );
        assert!(
            r.rule_config()
                .countries
                .is_participating("RS", NaiveDate::from_ymd_opt(2015, 1, 1).unwrap())
        );
        r.replace_holidays.insert("ES".into(), vec![]);
        assert!(
            !r.rule_config()
                .holidays
                .is_holiday("ES", NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
        );
    }

    #[test]
    fn debug_of_the_settings_shows_no_secret() {
        let mut s = Settings::load("none", Path::new("/nonexistent")).unwrap();
        s.database.url = "postgres://cxc:db-pass-4711@db.internal/cxc".into();
        s.email.smtp_url = "smtps://mailer:smtp-url-pass-4712@mail.internal:465".into();
        s.email.smtp_username = Some("mailer".into());
        s.email.smtp_password = Some("smtp-pass-4713".into());
        s.security.unsubscribe_secret = "unsubscribe-key-4714-0123456789abcdef".into();
        let shown = format!("{s:?} {s:#?}");
        for secret in [
            "db-pass-4711",
            "smtp-url-pass-4712",
            "smtp-pass-4713",
            "unsubscribe-key-4714",
        ] {
            assert!(!shown.contains(secret), "{secret} printed in {shown}");
        }
        assert!(shown.contains("Secret(<redacted>)"));
        // The values are still there for the code that needs them.
        assert!(s.database.url.expose().contains("db-pass-4711"));
    }
}
