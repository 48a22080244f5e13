//! `ekyc eval ...`: accuracy tables on labelled folders.

use clap::Subcommand;

use crate::commands::eval_alarms::{self, EvalAlarmsArgs};
use crate::commands::eval_cards::{self, EvalCardsArgs};
use crate::commands::eval_documents::{self, EvalDocumentsArgs};
use crate::commands::eval_faces::{self, EvalFacesArgs};
use crate::commands::eval_liveness::{self, EvalLivenessArgs};
use crate::commands::eval_spoof::{self, EvalSpoofArgs};
use crate::commands::eval_viz::{self, EvalVizArgs};

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Face verification on DIR/pairs.csv (a,b,same): TAR at FAR, EER, failures to enrol, ROC.
    Faces(EvalFacesArgs),
    /// MRZ reading on DIR/labels.csv (file,doc_type,mrz,...): exact MRZ, per line and field,
    /// check-digit validity, rejects, false "valid", ms per image.
    Documents(EvalDocumentsArgs),
    /// Liveness on DIR/videos.csv (file,mode,validate_data,expected,notes): confusion per mode,
    /// pass rate of live clips (BPCER), accept rate per attack type (APCER), time per clip.
    Liveness(EvalLivenessArgs),
    /// Document fraud alarms on DIR/labels.csv (file,attack): per-alarm TPR, FPR on clean and
    /// on other attacks at each level, ROC points, confusion, ms per image.
    Alarms(EvalAlarmsArgs),
    /// Reference-photo screen-recapture check (LifePhotoDetectFake) on DIR/labels.csv
    /// (file,label live|spoof[,kind]): TPR, FPR per kind, best TPR at FPR ceilings, ms.
    Spoof(EvalSpoofArgs),
    /// Identity cards (HKID, MyKad) on DIR/labels.csv from tools/cards/render_cards.py:
    /// exact rate per response field, rejects, ms per image.
    Cards(EvalCardsArgs),
    /// Passport visual zone on DIR/viz.csv from tools/documents/generate.py: exact rate per
    /// PassportRecognizeInfos field, MRZ/VIZ disagreements raised; without viz.csv, what was
    /// read on each passport of DIR/labels.csv (for checking by eye).
    Viz(EvalVizArgs),
}

pub fn run(cmd: EvalCommand) -> anyhow::Result<()> {
    match cmd {
        EvalCommand::Faces(args) => eval_faces::run(args),
        EvalCommand::Documents(args) => eval_documents::run(&args),
        EvalCommand::Liveness(args) => eval_liveness::run(&args),
        EvalCommand::Alarms(args) => eval_alarms::run(&args),
        EvalCommand::Spoof(args) => eval_spoof::run(&args),
        EvalCommand::Cards(args) => eval_cards::run(&args),
        EvalCommand::Viz(args) => eval_viz::run(&args),
    }
}
