//! `buurt`: the command line of buurt.

mod accept;
mod diagnose;
mod fetch;
mod harmonise;
mod hotspots;
mod log_lines;
mod parse_errors;
mod peers;
mod progress;
mod regions;
mod serve;
mod tiles;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

/// mimalloc rather than the system's allocator: with glibc's, `buurt serve` grew from 441 to
/// 720 MB over 20 reloads (each reload builds the new atlas beside the old one, on other
/// threads, and the freed memory stayed with glibc's per-thread arenas); mimalloc returns
/// freed pages to the system.
///
/// Version 2 and no transparent huge pages (features in the workspace's Cargo.toml): with
/// mimalloc 3's defaults a flood of distinct tile queries held 500–585 MB, because freed pages
/// wait a second before they go back and `madvise(MADV_HUGEPAGE)` makes the kernel keep whole
/// 2 MiB pages for the few live blocks in them; with these, 320 MB, at the same speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// buurt: the diagnose behind a wijkpact, from CBS and RIVM open data.
#[derive(Debug, Parser)]
#[command(name = "buurt", version, about)]
struct Cli {
    /// The data directory (default: $BUURT_DATA, else ../shared/data).
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Where the atlas cache lives (default: $BUURT_CACHE, else .buurt-cache).
    #[arg(long, global = true, value_name = "DIR", env = "BUURT_CACHE")]
    cache: Option<PathBuf>,
    /// Hide progress bars.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and check every dataset; report rows, regions, years, missing cells and join coverage.
    Validate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// List regions (code, name, level, wijk, gemeente, indeling, area, centroid).
    Regions {
        /// Only regions within this code (e.g. GM0344, WK034405).
        #[arg(long, value_name = "CODE")]
        within: Option<String>,
        /// Only this level.
        #[arg(long, value_enum, default_value_t = LevelArg::Buurt)]
        level: LevelArg,
        /// The indeling (classification year); default: the newest one of each gemeente.
        #[arg(long)]
        indeling: Option<u16>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
        format: TableFormat,
    },
    /// The diagnose of a buurt, wijk or gemeente (or of every region within one).
    Diagnose {
        /// Region code, e.g. WK034405 (Utrecht Oost) or BU03440511.
        code: Option<String>,
        /// Instead of one region: every region of --level within this code.
        #[arg(long, value_name = "CODE", conflicts_with = "code")]
        within: Option<String>,
        /// The level for --within.
        #[arg(long, value_enum, default_value_t = LevelArg::Buurt)]
        level: LevelArg,
        /// Show each indicator at its latest year up to this one.
        #[arg(long)]
        year: Option<u16>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ProfileFormat::Json)]
        format: ProfileFormat,
        /// For --format csv: rfc4180 (`,`, decimal point) or nl (Dutch Excel: `;`, decimal
        /// comma, UTF-8 byte order mark).
        #[arg(long, value_enum, default_value_t = CsvDialectArg::Rfc4180)]
        csv_dialect: CsvDialectArg,
        /// Write to this file instead of standard output (xlsx and pdf refuse a terminal).
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Hot spots: global and local Moran's I (LISA, as PySAL's esda) of an indicator over the
    /// buurten or wijken within a region, on queen contiguity of their polygons. Columns: code,
    /// value, local_i, z (of local_i against its permutations), p_value (conditional
    /// permutations), cluster (high-high, low-low, high-low, low-high, not-significant); the
    /// JSON adds the global I with its p-value, islands and the regions left out.
    Hotspots {
        /// The area: a gemeente or wijk code (e.g. GM0344), or NL00 for all of Nederland.
        #[arg(long, value_name = "CODE")]
        within: String,
        /// The level of the regions analysed.
        #[arg(long, value_enum, default_value_t = LevelArg::Buurt)]
        level: LevelArg,
        /// The indicator id (e.g. eenzaam_65plus).
        #[arg(long, value_name = "ID")]
        indicator: String,
        /// The year of the values.
        #[arg(long)]
        year: u16,
        /// Random permutations for the pseudo p-values.
        #[arg(long, default_value_t = 999)]
        permutations: usize,
        /// Seed of the permutations (the same seed gives the same p-values).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Significance level of the cluster labels.
        #[arg(long, default_value_t = 0.05)]
        alpha: f64,
        /// Control the false discovery rate (Benjamini-Hochberg) instead of testing each
        /// region at --alpha.
        #[arg(long)]
        fdr: bool,
        /// Snapping tolerance of the contiguity, in metres.
        #[arg(long, value_name = "M", default_value_t = buurt_diagnose::stats::weights::DEFAULT_TOLERANCE_M)]
        tolerance: f64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
        format: TableFormat,
    },
    /// Vergelijkbare buurten: the regions of the same level most like a region on a
    /// standardised profile (default: the demografie and zorgbehoefte headline indicators),
    /// across gemeenten where the data allow. CSV columns: code, name, gemeente, distance (root
    /// mean square of the z differences), shared (indicators both have), missing, and
    /// largest_difference; the JSON adds each indicator's part and what the comparison rests on.
    Peers {
        /// Region code (buurt, wijk or gemeente), e.g. WK030705.
        code: String,
        /// How many peers.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Indicator ids, comma-separated (default: the headline indicators of demografie and
        /// zorgbehoefte that are not counts).
        #[arg(long, value_name = "IDS")]
        indicators: Option<String>,
        /// Values up to this year (default: the newest of each indicator).
        #[arg(long)]
        year: Option<u16>,
        /// Only peers within this region (e.g. GM0344); default: all of Nederland.
        #[arg(long, value_name = "CODE")]
        within: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
        format: TableFormat,
    },
    /// Harmonise across indelingen: carry the values of the wijken or buurten of one indeling
    /// to those of another by areal interpolation (as PySAL's tobler `area_interpolate`):
    /// counts split by area share, rates and means as population-weighted means where the
    /// source year counts the population (else area-weighted). Columns: code, name, indicator,
    /// year, value, missing_reason, method, weight, coverage (share of the target covered by
    /// the sources used), missing_share, sources (CODE:share;…), dataset; the JSON adds the
    /// intersection table and the areas.
    Harmonise {
        /// The indeling the values are on (e.g. 2021).
        #[arg(long)]
        from: u16,
        /// The indeling to carry them to (e.g. 2022).
        #[arg(long)]
        to: u16,
        /// The gemeente (e.g. GM0034).
        #[arg(long, value_name = "CODE")]
        within: String,
        /// Wijk or buurt.
        #[arg(long, value_enum, default_value_t = LevelArg::Wijk)]
        level: LevelArg,
        /// One indicator id (default: every indicator with values on --from).
        #[arg(long, value_name = "ID")]
        indicator: Option<String>,
        /// One year of the values (default: every year on --from).
        #[arg(long)]
        year: Option<u16>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
        format: TableFormat,
    },
    /// Print the OpenAPI 3.1 document of the map service (what `buurt serve` answers at
    /// /openapi.json), e.g. to generate a client or to validate the contract; needs no data.
    Openapi,
    /// Serve vector tiles and the JSON API (see /openapi.json) over HTTP.
    Serve {
        /// Address to listen on. SIGHUP reloads the data; a reload that fails validation keeps
        /// serving the data already loaded.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// A MapLibre style URL the web viewer draws under the choropleth as a base map (else
        /// $BUURT_BASE_STYLE; without one the viewer shows only the service's own layers).
        #[arg(long, value_name = "URL", env = "BUURT_BASE_STYLE")]
        base_style: Option<String>,
        /// Memory for rendered tiles, in MiB (least recently used tiles go first; 0 renders
        /// every request anew).
        #[arg(long, value_name = "MIB", default_value_t = 64)]
        tile_cache_mb: usize,
        /// Serving threads; each keeps the connections handed to it (default: one per core).
        #[arg(long, value_name = "N")]
        workers: Option<std::num::NonZeroUsize>,
        /// The base URL clients reach the service under (e.g. https://kaart.example.nl), which
        /// TileJSON puts in front of its tile URLs; never taken from a request's Host header.
        /// Default: http:// and the listening address.
        #[arg(long, value_name = "URL", env = "BUURT_PUBLIC_URL")]
        public_url: Option<String>,
        /// Close a connection on which nothing is read or written for this many seconds (an
        /// idle keep-alive, a request head sent a byte at a time, a response not read), so that
        /// idle connections cannot use up the file descriptors; 0: never. Longer than the 30-s
        /// limit on a request.
        #[arg(long, value_name = "SECS", default_value_t = 60)]
        idle_timeout: u64,
        /// Connections open at most. At the limit, connections idle for a second or more are
        /// closed to make room, and a new one gets 503 when none is. Default: the file
        /// descriptor limit (`ulimit -n`) less an eighth (at least 64) kept for the service.
        #[arg(long, value_name = "N")]
        max_connections: Option<std::num::NonZeroUsize>,
        /// Profiles, area diagnoses, peers, hot spots and harmonisation computed at once, off
        /// the serving threads (default: one fewer than the cores, at least one).
        #[arg(long, value_name = "N")]
        compute_threads: Option<std::num::NonZeroUsize>,
        /// Such requests waiting for a compute thread; one more gets 503 with Retry-After.
        #[arg(long, value_name = "N", default_value_t = 64)]
        compute_queue: usize,
        /// Memory for computed profiles, in MiB (one per region and year, kept until the data
        /// are reloaded or the memory is needed; 0 computes every request anew).
        #[arg(long, value_name = "MIB", default_value_t = 64)]
        profile_cache_mb: usize,
    },
    /// Vector tiles to files.
    Tiles {
        #[command(subcommand)]
        command: TilesCommand,
    },
    /// Download one gemeente's data (CBS kwb, RIVM 50090NED, PDOK boundaries) into a folder
    /// that --data reads; files already complete are kept, so a second run resumes.
    Fetch(fetch::Args),
}

