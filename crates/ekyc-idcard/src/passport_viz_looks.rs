//! The first look at each box of the visual zone, with as little of the large recogniser as
//! the fields allow (see `passport_viz_lines.rs` for the rest of the reading):
//! - boxes are read bottom up, so each value is read before the box just above it, its label:
//!   a label whose value the MRZ explains (a name, the number, the birth or expiry date, a
//!   country code) is not read;
//! - a box with no label above it but a label below (a title, a label whose one-letter value
//!   was dropped as a mark: "Sex") is not read;
//! - every box is first read with the small recogniser ([`VizNets::label_recognizer`], about
//!   a quarter of the large one's CPU per column). Its reading is kept when it is a label, a
//!   value the fields copy from the MRZ (the number, the birth or expiry date, a country code:
//!   the print only has to be found), or an issue date a whole 5 or 10 years (± 1 day) before
//!   the MRZ's expiry. A box under a label of no field (nationality, sex, type) keeps it too,
//!   and so does a box linked to no other (a title) whose reading has no digit and does not
//!   start like a name. Any other box is read again with the large recogniser: names (their
//!   accents are reported as printed, and the small net's were not checked), places, other
//!   dates, and boxes that may be a label the small net misread.

use ekyc_doc::{DocError, RotatedRect, TextLine};
use image::RgbImage;

use crate::passport_viz::MrzAnchor;
use crate::passport_viz_extract::{explained_by_mrz, explanation, term_issue_date, Explains};
use crate::passport_viz_lines::{first_look, gap, starts_like_name, VizNets, VizStats, PREFIX};
use crate::passport_viz_text::{label_of, Label};

/// A label's box ends at most this many of its heights above its value's (DB boxes of a label
/// and its value touch or overlap: -0.4 to 0 on the seed-21 pages and the ICAO specimens).
const LABEL_GAP: f32 = 0.25;
/// A box after its first look.
#[derive(Clone)]
pub(crate) struct Look {
    pub line: TextLine,
    pub label: Option<Label>,
    /// The box was read over a prefix only.
    pub cut: bool,
}

impl Look {
    fn new(line: TextLine, cut: bool) -> Look {
        Look {
            label: label_of(&line.text),
            line,
            cut,
        }
    }
}

/// The region and its boxes, as the first looks see them.
pub(crate) struct RegionBoxes<'a> {
    pub region: &'a RgbImage,
    pub boxes: &'a [RotatedRect],
    /// The box under each box (see `value_under`).
    pub under: &'a [Option<usize>],
}

/// What the small recogniser's reading of a value box tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Small {
    /// Enough: a label, or a value whose field does not need the large net's reading.
    Kept,
    /// The MRZ's name: its label need not be read, but the name is read again.
    Name,
    /// Nothing known yet: read again, unless its label says it holds no field.
    Unknown,
}

