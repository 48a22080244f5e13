//! `ekyc bench ocr`: MRZ reading and document-alarm stage speed on passport photos of 1600×1200
//! made from specimens, and on a photo of a page without MRZ (the reader's worst case: it gives
//! up only after searching).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use ekyc_doc::MrzReader;

use crate::commands::ocr::ModelArgs;

mod profile;

#[derive(Args)]
pub struct BenchOcrArgs {
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Passport page to place on the 1600×1200 photo (default: documents/d025.jpg in
    /// EKYC_TEST_DATA or ../shared/data).
    #[arg(long)]
    image: Option<PathBuf>,
    /// Page without MRZ for the "no MRZ" row (default: documents/d019.jpg, a text page).
    #[arg(long)]
    no_mrz_image: Option<PathBuf>,
    /// Instead of the table: the per-call breakdown (input size, wall and CPU ms of every net
    /// call) of one warm MRZ read and one warm visual-zone read.
    #[arg(long)]
    profile: bool,
    #[command(flatten)]
    models: ModelArgs,
}

fn data_file(name: &str) -> PathBuf {
    let data = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    data.join("documents").join(name)
}

/// The page scaled to 90 % of the photo height on a grey table, as JPEG bytes.
fn passport_photo(path: &Path) -> anyhow::Result<Vec<u8>> {
    let page = image::open(path)
        .with_context(|| format!("opening {}", path.display()))?
        .to_rgb8();
    let (w, h) = (1600u32, 1200u32);
    let scale = (h as f32 * 0.9) / page.height() as f32;
    let (pw, ph) = (
        ((page.width() as f32 * scale) as u32).min(w),
        (page.height() as f32 * scale) as u32,
    );
    let page = image::imageops::resize(&page, pw, ph, image::imageops::FilterType::Triangle);
    let mut photo = image::RgbImage::from_pixel(w, h, image::Rgb([110, 104, 98]));
    image::imageops::overlay(
        &mut photo,
        &page,
        ((w - pw) / 2) as i64,
        ((h - ph) / 2) as i64,
    );
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&photo)?;
    Ok(out)
}

/// CPU time of this process so far (user + system, every thread, including threads that have
/// already ended): on a shared box the wall clock also counts the time other programs held the
/// cores.
pub(crate) fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return f64::NAN;
    }
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

struct Timing {
    median: f64,
    p90: f64,
    cpu_median: f64,
}

