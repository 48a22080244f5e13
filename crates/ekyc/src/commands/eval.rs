//! `ekyc eval ...`: accuracy tables on labelled folders.

use clap::Subcommand;

use crate::commands::eval_faces::{self, EvalFacesArgs};

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Face verification on DIR/pairs.csv (a,b,same): TAR at FAR, EER, failures to enrol, ROC.
    Faces(EvalFacesArgs),
}

pub fn run(cmd: EvalCommand) -> anyhow::Result<()> {
    match cmd {
        EvalCommand::Faces(args) => eval_faces::run(args),
    }
}