#[derive(Debug, Subcommand)]
enum TilesCommand {
    /// Write the map's layers with indicator values to PMTiles, MBTiles or GeoJSON (WGS84).
    Export {
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// File format (default: from the extension of --out, else pmtiles).
        #[arg(long, value_enum)]
        format: Option<tiles::ExportFormat>,
        /// Lowest zoom (archives only).
        #[arg(long, default_value_t = 0)]
        minzoom: u8,
        /// Highest zoom, at most 16 (archives only).
        #[arg(long, default_value_t = 14)]
        maxzoom: u8,
        /// Comma-separated layers: gemeente, wijk, buurt.
        #[arg(long, value_delimiter = ',', default_value = "gemeente,wijk,buurt")]
        layers: Vec<String>,
        /// Comma-separated indicator ids (default: the catalogue's headline indicators).
        #[arg(long)]
        indicators: Option<String>,
        /// Show each indicator at its latest year up to this one (default: the latest year).
        #[arg(long)]
        year: Option<u16>,
        /// Comma-separated indicator ids whose LISA cluster (`<id>_cluster`) each feature
        /// carries, as `buurt serve`'s `?clusters=` (default: none).
        #[arg(long)]
        clusters: Option<String>,
        /// Only regions within this code (e.g. GM0344); default: all of Nederland.
        #[arg(long, value_name = "CODE")]
        within: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProfileFormat {
    Json,
    Csv,
    Md,
    /// An Excel workbook: an overview sheet and a sheet per theme.
    Xlsx,
    /// A printable A4 PDF with a location map and trend lines.
    Pdf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CsvDialectArg {
    Rfc4180,
    Nl,
}

impl From<CsvDialectArg> for buurt_diagnose::diagnose::csv_export::CsvDialect {
    fn from(d: CsvDialectArg) -> Self {
        match d {
            CsvDialectArg::Rfc4180 => Self::Rfc4180,
            CsvDialectArg::Nl => Self::Nl,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TableFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LevelArg {
    Gemeente,
    Wijk,
    Buurt,
}

impl From<LevelArg> for buurt_core::Level {
    fn from(l: LevelArg) -> Self {
        match l {
            LevelArg::Gemeente => Self::Gemeente,
            LevelArg::Wijk => Self::Wijk,
            LevelArg::Buurt => Self::Buurt,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BUURT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,buurt_server=info")),
        )
        .with_writer(log_lines::Stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Fetching makes a data directory; it needs none.
    let command = match cli.command {
        Command::Fetch(args) => {
            fetch::run(args, cli.quiet)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&buurt_server::openapi::document())?
            );
            return Ok(ExitCode::SUCCESS);
        }
        other => other,
    };
    let data_dir = buurt_io::paths::resolve_data_dir(cli.data.as_deref())?;
    let cache_dir = cli
        .cache
        .clone()
        .unwrap_or_else(|| PathBuf::from(".buurt-cache"));
    let progress = progress::Bar::new(cli.quiet);
    match command {
        Command::Validate { format } => validate::run(&data_dir, format, &progress),
        Command::Regions {
            within,
            level,
            indeling,
            format,
        } => {
            let within = within
                .map(|w| w.parse::<buurt_core::RegionCode>())
                .transpose()
                .context("--within")?;
            let atlas = open_atlas(&data_dir, &cache_dir, &progress)?;
            regions::run(&atlas, within, level.into(), indeling, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diagnose {
            code,
            within,
            level,
            year,
            format,
            csv_dialect,
            out,
        } => {
            let atlas = open_atlas(&data_dir, &cache_dir, &progress)?;
            diagnose::run(
                &atlas,
                &diagnose::Query {
                    code: code.as_deref(),
                    within: within.as_deref(),
                    level: level.into(),
                    year,
                },
                &diagnose::Output {
                    format,
                    csv_dialect: csv_dialect.into(),
                    path: out.as_deref(),
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Hotspots {
            within,
            level,
            indicator,
            year,
            permutations,
            seed,
            alpha,
            fdr,
            tolerance,
            format,
        } => {
            let atlas = open_atlas(&data_dir, &cache_dir, &progress)?;
            let query = hotspots::Query {
                within: &within,
                level: level.into(),
                indicator: &indicator,
                year,
                options: buurt_diagnose::diagnose::hotspots::HotspotOptions {
                    permutations,
                    seed,
                    alpha,
                    fdr,
                    tolerance_m: tolerance,
                },
            };
            hotspots::run(&atlas, &query, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Peers {
            code,
            k,
            indicators,
            year,
            within,
            format,
        } => {
            let atlas = open_atlas(&data_dir, &cache_dir, &progress)?;
            peers::run(
                &atlas,
                &code,
                k,
                indicators.as_deref(),
                year,
                within.as_deref(),
                format,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Harmonise {
            from,
            to,
            within,
            level,
            indicator,
            year,
            format,
        } => {
            let atlas = open_atlas(&data_dir, &cache_dir, &progress)?;
            let query = harmonise::Query {
                from,
                to,
                within: &within,
                level: level.into(),
                indicator: indicator.as_deref(),
                year,
            };
            harmonise::run(&atlas, &query, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            base_style,
            tile_cache_mb,
            workers,
            public_url,
            idle_timeout,
            max_connections,
            compute_threads,
            compute_queue,
            profile_cache_mb,
        } => {
            // Checked before the atlas is opened: a typo costs no start-up.
            let public_url = public_url
                .map(|u| u.parse::<buurt_server::PublicUrl>())
                .transpose()?;
            let catalogue = buurt_core::Catalogue::builtin()?;
            let (atlas, status) =
                buurt_diagnose::atlas::open(&data_dir, Some(&cache_dir), catalogue, &progress)?;
            tracing::info!(?status, "atlas opened and indexed");
            let viewer = buurt_server::ViewerConfig {
                base_style_url: base_style,
            };
            let options = serve::Options {
                addr,
                viewer,
                tile_cache_bytes: tile_cache_mb << 20,
                workers: workers.map_or_else(
                    || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
                    std::num::NonZero::get,
                ),
                public_url,
                idle_timeout: (idle_timeout > 0)
                    .then(|| std::time::Duration::from_secs(idle_timeout)),
                max_connections: max_connections.map(std::num::NonZero::get),
                compute: buurt_server::PoolSize {
                    threads: compute_threads.map_or(
                        buurt_server::PoolSize::compute_default().threads,
                        std::num::NonZero::get,
                    ),
                    queue: compute_queue,
                },
                profile_cache_bytes: profile_cache_mb << 20,
            };
            serve::run(atlas, options, &data_dir, &cache_dir)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fetch(_) | Command::Openapi => unreachable!("handled above"),
        Command::Tiles {
            command:
                TilesCommand::Export {
                    out,
                    format,
                    minzoom,
                    maxzoom,
                    layers,
                    indicators,
                    year,
                    clusters,
                    within,
                },
        } => {
            let args = tiles::ExportArgs {
                out,
                format,
                min_zoom: minzoom,
                max_zoom: maxzoom,
                layers,
                indicators,
                year,
                clusters,
                within,
            };
            let checked = tiles::check(&args)?;
            let atlas = open_atlas(&data_dir, &cache_dir, &progress)?;
            tiles::run(atlas, &args, &checked, cli.quiet)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The atlas from the cache when it is fresh, else built from the data and cached.
fn open_atlas(
    data_dir: &std::path::Path,
    cache_dir: &std::path::Path,
    progress: &progress::Bar,
) -> anyhow::Result<buurt_diagnose::Atlas> {
    let catalogue = buurt_core::Catalogue::builtin()?;
    let (atlas, status) =
        buurt_diagnose::atlas::open(data_dir, Some(cache_dir), catalogue, progress)?;
    tracing::info!(?status, "atlas opened");
    Ok(atlas)
}
