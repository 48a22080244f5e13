//! `ekyc bench ocr --profile`: where one warm MRZ read and one visual-zone read spend their
//! time. Every net call goes through a [`TimedModel`] that records its input size, wall and
//! process CPU time; what the calls do not account for is the Rust side (crops, resizing,
//! tensor filling, map post-processing, CTC decoding, field extraction).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use ekyc_doc::{
    DetectorOptions, LocatedMrz, MrzReader, ReaderOptions, TextDetector, TextRecognizer,
    DETECTOR_MODEL,
};
use ekyc_infer::{Engine, InferError, Model, NamedTensor, SessionOptions};
use image::RgbImage;

use super::cpu_ms;

/// One net call.
#[derive(Debug, Clone)]
struct Call {
    model: String,
    /// Input height × width.
    size: (usize, usize),
    started: Instant,
    wall_ms: f64,
    cpu_ms: f64,
}

/// A model that logs its calls.
struct TimedModel {
    inner: Arc<dyn Model>,
    log: Arc<Mutex<Vec<Call>>>,
}

impl Model for TimedModel {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let shape = inputs.first().map(|t| t.data.shape().to_vec());
        let size = match shape.as_deref() {
            Some([.., h, w]) => (*h, *w),
            _ => (0, 0),
        };
        let (start, cpu0) = (Instant::now(), cpu_ms());
        let out = self.inner.run(inputs);
        let call = Call {
            model: self.inner.name().to_string(),
            size,
            started: start,
            wall_ms: start.elapsed().as_secs_f64() * 1000.0,
            cpu_ms: cpu_ms() - cpu0,
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(call);
        }
        out
    }
}

/// Readers whose nets log into one call list.
struct Timed {
    log: Arc<Mutex<Vec<Call>>>,
    mrz: MrzReader,
    viz: ekyc_idcard::VizReader,
    workers: usize,
}

