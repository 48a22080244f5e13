//! `ekyc keys create|list|revoke`.

use clap::Subcommand;
use serde_json::json;

use ekyc_store::{SqliteStore, Store};

use crate::settings::CommonArgs;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key pair and print it (the SecretKey is shown only here).
    Create {
        #[command(flatten)]
        common: CommonArgs,
        /// Free text to recognise the key by.
        #[arg(long)]
        label: Option<String>,
        /// Print {"SecretId": ..., "SecretKey": ...}.
        #[arg(long)]
        json: bool,
    },
    /// List keys (never their secrets).
    List {
        #[command(flatten)]
        common: CommonArgs,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: requests signed with it get AuthFailure.SecretIdNotFound.
    Revoke {
        #[command(flatten)]
        common: CommonArgs,
        secret_id: String,
    },
}

fn open(common: &CommonArgs) -> anyhow::Result<SqliteStore> {
    let config = common.load()?;
    Ok(SqliteStore::open(&config.server.data_dir)?)
}

pub fn run(cmd: KeysCommand) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::Create {
            common,
            label,
            json,
        } => {
            let key = open(&common)?.create_key(label.as_deref())?;
            if json {
                println!(
                    "{}",
                    json!({"SecretId": key.secret_id, "SecretKey": key.secret_key})
                );
            } else {
                println!("SecretId:  {}", key.secret_id);
                println!("SecretKey: {}", key.secret_key);
                eprintln!("Keep the SecretKey safe: it is not shown again.");
            }
        }
        KeysCommand::List { common, json } => {
            let keys = open(&common)?.list_keys()?;
            if json {
                let rows: Vec<_> = keys
                    .iter()
                    .map(|k| {
                        json!({
                            "SecretId": k.secret_id,
                            "Label": k.label,
                            "CreatedAt": k.created_at.to_rfc3339(),
                            "RevokedAt": k.revoked_at.map(|t| t.to_rfc3339()),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("{:<38} {:<8} {:<26} label", "SecretId", "state", "created");
                for k in keys {
                    let state = if k.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<38} {:<8} {:<26} {}",
                        k.secret_id,
                        state,
                        k.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                        k.label.unwrap_or_default()
                    );
                }
            }
        }
        KeysCommand::Revoke { common, secret_id } => {
            if open(&common)?.revoke_key(&secret_id)? {
                println!("revoked {secret_id}");
            } else {
                anyhow::bail!("no key with SecretId {secret_id}");
            }
        }
    }
    Ok(())
}
