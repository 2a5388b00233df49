//! Every accepted metering record, in acceptance order, optionally appended
//! to a JSON Lines file and re-loaded at start so that idempotency (which is
//! rebuilt from the ledger) survives a restart. Every write to the file is fsynced
//! (`sync_data`) before the request that made it is answered, so what a client was told was
//! metered survives the emulator's machine losing power, as it would at AWS.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerTag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerAllocation {
    /// Normalized exact decimal ("17.5", "3").
    pub quantity: String,
    pub tags: Vec<LedgerTag>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerEntry {
    pub operation: String,
    pub metering_record_id: String,
    pub product_code: Option<String>,
    pub license_arn: Option<String>,
    pub customer_identifier: Option<String>,
    pub customer_aws_account_id: Option<String>,
    /// MeterUsage: the caller's access key id, standing for the EC2
    /// instance / ECS task / EKS pod the real service keys records by.
    pub instance: Option<String>,
    pub dimension: String,
    /// Epoch seconds as sent (may be fractional).
    pub timestamp: f64,
    /// Epoch seconds of the start of the hour the timestamp falls in.
    pub hour: i64,
    pub quantity: String,
    /// "whole" (UsageQuantity/Quantity) or "decimal" (…AsDecimal).
    pub quantity_type: String,
    pub allocations: Vec<LedgerAllocation>,
    pub client_token: Option<String>,
    /// RFC 3339 on the emulator clock.
    pub received_at: String,
}

#[derive(Debug, Default)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
    file: Option<(PathBuf, File)>,
    /// fsyncs of the file so far (one per write), shown by `GET /__mpm/health`.
    syncs: u64,
}

impl Ledger {
    /// Opens (creating if needed) the JSON Lines file and loads its records.
    pub fn open(path: Option<&Path>) -> std::io::Result<Ledger> {
        let Some(path) = path else {
            return Ok(Ledger::default());
        };
        let mut entries = Vec::new();
        if path.exists() {
            for (n, line) in BufReader::new(File::open(path)?).lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let e: LedgerEntry = serde_json::from_str(&line).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}:{}: {e}", path.display(), n + 1),
                    )
                })?;
                entries.push(e);
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        file.sync_all()?;
        Ok(Ledger {
            entries,
            file: Some((path.to_path_buf(), file)),
            syncs: 0,
        })
    }

    /// fsyncs of the ledger file so far (0 without a file).
    pub fn syncs(&self) -> u64 {
        self.syncs
    }

    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    pub fn push(&mut self, e: LedgerEntry) -> std::io::Result<()> {
        if let Some((_, f)) = &mut self.file {
            let mut line = serde_json::to_string(&e)?;
            line.push('\n');
            f.write_all(line.as_bytes())?;
            f.sync_data()?;
            self.syncs += 1;
        }
        self.entries.push(e);
        Ok(())
    }

    /// Forgets every record, truncating the file too so a restart agrees.
    pub fn clear(&mut self) -> std::io::Result<()> {
        self.entries.clear();
        if let Some((path, f)) = &mut self.file {
            *f = OpenOptions::new().write(true).truncate(true).open(&*path)?;
            f.sync_all()?;
            *f = OpenOptions::new().append(true).open(&*path)?;
        }
        Ok(())
    }
}