/// Wall median and p90, CPU median of `runs` calls of `f`, after one warm-up call.
fn time_ms(runs: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Timing> {
    f()?;
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let (start, cpu0) = (Instant::now(), cpu_ms());
        f()?;
        wall.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu.push(cpu_ms() - cpu0);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let p90 = ((wall.len() as f64 * 0.9).ceil() as usize).clamp(1, wall.len()) - 1;
    Ok(Timing {
        median: wall[wall.len() / 2],
        p90: wall[p90],
        cpu_median: cpu[cpu.len() / 2],
    })
}

fn input_name(jpeg: &[u8], path: &Path) -> String {
    format!(
        "1600×1200 JPEG {:.0} kB with {}",
        jpeg.len() as f64 / 1e3,
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
    )
}

pub fn run(args: &BenchOcrArgs) -> anyhow::Result<()> {
    let path = args.image.clone().unwrap_or_else(|| data_file("d025.jpg"));
    let no_mrz_path = args
        .no_mrz_image
        .clone()
        .unwrap_or_else(|| data_file("d019.jpg"));
    let jpeg = passport_photo(&path)?;
    let no_mrz_jpeg = passport_photo(&no_mrz_path)?;
    if args.profile {
        let limits = ekyc_media::ImageLimits::default();
        let image = ekyc_media::decode_image(&jpeg, &limits)?.image;
        let no_mrz = ekyc_media::decode_image(&no_mrz_jpeg, &limits)?.image;
        return profile::run(&args.models.ocr_engine()?, &image, &no_mrz);
    }
    let reader = args.models.mrz_reader()?;
    let limits = ekyc_media::ImageLimits::default();
    let image = ekyc_media::decode_image(&jpeg, &limits)?.image;
    let no_mrz = ekyc_media::decode_image(&no_mrz_jpeg, &limits)?.image;
    let read = |r: &MrzReader, img: &image::RgbImage| -> anyhow::Result<()> {
        r.read(img)?;
        Ok(())
    };
    let mut rows = Vec::new();
    eprintln!("timing JPEG decoding ...");
    let t = time_ms(args.runs, || {
        ekyc_media::decode_image(&jpeg, &limits)?;
        Ok(())
    })?;
    rows.push(("JPEG decode only", input_name(&jpeg, &path), t));
    eprintln!("timing MRZ reading ...");
    let t = time_ms(args.runs, || read(&reader, &image))?;
    rows.push((
        "MRZ only (find + read + parse)",
        input_name(&jpeg, &path),
        t,
    ));
    eprintln!("timing decode + MRZ ...");
    let t = time_ms(args.runs, || {
        let decoded = ekyc_media::decode_image(&jpeg, &limits)?.image;
        read(&reader, &decoded)
    })?;
    rows.push(("JPEG decode + MRZ", input_name(&jpeg, &path), t));
    // MLIDPassportOCR's reading: the visual zone above the band the MRZ read located, its
    // region cut and detection started beside the MRZ line reads.
    let viz = ekyc_idcard::VizReader::from_engine(&args.models.ocr_engine()?)?;
    let passport = |decoded: &image::RgbImage| -> anyhow::Result<()> {
        let (located, started) = viz.read_mrz(&reader, decoded)?;
        viz.read_started(decoded, &located, started)?;
        Ok(())
    };
    eprintln!("timing decode + MRZ + visual zone ...");
    let t = time_ms(args.runs, || {
        passport(&ekyc_media::decode_image(&jpeg, &limits)?.image)
    })?;
    rows.push((
        "MRZ + VIZ end to end (decode + MRZ + visual zone)",
        input_name(&jpeg, &path),
        t,
    ));
    eprintln!("timing decode + MRZ, then the visual zone ...");
    let t = time_ms(args.runs, || {
        let decoded = ekyc_media::decode_image(&jpeg, &limits)?.image;
        let located = reader.read_located(&decoded)?;
        viz.read(&decoded, &located)?;
        Ok(())
    })?;
    rows.push((
        "MRZ + VIZ one after the other (no overlap)",
        input_name(&jpeg, &path),
        t,
    ));
    // Two requests at once (the server's worst case with 2 cores): wall until both are done.
    // The sessions are shared behind a mutex, so this shows whether multi-threaded operators
    // cost throughput when requests compete for the cores.
    eprintln!("timing two concurrent MRZ + VIZ requests ...");
    let t = time_ms(args.runs, || {
        std::thread::scope(|scope| {
            let request = || -> anyhow::Result<()> {
                passport(&ekyc_media::decode_image(&jpeg, &limits)?.image)
            };
            let other = scope.spawn(request);
            request()?;
            other
                .join()
                .map_err(|_| anyhow::anyhow!("a request thread panicked"))?
        })
    })?;
    rows.push((
        "2 concurrent MRZ + VIZ requests (wall until both done)",
        input_name(&jpeg, &path),
        t,
    ));
    // The visual zone alone, after the MRZ read that locates it.
    let located = reader.read_located(&image)?;
    eprintln!("timing the visual zone alone ...");
    let t = time_ms(args.runs, || {
        viz.read(&image, &located)?;
        Ok(())
    })?;
    rows.push((
        "VIZ only (region cut + detect + read + fields)",
        input_name(&jpeg, &path),
        t,
    ));
    // The alarm stage as MLIDPassportOCR runs it: card region from the MRZ band just read.
    let hints = ekyc_alarms::CardHints {
        mrz: Some(ekyc_alarms::MrzHint {
            corners: located.corners.map(|p| (p.x, p.y)),
            lines: located.reading.lines.len(),
            chars: located
                .reading
                .lines
                .first()
                .map_or(0, |l| l.chars().count()),
        }),
        card: None,
    };
    let config = ekyc_alarms::AlarmConfig::default();
    eprintln!("timing the document alarm stage ...");
    // The photo's JPEG table too, as the server passes it (compression-history cue).
    let cross = ekyc_alarms::CrossChecks {
        jpeg: ekyc_alarms::JpegTrace::from_jpeg(&jpeg),
        ..Default::default()
    };
    let t = time_ms(args.runs, || {
        ekyc_alarms::check_with(&image, &hints, &cross, &config);
        Ok(())
    })?;
    rows.push((
        "document alarms (6 detectors, MRZ excluded)",
        input_name(&jpeg, &path),
        t,
    ));
    eprintln!("timing a page without MRZ ...");
    let t = time_ms(args.runs, || match reader.read(&no_mrz) {
        Err(ekyc_doc::DocError::NoMrz { .. }) => Ok(()),
        Ok(r) => anyhow::bail!("an MRZ was read on the no-MRZ page: {:?}", r.lines),
        Err(e) => Err(e.into()),
    })?;
    rows.push((
        "no MRZ → NoMrz error",
        input_name(&no_mrz_jpeg, &no_mrz_path),
        t,
    ));
    println!(
        "ekyc bench ocr (median and p90 of {} warm runs, {} cores; cpu = process CPU time; {}={})",
        args.runs,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        ekyc_infer::INTRA_THREADS_ENV,
        std::env::var(ekyc_infer::INTRA_THREADS_ENV).unwrap_or_else(|_| "unset".into())
    );
    println!();
    println!("| step | input | median ms | p90 ms | cpu median ms |");
    println!("|---|---|---:|---:|---:|");
    for (name, input, t) in rows {
        println!(
            "| {name} | {input} | {:.1} | {:.1} | {:.1} |",
            t.median, t.p90, t.cpu_median
        );
    }
    Ok(())
}