impl Timed {
    fn new(engine: &Engine) -> anyhow::Result<Timed> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let wrap = |name: &str| -> anyhow::Result<Arc<dyn Model>> {
            Ok(Arc::new(TimedModel {
                inner: engine.model(name)?,
                log: log.clone(),
            }))
        };
        let rec_name = ekyc_doc::LATIN_RECOGNIZER_MODEL;
        let rec_path = engine.session(rec_name)?.path().to_path_buf();
        let recognizer = || -> anyhow::Result<TextRecognizer> {
            Ok(TextRecognizer::with_onnx_dictionary(
                wrap(rec_name)?,
                &rec_path,
            )?)
        };
        // As `MrzReader::from_engine`: the first band's lines on a pool of single-threaded
        // sessions, the others on the 2-thread session.
        let one_thread = SessionOptions { intra_threads: 1 };
        let one_thread_pool = |name: &str, copies: usize| -> anyhow::Result<Arc<dyn Model>> {
            Ok(Arc::new(TimedModel {
                inner: Arc::new(engine.session(name)?.pooled(copies, &one_thread)?),
                log: log.clone(),
            }))
        };
        let lines = TextRecognizer::with_onnx_dictionary(one_thread_pool(rec_name, 2)?, &rec_path)?;
        let mrz = MrzReader::new(
            TextDetector::new(wrap(DETECTOR_MODEL)?, DetectorOptions::default()),
            recognizer()?,
            ReaderOptions::default(),
        )
        .with_line_pool(lines);
        // As `VizReader::from_engine`: a pool of single-threaded recogniser sessions.
        let workers = ekyc_idcard::VizReader::default_workers();
        let pool = ekyc_idcard::VizReader::recognizer_pool(engine, workers)?;
        let pooled = Arc::new(TimedModel {
            inner: pool.clone(),
            log: log.clone(),
        });
        let viz = ekyc_idcard::VizReader::with_workers(
            TextDetector::new(
                one_thread_pool(DETECTOR_MODEL, 1)?,
                ekyc_idcard::VizReader::detector_options(),
            ),
            TextRecognizer::with_onnx_dictionary(pooled, pool.path())?,
            workers,
        );
        let viz = match ekyc_idcard::VizReader::label_pool(engine, workers)? {
            Some(small) => {
                let timed = Arc::new(TimedModel {
                    inner: small.clone(),
                    log: log.clone(),
                });
                viz.with_label_recognizer(TextRecognizer::with_onnx_dictionary(
                    timed,
                    small.path(),
                )?)
            }
            None => viz,
        };
        Ok(Timed {
            log,
            mrz,
            viz,
            workers,
        })
    }

    fn take(&self) -> Vec<Call> {
        self.log
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// Print the per-call breakdown of one warm MRZ read and one warm visual-zone read of `image`,
/// and of the MRZ search giving up on `no_mrz` (a page without MRZ).
pub fn run(engine: &Engine, image: &RgbImage, no_mrz: &RgbImage) -> anyhow::Result<()> {
    let timed = Timed::new(engine)?;
    let workers = timed.workers;
    // Warm up both readers (first runs allocate).
    let located = timed.mrz.read_located(image)?;
    timed.viz.read(image, &located)?;
    timed.take();

    let (start, cpu0) = (Instant::now(), cpu_ms());
    let located: LocatedMrz = timed.mrz.read_located(image)?;
    let total = (start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu0);
    print_calls("MRZ read", &timed.take(), start, total);

    let (start, cpu0) = (Instant::now(), cpu_ms());
    let crop = ekyc_idcard::VizReader::region_crop(image, &located.corners);
    let crop_ms = (start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu0);
    let size = crop.as_ref().map_or((0, 0), |c| c.dimensions());
    let (viz_start, cpu0) = (Instant::now(), cpu_ms());
    let reading = timed.viz.read(image, &located)?;
    let total = (viz_start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu0);
    println!();
    println!(
        "region cut ({}×{} px): {:.1} ms wall / {:.1} ms CPU (included below)",
        size.0, size.1, crop_ms.0, crop_ms.1
    );
    let s = &reading.stats;
    println!(
        "boxes detected {} / read {} / read twice {}; recogniser columns {} (+ {} label recogniser columns); detection step {:.1} ms, recognition step {:.1} ms (wall)",
        s.boxes_detected, s.boxes_read, s.full_reads, s.net_columns, s.label_columns, s.detect_ms, s.recognize_ms
    );
    print_calls("VIZ read", &timed.take(), viz_start, total);
    if workers > 1 {
        println!(
            "(the recogniser calls ran on {workers} threads at once: a call's CPU column is the \
             whole process's, so overlapping calls count each other's; the totals are right)"
        );
    }
    println!();
    println!("lines kept (region px: centre, width × height; confidence):");
    for l in &reading.lines {
        let r = &l.rect;
        println!(
            "  ({:.0},{:.0}) {:.0}×{:.0} {:.2} {:?}",
            r.center.x, r.center.y, r.width, r.height, l.confidence, l.text
        );
    }
    println!("fields: {:?}", reading.fields);

    // As the server reads a passport: the visual zone's region cut and detection start on
    // another thread once the MRZ band is found, beside the MRZ line reads.
    let (start, cpu0) = (Instant::now(), cpu_ms());
    let (located, started) = timed.viz.read_mrz(&timed.mrz, image)?;
    let overlapped = timed.viz.read_started(image, &located, started)?;
    let total = (start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu0);
    print_calls(
        "MRZ + VIZ, VIZ detection beside the MRZ lines",
        &timed.take(),
        start,
        total,
    );
    if overlapped.fields != reading.fields {
        anyhow::bail!(
            "the overlapped read gave other fields: {:?}",
            overlapped.fields
        );
    }

    // The search on a page without MRZ, warm: every look it takes before giving up.
    let _ = timed.mrz.read_located(no_mrz);
    timed.take();
    let (start, cpu0) = (Instant::now(), cpu_ms());
    let result = timed.mrz.read_located(no_mrz);
    let total = (start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu0);
    let what = match &result {
        Err(e) => format!("page without MRZ ({e})"),
        Ok(l) => format!("page without MRZ (read {:?}!)", l.reading.lines),
    };
    print_calls(&what, &timed.take(), start, total);
    Ok(())
}

fn print_calls(what: &str, calls: &[Call], t0: Instant, (wall, cpu): (f64, f64)) {
    println!();
    println!(
        "{what}: {wall:.1} ms wall / {cpu:.1} ms CPU, {} net calls",
        calls.len()
    );
    println!();
    println!("| # | model | input H×W | starts at ms | wall ms | CPU ms |");
    println!("|---:|---|---|---:|---:|---:|");
    for (i, c) in calls.iter().enumerate() {
        println!(
            "| {} | {} | {}×{} | {:.1} | {:.1} | {:.1} |",
            i + 1,
            c.model,
            c.size.0,
            c.size.1,
            c.started.saturating_duration_since(t0).as_secs_f64() * 1000.0,
            c.wall_ms,
            c.cpu_ms
        );
    }
    let sum = |pick: fn(&Call) -> bool| -> (f64, f64, usize, usize) {
        calls
            .iter()
            .filter(|c| pick(c))
            .fold((0.0, 0.0, 0, 0), |a, c| {
                (a.0 + c.wall_ms, a.1 + c.cpu_ms, a.2 + 1, a.3 + c.size.1)
            })
    };
    let det = sum(|c| c.model == DETECTOR_MODEL);
    let rec = sum(|c| c.model != DETECTOR_MODEL);
    println!();
    println!(
        "detector net: {} calls {:.1} ms wall / {:.1} CPU; recogniser net: {} calls, {} columns, {:.1} ms wall / {:.1} CPU; outside the nets: {:.1} ms wall / {:.1} CPU",
        det.2,
        det.0,
        det.1,
        rec.2,
        rec.3,
        rec.0,
        rec.1,
        wall - det.0 - rec.0,
        cpu - det.1 - rec.1
    );
}
