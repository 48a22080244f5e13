//! `ekyc compare A B`: the face comparison a `CompareFace` call runs, on two files.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use serde_json::json;

use ekyc_face::{calibration, distance};

use crate::commands::faces::{self, Described};
use crate::settings::CommonArgs;

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    common: CommonArgs,
    a: PathBuf,
    b: PathBuf,
    #[arg(long)]
    json: bool,
}

fn face_json(d: &Described) -> serde_json::Value {
    match &d.face {
        None => json!({"image": [d.width, d.height], "face": null, "ms": d.times}),
        Some((face, _)) => json!({
            "image": [d.width, d.height],
            "face": {
                "box": [face.bbox.x1, face.bbox.y1, face.bbox.x2, face.bbox.y2],
                "size_px": face.bbox.width().min(face.bbox.height()),
                "score": face.score,
                "landmarks": face.landmarks,
            },
            "ms": d.times,
        }),
    }
}

pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let config = args.common.load()?;
    let models = faces::load(&config)?;
    let a = faces::describe_file(&models, &config, &args.a)?;
    let b = faces::describe_file(&models, &config, &args.b)?;
    let (Some((_, da)), Some((_, db))) = (&a.face, &b.face) else {
        let which = if a.face.is_none() { &args.a } else { &args.b };
        bail!("no face found in {}", which.display());
    };
    let d = distance(da, db);
    let out = json!({
        "Sim": calibration::sim(d),
        "Score": calibration::iai_score(d),
        "distance": d,
        "far_estimate": calibration::far(d),
        "same_person_at_sim_70": calibration::sim(d) >= 70.0,
        "a": face_json(&a),
        "b": face_json(&b),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "Sim {:.2} (faceid scale; ≥ 70 ≈ FAR 0.1 %)",
            calibration::sim(d)
        );
        println!(
            "Score {:.2} (iai scale; ≥ 40 ≈ FAR 0.1 %)",
            calibration::iai_score(d)
        );
        println!("distance {d:.4}, estimated FAR {:.2e}", calibration::far(d));
        for (name, x) in [("A", &a), ("B", &b)] {
            let t = x.times;
            println!(
                "{name}: {}×{}, ms decode {:.1} detect {:.1} align {:.1} embed {:.1}",
                x.width, x.height, t.decode_ms, t.detect_ms, t.align_ms, t.embed_ms
            );
        }
    }
    Ok(())
}
