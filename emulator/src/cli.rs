//! Command line. `--help` documents every option, the defaults and the
//! admin API.

use crate::faults::Fault;
use crate::server::Options;
use crate::state::Settings;
use crate::world::{ConfigPatch, Credential, SigningAlg, World};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

const AFTER_HELP: &str = concat!(
    "Built-in defaults (used unless --config replaces them):\n",
    "  credentials   AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (no token),\n",
    "                only when neither --credentials nor the config file names any\n",
    "  product       demo-product: dimensions users, hosts, data_gb; public key versions [1]\n",
    "  customers     demo-customer-1 (account 111122223333, subscribed to demo-product)\n",
    "                demo-customer-2 (account 444455556666, subscribed)\n",
    "                unsubscribed-customer (account 777788889999, not subscribed)\n",
    "  license       arn:aws:license-manager::111122223333:license:l-demo0000000000000000001\n",
    "                (demo-product, account 111122223333)\n",
    "  tokens        demo-registration-token -> demo-customer-1 (agreement agmt-demo-0001)\n",
    "                expired-registration-token -> ExpiredTokenException; others -> InvalidTokenException\n",
    "\n",
    "Fault modes (--fault MODE[:COUNT] or MODE:key=value,...; keys count, fraction,\n",
    "operation, delay_ms, retry_after_ms, unprocessed_count, offset_seconds):\n",
    "  throttle      ThrottlingException (400)\n",
    "  retry_after   ThrottlingException with x-amz-retry-after: retry_after_ms (default 1000)\n",
    "  internal      InternalServiceErrorException (500)\n",
    "  http503       plain HTTP 503 with an HTML body\n",
    "  html500       HTTP 500 with an HTML page\n",
    "  drop          close the connection without answering\n",
    "  drop_after_commit  process (record) the request, then close without answering\n",
    "  delay         wait delay_ms (default 1000), then answer normally\n",
    "  unprocessed   BatchMeterUsage: last half (or unprocessed_count) of records unprocessed\n",
    "  skew          shift the emulator clock by offset_seconds (skew:N)\n",
    "\n",
    "Admin API on the same port (no auth):\n",
);

#[derive(Debug, Parser)]
#[command(
    name = "mpm-emulator",
    version,
    about = "Local emulator of the AWS Marketplace Metering Service (awsJson1.1, SigV4-checked)",
    after_help = format!("{AFTER_HELP}{}", indent(crate::admin::ROUTES))
)]
pub struct Cli {
    /// Address to listen on; port 0 picks a free port. The first stdout line
    /// is `listening on http://ADDR`.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// Accepted credentials AKID:SECRET[:TOKEN] (repeatable). With a TOKEN,
    /// requests must carry it as X-Amz-Security-Token.
    #[arg(long = "credentials", value_name = "AKID:SECRET[:TOKEN]", value_parser = Credential::parse)]
    pub credentials: Vec<Credential>,

    /// Accept only this region in credential scopes (default: any valid region).
    #[arg(long)]
    pub region: Option<String>,

    /// Do not check signatures (requests need no Authorization header; the
    /// access key id, when readable, still names the caller).
    #[arg(long)]
    pub no_auth: bool,

    /// JSON file merged into the defaults: products, customers, licenses,
    /// registration_tokens, credentials, register_usage_error, signing_key,
    /// replace_defaults. See emulator/README.md.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Inject faults (repeatable), e.g. throttle:2, internal:fraction=0.2,
    /// delay:count=1,delay_ms=2000,operation=MeterUsage, skew:600.
    #[arg(long = "fault", value_name = "MODE[:SPEC]", value_parser = Fault::parse_cli)]
    pub faults: Vec<Fault>,

    /// Shift the emulator clock by this many seconds (negative: behind).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub clock_offset: i64,

