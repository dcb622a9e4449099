//! `agenda user …`: accounts from the command line, for the first administrator and for
//! scripts. The password is read from `AGENDA_PASSWORD` or from the first line of standard
//! input, never from an argument (arguments are visible to every user of the machine).

use std::io::BufRead;
use std::process::ExitCode;

use agenda_core::{Code, Role};
use agenda_store::NewAccount;
use anyhow::{Context, bail};

use crate::config::Config;

/// What to do with accounts.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from AGENDA_PASSWORD or the first line of stdin.
    Add {
        /// Login name.
        username: String,
        /// `admin`, `editor`, `legal`, `entity` or `stakeholder`.
        #[arg(long)]
        role: String,
        /// The organisation an `entity` user acts for, or a `stakeholder` speaks for (its code).
        #[arg(long)]
        organisation: Option<String>,
        /// Name shown (default: the login name).
        #[arg(long)]
        name: Option<String>,
        /// Where reminders are sent.
        #[arg(long)]
        email: Option<String>,
    },
    /// List the accounts.
    List,
    /// Disable an account and end its sessions.
    Disable {
        /// Login name.
        username: String,
    },
}

fn password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("AGENDA_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        bail!("no password: set AGENDA_PASSWORD or give it on the first line of standard input");
    }
    Ok(p)
}

/// Runs `agenda user …`.
pub async fn run(config: &Config, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let store = crate::open(config).await?;
    match cmd {
        UserCommand::Add {
            username,
            role,
            organisation,
            name,
            email,
        } => {
            let role = Role::parse(&role)
                .map_err(|e| anyhow::anyhow!("--role: expected {}", e.phrase()))?;
            let organisation = organisation
                .map(|o| {
                    Code::parse(&o)
                        .map_err(|e| anyhow::anyhow!("--organisation: expected {}", e.phrase()))
                })
                .transpose()?;
            let new = NewAccount {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                email,
                role,
                organisation,
            };
            store
                .add_account(&crate::actor(None), &new, &password()?)
                .await?;
            println!("account {} created ({})", new.username, role.as_str());
        }
        UserCommand::List => {
            for a in store.accounts().await? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    a.username,
                    a.role.as_str(),
                    a.organisation.as_ref().map(|o| o.as_str()).unwrap_or("-"),
                    a.display_name,
                    if a.disabled { "\t(disabled)" } else { "" }
                );
            }
        }
        UserCommand::Disable { username } => {
            store
                .set_account_disabled(&crate::actor(None), &username, true)
                .await?;
            println!("account {username} disabled; its sessions are ended");
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
