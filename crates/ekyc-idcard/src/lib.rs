//! Identity-card fronts read from general text lines ([`ekyc_doc::LineReader`]): the Hong Kong
//! identity card (`HKIDCardOCR`) and the Malaysian MyKad family (`MLIDCardOCR`).
//!
//! The layout rules follow public descriptions of the cards; they were verified only on
//! synthetic cards (`tools/cards/render_cards.py`), as no licensed specimens were available.
//!
//! - [`HkidNumber`]: the HKID number and its mod-11 check character.
//! - [`MykadNumber`]: the 12-digit number as a date, a place-of-birth code and the sex digit.
//! - [`extract_hkid`], [`extract_mykad`]: fields from text lines by shape and labels.
//! - [`CardReader`]: the above on an image in any of the four orientations.
//! - [`VizReader`]: a passport's visual zone, anchored on its MRZ ([`passport_infos`]).

mod hkid;
mod hkid_number;
mod mykad;
mod mykad_number;
mod passport_viz;
mod passport_viz_dates;
mod passport_viz_extract;
mod passport_viz_lines;
mod passport_viz_looks;
mod passport_viz_mismatch;
mod passport_viz_text;
mod reader;
mod response;
mod text;

pub use hkid::{extract_hkid, HkidCard};
pub use hkid_number::HkidNumber;
pub use mykad::{extract_mykad, MykadCard};
pub use mykad_number::{place_of_birth, MykadNumber};
pub use passport_viz::{
    extract_viz, passport_infos, viz_region, MrzAnchor, VizFields, VizMismatch, VizReader,
    VizReading, VizStart, VizStats, LABEL_RECOGNIZER_MODEL,
};
pub use passport_viz_dates::{find_dates, PrintedDate};
pub use reader::{CardError, CardReader, CardReading};
pub use response::{hkid_response, mykad_response};