    /// Pin the emulator clock at this instant, RFC 3339 in UTC
    /// (2026-12-01T06:00:00Z) or Unix seconds; it stands still there (plus
    /// --clock-offset) until changed through POST /__mpm/clock or reset.
    #[arg(long, value_name = "TIME", value_parser = parse_clock_now)]
    pub clock_now: Option<i64>,

    /// Append accepted records to this JSON Lines file and reload it at
    /// start, so idempotency survives restarts.
    #[arg(long, value_name = "PATH")]
    pub ledger_file: Option<PathBuf>,

    /// Log one line per request to stderr.
    #[arg(long)]
    pub verbose: bool,

    /// How RegisterUsage signs its JWT: rs256 (default; the test key pair whose
    /// public key GET /__mpm/public-key and /__mpm/jwks.json serve) or hs256 (HMAC
    /// with the config's shared signing_key).
    #[arg(long, value_name = "ALG", value_enum)]
    pub signing_alg: Option<SigningAlg>,

    /// Answer ThrottlingException beyond N requests a second per account and region (a token
    /// bucket on real time, AWS's quota is 10); 0 (default): no limit. Also POST /__mpm/rate_limit.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate_limit: u32,
}

/// The prefix of the environment variable of each option: `--clock-now` is also
/// `MPM_EMULATOR_CLOCK_NOW`. An option on the command line wins over its variable.
pub const ENV_PREFIX: &str = "MPM_EMULATOR_";

/// `MPM_EMULATOR_CLOCK_NOW` for `clock-now`.
pub fn env_name(long: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        long.replace('-', "_").to_ascii_uppercase()
    )
}

impl Cli {
    /// The command with every option also read from its environment variable
    /// ([`env_name`]). Repeatable options take several values from one variable:
    /// `MPM_EMULATOR_CREDENTIALS` split at ',', `MPM_EMULATOR_FAULT` at ';'. Flags take
    /// `true`/`false` (also 1/0, yes/no, on/off).
    pub fn command_with_env() -> clap::Command {
        use clap::CommandFactory;
        Cli::command().mut_args(|a| {
            let Some(long) = a.get_long().map(str::to_owned) else {
                return a;
            };
            if long == "help" || long == "version" {
                return a;
            }
            let name: &'static str = Box::leak(env_name(&long).into_boxed_str());
            let a = a.env(name);
            match long.as_str() {
                "credentials" => a.value_delimiter(','),
                "fault" => a.value_delimiter(';'),
                _ => a,
            }
        })
    }

    /// Parses the command line and the `MPM_EMULATOR_*` environment.
    pub fn parse_with_env() -> Cli {
        use clap::FromArgMatches;
        let matches = Cli::command_with_env().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

fn parse_clock_now(s: &str) -> Result<i64, String> {
    crate::timefmt::parse_instant_millis(s).ok_or_else(|| {
        format!("expected RFC 3339 in UTC (2026-12-01T06:00:00Z) or Unix seconds, got '{s}'")
    })
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

impl Cli {
    pub fn into_options(self) -> Result<Options, String> {
        let mut world = World::defaults();
        for c in &self.credentials {
            world.credentials.insert(c.access_key_id.clone(), c.clone());
        }
        if let Some(path) = &self.config {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let patch: ConfigPatch = serde_json::from_str(&text)
                .map_err(|e| format!("bad config {}: {e}", path.display()))?;
            world.apply(patch);
        }
        if let Some(a) = self.signing_alg {
            world.signing_alg = a;
        }
        if world.credentials.is_empty() {
            let c = World::default_credential();
            world.credentials.insert(c.access_key_id.clone(), c);
        }
        Ok(Options {
            settings: Settings {
                auth: !self.no_auth,
                region: self.region,
                verbose: self.verbose,
            },
            world,
            ledger_file: self.ledger_file,
            faults: self.faults,
            clock_offset_seconds: self.clock_offset,
            clock_now_ms: self.clock_now,
            rate_limit_per_second: self.rate_limit,
        })
    }
}
