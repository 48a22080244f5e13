//! Proof that the fetched runtime + CenterFace really run: faces give a strong, well-placed
//! heatmap peak; a flat grey image does not. Skips (loudly) without the cache or test data.

use std::path::{Path, PathBuf};

use ekyc_infer::ndarray::{Array3, Array4, ArrayD, Axis, Ix4};
use ekyc_infer::{
    default_home, verify, Engine, EntryStatus, Manifest, Model, ModelSession, NamedTensor,
    SessionOptions,
};
use image::{imageops, RgbImage};

const MODEL: &str = "centerface";
/// Side used when the model accepts any input size (CenterFace needs multiples of 32).
const DYNAMIC_SIDE: u32 = 640;

fn data_dir() -> PathBuf {
    match std::env::var_os("EKYC_TEST_DATA") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The engine, or `None` after printing why the test is skipped.
fn engine() -> Option<Engine> {
    let manifest = Manifest::embedded().expect("embedded manifest");
    let Ok(home) = default_home() else {
        eprintln!("SKIP: no cache dir (set EKYC_HOME); run `ekyc models fetch`");
        return None;
    };
    let wanted = [manifest.runtime.name.as_str(), MODEL];
    let missing: Vec<_> = verify(&manifest, &home)
        .into_iter()
        .filter(|r| wanted.contains(&r.name.as_str()) && r.status != EntryStatus::Ok)
        .map(|r| format!("{} ({})", r.name, r.status.label()))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "SKIP: {} not ready in {}: run `ekyc models fetch`",
            missing.join(", "),
            home.display()
        );
        return None;
    }
    let engine = Engine::load(&manifest, &home, &[MODEL], &SessionOptions::default())
        .expect("runtime and model load");
    Some(engine)
}

/// Input H×W: the model's fixed size, or a multiple of 32 near `DYNAMIC_SIDE`.
fn input_size(session: &ModelSession, img: &RgbImage) -> (u32, u32) {
    let shape = &session.inputs()[0].shape;
    assert_eq!(shape.len(), 4, "NCHW input expected, got {shape:?}");
    let (h, w) = (shape[2], shape[3]);
    if h > 0 && w > 0 {
        return (h as u32, w as u32);
    }
    let scale = DYNAMIC_SIDE as f32 / img.width().max(img.height()) as f32;
    let round32 = |v: u32| ((v as f32 * scale / 32.0).ceil() as u32).max(1) * 32;
    (round32(img.height()), round32(img.width()))
}

/// Letterbox `img` into H×W (top-left, black padding) as a 1×3×H×W RGB 0..255 tensor.
fn to_tensor(img: &RgbImage, (h, w): (u32, u32)) -> (ArrayD<f32>, f32) {
    let scale = (w as f32 / img.width() as f32).min(h as f32 / img.height() as f32);
    let rw = ((img.width() as f32 * scale).round() as u32).clamp(1, w);
    let rh = ((img.height() as f32 * scale).round() as u32).clamp(1, h);
    let resized = imageops::resize(img, rw, rh, imageops::FilterType::Triangle);
    let mut input = Array4::<f32>::zeros((1, 3, h as usize, w as usize));
    for (x, y, px) in resized.enumerate_pixels() {
        for c in 0..3 {
            input[[0, c, y as usize, x as usize]] = f32::from(px[c]);
        }
    }
    (input.into_dyn(), scale)
}

/// The strongest detection, decoded the CenterFace way, in original image pixels.
#[derive(Debug)]
struct Peak {
    score: f32,
    /// Heatmap peak position (with its sub-cell offset).
    center: (f32, f32),
    /// x1, y1, x2, y2
    bbox: [f32; 4],
    /// (x, y) of left eye, right eye, nose, left mouth, right mouth
    landmarks: [(f32, f32); 5],
}

fn detect(model: &ModelSession, img: &RgbImage) -> Peak {
    let size = input_size(model, img);
    let (input, scale) = to_tensor(img, size);
    let name = model.inputs()[0].name.clone();
    let outputs = model.run(&[NamedTensor::new(name, input)]).expect("run");
    assert_eq!(outputs.len(), 4, "heatmap, scale, offset, landmarks");
    let get = |i: usize| -> Array3<f32> {
        outputs[i]
            .data
            .view()
            .into_dimensionality::<Ix4>()
            .expect("4-D output")
            .index_axis_move(Axis(0), 0)
            .to_owned()
    };
    let (heat, sc, off, lm) = (get(0), get(1), get(2), get(3));
    assert_eq!(
        heat.shape()[1..],
        [size.0 as usize / 4, size.1 as usize / 4]
    );
    let mut best = (0usize, 0usize, f32::MIN);
    for ((_, y, x), &v) in heat.indexed_iter() {
        if v > best.2 {
            best = (y, x, v);
        }
    }
    let (y, x, score) = best;
    let (bh, bw) = (sc[[0, y, x]].exp() * 4.0, sc[[1, y, x]].exp() * 4.0);
    let cx = (x as f32 + off[[1, y, x]] + 0.5) * 4.0;
    let cy = (y as f32 + off[[0, y, x]] + 0.5) * 4.0;
    let (x1, y1) = ((cx - bw / 2.0).max(0.0), (cy - bh / 2.0).max(0.0));
    let mut landmarks = [(0.0, 0.0); 5];
    for (j, point) in landmarks.iter_mut().enumerate() {
        let lx = lm[[j * 2 + 1, y, x]] * bw + x1;
        let ly = lm[[j * 2, y, x]] * bh + y1;
        *point = (lx / scale, ly / scale);
    }
    // Clamp to the image, as CenterFace's own decoder does (close crops overflow).
    let (w, h) = (img.width() as f32, img.height() as f32);
    Peak {
        score,
        center: (cx / scale, cy / scale),
        bbox: [
            x1 / scale,
            y1 / scale,
            ((x1 + bw) / scale).min(w),
            ((y1 + bh) / scale).min(h),
        ],
        landmarks,
    }
}