impl VizNets {
    /// First looks at the boxes of one or more stacks, bottom up, so each value is read before
    /// the label above it: a box just above a value the MRZ explains is that value's label,
    /// and is not read.
    pub(crate) fn first_looks(
        &self,
        page: &RegionBoxes,
        stack: &[usize],
        mrz: &MrzAnchor,
    ) -> Result<(Vec<(usize, Look)>, VizStats), DocError> {
        let (boxes, under) = (page.boxes, page.under);
        let mut cost = VizStats::default();
        let mut order = stack.to_vec();
        order.sort_by(|&a, &b| boxes[b].center.y.total_cmp(&boxes[a].center.y));
        let mut looks: Vec<Option<Look>> = vec![None; boxes.len()];
        let mut explained = vec![false; boxes.len()];
        // Boxes whose small reading stands in until their label is known.
        let mut unknown = Vec::new();
        for i in order {
            let on_top = under[i].filter(|&j| just_above(&boxes[i], &boxes[j]));
            if on_top.is_some_and(|j| explained[j]) {
                continue;
            }
            // No label above it, and a label below: a title, or a label whose value the
            // detector did not keep (a one-letter sex): no field.
            let has_above = under.contains(&Some(i));
            let label_below = under[i]
                .and_then(|j| looks[j].as_ref())
                .is_some_and(|l| l.label.is_some());
            if !has_above && label_below {
                continue;
            }
            let (look, small) = self.small_look(page.region, &boxes[i], mrz, &mut cost)?;
            looks[i] = match small {
                Small::Kept => look,
                Small::Unknown if look.is_some() => {
                    unknown.push(i);
                    look
                }
                // A name, an unreadable box.
                _ => self.look(page.region, &boxes[i], &mut cost)?,
            };
            explained[i] = small == Small::Name
                || looks[i]
                    .as_ref()
                    .is_some_and(|l| explained_by_mrz(&l.line.text, mrz));
        }
        for i in unknown {
            // A box under a label of no field (nationality, sex, type), or one linked to no
            // other box (a title) whose reading holds no digit and no name: its small reading
            // will do. Any other is read with the large recogniser (it may be a label the
            // small net misread, or a place, an issue date, a name).
            let label_above = (0..boxes.len())
                .filter(|&k| under[k] == Some(i) && just_above(&boxes[k], &boxes[i]))
                .find_map(|k| looks[k].as_ref().and_then(|l| l.label));
            let alone = !under.contains(&Some(i)) && under[i].is_none();
            let nothing_to_read = alone
                && looks[i]
                    .as_ref()
                    .is_some_and(|l| !may_hold_field(&l.line.text, mrz));
            if label_above != Some(Label::Other) && !nothing_to_read {
                looks[i] = self.look(page.region, &boxes[i], &mut cost)?;
            }
        }
        let found: Vec<(usize, Look)> = looks
            .into_iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| (i, l)))
            .collect();
        cost.boxes_read = found.len();
        Ok((found, cost))
    }

    /// The first look at a box with the small recogniser, and what its reading tells; with no
    /// small recogniser, `(None, Small::Unknown)`.
    fn small_look(
        &self,
        region: &RgbImage,
        rect: &RotatedRect,
        mrz: &MrzAnchor,
        stats: &mut VizStats,
    ) -> Result<(Option<Look>, Small), DocError> {
        let Some(small) = &self.label_recognizer else {
            return Ok((None, Small::Unknown));
        };
        let cut = first_look(rect, PREFIX);
        let mut cost = VizStats::default();
        let line = self.read_with(small, region, *rect, cut, &mut cost)?;
        stats.label_columns += cost.net_columns;
        let Some(line) = line else {
            return Ok((None, Small::Unknown));
        };
        let look = Look::new(line, cut.width < rect.width);
        let text = &look.line.text;
        let verdict = if look.label.is_some() || term_issue_date(text, mrz) {
            Small::Kept
        } else {
            match explanation(text, mrz) {
                Explains::Copy => Small::Kept,
                Explains::Name => Small::Name,
                Explains::Nothing => Small::Unknown,
            }
        };
        Ok((Some(look), verdict))
    }

    /// The first look at a box with the large recogniser, with the label it reads as.
    fn look(
        &self,
        region: &RgbImage,
        rect: &RotatedRect,
        stats: &mut VizStats,
    ) -> Result<Option<Look>, DocError> {
        let cut = first_look(rect, PREFIX);
        let line = self.read(region, *rect, cut, stats)?;
        Ok(line.map(|line| Look::new(line, cut.width < rect.width)))
    }
}

/// A reading with a digit (a date, a number) or starting like one of the MRZ's names.
pub(crate) fn may_hold_field(text: &str, mrz: &MrzAnchor) -> bool {
    text.chars().any(|c| c.is_ascii_digit()) || starts_like_name(text, mrz)
}

/// `label` sits right on top of `value` (their boxes touch or overlap), as a label on its
/// value; two values one above the other leave at least a line's gap (the label between them,
/// when the detector missed it: d018's issue date above its expiry date).
fn just_above(label: &RotatedRect, value: &RotatedRect) -> bool {
    gap(label, value) < LABEL_GAP * label.height
}
