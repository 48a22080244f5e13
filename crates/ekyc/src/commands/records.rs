//! `ekyc records list|show`.

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;

use ekyc_store::{Record, RecordFilter, SqliteStore, Store};

use crate::settings::CommonArgs;

#[derive(Subcommand)]
pub enum RecordsCommand {
    /// List records, newest first.
    List {
        #[command(flatten)]
        common: CommonArgs,
        /// Only records at or after this time: RFC 3339 (2026-11-25T10:00:00Z) or an age (30m, 2h, 7d).
        #[arg(long)]
        since: Option<String>,
        /// Only this action (e.g. LivenessCompare).
        #[arg(long)]
        action: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one record as JSON.
    Show {
        #[command(flatten)]
        common: CommonArgs,
        request_id: String,
    },
}

/// RFC 3339 time or an age like `90s`, `30m`, `2h`, `7d`.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .with_context(|| format!("--since {text:?}: expected RFC 3339 or an age like 30m"))?;
    let age = match unit {
        "s" => Duration::seconds(n),
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        _ => bail!("--since {text:?}: the unit must be s, m, h or d"),
    };
    Ok(now - age)
}

fn open(common: &CommonArgs) -> anyhow::Result<SqliteStore> {
    let config = common.load()?;
    Ok(SqliteStore::open(&config.server.data_dir)?)
}

fn print_table(records: &[Record]) {
    println!(
        "{:<36}  {:<20}  {:<22}  {:<40}  {:>6}  {:>8}",
        "RequestId", "time (UTC)", "action", "result", "Sim", "ms"
    );
    for r in records {
        println!(
            "{:<36}  {:<20}  {:<22}  {:<40}  {:>6}  {:>8.1}",
            r.request_id,
            r.received_at.format("%Y-%m-%d %H:%M:%S"),
            r.action,
            r.result_code,
            r.sim
                .map(|s| format!("{s:.2}"))
                .unwrap_or_else(|| "-".into()),
            r.total_ms
        );
    }
}

pub fn run(cmd: RecordsCommand) -> anyhow::Result<()> {
    match cmd {
        RecordsCommand::List {
            common,
            since,
            action,
            limit,
            json,
        } => {
            let filter = RecordFilter {
                since: since.map(|s| parse_since(&s, Utc::now())).transpose()?,
                action,
                limit,
            };
            let records = open(&common)?.list_records(&filter)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&records)?);
            } else {
                print_table(&records);
            }
        }
        RecordsCommand::Show { common, request_id } => {
            match open(&common)?.get_record(&request_id)? {
                Some(r) => println!("{}", serde_json::to_string_pretty(&r)?),
                None => bail!("no record with RequestId {request_id}"),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_forms() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_since("2h", now).unwrap().to_rfc3339(),
            "2026-11-25T10:00:00+00:00"
        );
        assert_eq!(
            parse_since("1d", now).unwrap().to_rfc3339(),
            "2026-11-24T12:00:00+00:00"
        );
        assert_eq!(
            parse_since("2026-11-01T00:00:00Z", now)
                .unwrap()
                .to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert!(parse_since("2w", now).is_err());
        assert!(parse_since("", now).is_err());
    }
}