fn load_rgb(path: &Path) -> RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("decode {}: {e}", path.display()))
        .to_rgb8()
}

/// The peak must describe a face: a sensible box in the image with eyes above the mouth
/// and all five landmarks inside the (slightly grown) box.
fn assert_face_like(file: &str, img: &RgbImage, peak: &Peak) {
    let [x1, y1, x2, y2] = peak.bbox;
    let (w, h) = (img.width() as f32, img.height() as f32);
    assert!(peak.score > 0.5, "{file}: peak {peak:?}");
    let side = (x2 - x1).min(y2 - y1);
    assert!(side > 0.05 * w.min(h), "{file}: box too small {peak:?}");
    let (gx, gy) = ((x2 - x1) * 0.2, (y2 - y1) * 0.2);
    for &(lx, ly) in &peak.landmarks {
        assert!(
            lx > x1 - gx && lx < x2 + gx && ly > y1 - gy && ly < y2 + gy,
            "{file}: landmark ({lx}, {ly}) outside {peak:?}"
        );
    }
    let (cx, cy) = peak.center;
    assert!(cx > x1 && cx < x2 && cy > y1 && cy < y2, "{file}: {peak:?}");
    let [le, re, _nose, lm, rm] = peak.landmarks;
    assert!(
        le.1.max(re.1) < lm.1.min(rm.1),
        "{file}: eyes below mouth {peak:?}"
    );
    assert!(
        le.0 < re.0 && lm.0 < rm.0,
        "{file}: left/right swapped {peak:?}"
    );
}

fn iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = iw * ih;
    let area = |r: [f32; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    inter / (area(a) + area(b) - inter)
}

#[test]
fn centerface_finds_real_faces_and_not_flat_grey() {
    let faces = data_dir().join("faces/images");
    if !faces.is_dir() {
        eprintln!(
            "SKIP: test data not found at {} (set EKYC_TEST_DATA)",
            faces.display()
        );
        return;
    }
    let Some(engine) = engine() else { return };
    let model = engine.session(MODEL).expect("centerface loaded");
    eprintln!("centerface inputs {:?}", model.inputs());
    eprintln!("centerface outputs {:?}", model.outputs());

    // One face region labelled by hand (x1, y1, x2, y2 in original pixels): the portrait's
    // head from hairline to chin. The peak must sit inside it and the box must overlap it.
    let obama = "face_recognition__obama.jpg";
    let labelled = [320.0, 70.0, 570.0, 400.0];
    let img = load_rgb(&faces.join(obama));
    let peak = detect(&model, &img);
    eprintln!("{obama} {}x{}: {peak:?}", img.width(), img.height());
    let (cx, cy) = peak.center;
    assert!(peak.score > 0.5, "{obama}: weak peak {peak:?}");
    assert!(
        cx > labelled[0] && cx < labelled[2] && cy > labelled[1] && cy < labelled[3],
        "{obama}: peak outside the face {peak:?}"
    );
    assert!(
        iou(peak.bbox, labelled) > 0.5,
        "{obama}: box off the face {peak:?}"
    );
    assert_face_like(obama, &img, &peak);

    for file in [
        "face_recognition__biden.jpg",
        "faceapijs__amy_amy1.jpg",
        "faceapijs__sheldon_sheldon3.jpg",
    ] {
        let img = load_rgb(&faces.join(file));
        let peak = detect(&model, &img);
        eprintln!("{file} {}x{}: {peak:?}", img.width(), img.height());
        assert_face_like(file, &img, &peak);
    }

    let grey = RgbImage::from_pixel(640, 480, image::Rgb([128, 128, 128]));
    let peak = detect(&model, &grey);
    eprintln!("flat grey: {peak:?}");
    assert!(peak.score < 0.2, "grey image peak {}", peak.score);
}

/// A pool of two sessions runs two calls at once and gives the same output as the session it
/// was made from.
#[test]
fn pooled_sessions_run_concurrently_with_the_same_output() {
    let Some(engine) = engine() else { return };
    let session = engine.session(MODEL).expect("loaded");
    let pool = session
        .pooled(2, &SessionOptions { intra_threads: 1 })
        .expect("pool");
    assert_eq!(pool.copies(), 2);
    assert_eq!(pool.inputs(), session.inputs());
    let shape = &session.inputs()[0].shape;
    let side = |d: i64| if d > 0 { d as usize } else { 64 };
    let input = ArrayD::from_shape_fn(vec![1, 3, side(shape[2]), side(shape[3])], |i| {
        ((i[1] * 7 + i[2] * 3 + i[3]) % 255) as f32
    });
    let name = session.inputs()[0].name.clone();
    let run = |m: &dyn Model| {
        m.run(&[NamedTensor::new(&name, input.clone())])
            .expect("run")
            .remove(0)
            .data
    };
    let want = run(session.as_ref());
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| run(&pool));
        let b = run(&pool);
        (a.join().expect("thread"), b)
    });
    for got in [a, b] {
        assert_eq!(got.shape(), want.shape());
        let diff = got
            .iter()
            .zip(want.iter())
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(diff < 1e-3, "pooled output differs by {diff}");
    }
}
