//! Reading the text of the visual zone at less cost, since recognition is the cost (about
//! 7 ms of CPU per 100 px of line at the net's 48 px height, whatever the batch: one run of 8
//! lines costs more than 8 runs of one). So as few columns as possible are fed to the net:
//! - boxes that cannot hold a field are not read: the portrait's, tiny marks, titles and notes;
//! - every other box is first read over its first [`PREFIX`] heights, which holds a whole
//!   label's first language ("Date of issue / Date de déliv..." stops there);
//! - the first looks (`passport_viz_looks.rs`) go bottom up, skip the labels of values the
//!   MRZ explains, and use the small recogniser ([`VizNets::label_recognizer`]) wherever its
//!   reading is enough for the fields;
//! - the boxes are read on [`VizNets::workers`] threads, one stack of boxes linked by "value
//!   under" per job, so each stack is read and skipped as on one thread.
//! - only the longer boxes that may hold a field are then read in full: not labels, and only
//!   values under a field's label, with digits (dates, numbers) or starting like an MRZ name.
//!
//! Tried and left out (seed-21 set): lines narrowed to 70 % of their width (labels, at about
//! 1.2 net frames per character, were then misread: places lost), a 512 px detector (issue
//! dates and places lost), a 6-height first look (more boxes read twice, more columns), a
//! 5-height first look for boxes on top of a value (the labels: d024's "Micue Ha/" no longer
//! reads as "Place of birth" when the native words come first).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ekyc_doc::{
    crop_rotated, DocError, Point, RotatedRect, TextBox, TextDetector, TextLine, TextRecognizer,
    LINE_HEIGHT,
};
use image::RgbImage;

use crate::passport_viz::MrzAnchor;
use crate::passport_viz_looks::{Look, RegionBoxes};
use crate::passport_viz_text::{name_key, similarity, Label};

/// Boxes lower than this (px) are not read.
const MIN_HEIGHT: f32 = 6.0;
/// Boxes shorter than this many heights hold a mark (a tick, a cross, one letter), no field.
const MIN_LENGTH: f32 = 1.2;
/// At most this many boxes are read (the largest first).
const MAX_BOXES: usize = 32;
/// The portrait takes the left of a TD3 data page (ICAO 9303 zone V, about a quarter of the
/// width): boxes centred there are not read.
const PORTRAIT_ZONE: f32 = 0.26;
/// Readings less confident than this are dropped.
const MIN_CONFIDENCE: f32 = 0.3;
/// First reading over at most this many box heights: about 14 characters of a label.
pub(crate) const PREFIX: f32 = 8.0;
/// A box at most this much longer than the prefix is read whole at once (a second read
/// would cost more than the few extra columns).
const PREFIX_SLACK: f32 = 1.5;
/// Boxes longer than this many heights are titles or notes, not field values (a 39-letter
/// name is about 24): not read.
const MAX_VALUE: f32 = 26.0;
/// A value lies at most this many label heights below its label (as in the extraction).
const VALUE_GAP: f32 = 2.5;
/// A cut value this alike to the start of an MRZ name may be that name.
const NAME_START: f32 = 0.5;

/// The nets of the visual-zone reader.
pub struct VizNets {
    pub detector: TextDetector,
    pub recognizer: TextRecognizer,
    /// A smaller, cheaper recogniser for the first look at boxes that sit right on top of
    /// another (labels, read only to know which value is which): a reading that is a label is
    /// kept, any other is read again with `recognizer`. `None` reads every box with `recognizer`.
    pub label_recognizer: Option<TextRecognizer>,
    /// Threads the recognition calls are spread over (the recogniser should hold as many
    /// sessions: see `ekyc_infer::ModelSession::pooled`).
    pub workers: usize,
}

/// What reading a region cost.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VizStats {
    /// Text boxes the detector found.
    pub boxes_detected: usize,
    /// Boxes fed to the recogniser (first look).
    pub boxes_read: usize,
    /// Of those, boxes read a second time in full.
    pub full_reads: usize,
    /// Columns fed to the recogniser in all (each 48 px high).
    pub net_columns: u32,
    /// Columns fed to the label recogniser (see [`VizNets::label_recognizer`]).
    pub label_columns: u32,
    pub detect_ms: f64,
    pub recognize_ms: f64,
}

impl VizStats {
    /// Count in the reads another worker made.
    fn add_reads(&mut self, other: &VizStats) {
        self.boxes_read += other.boxes_read;
        self.full_reads += other.full_reads;
        self.net_columns += other.net_columns;
        self.label_columns += other.label_columns;
    }
}

impl VizNets {
    /// The text boxes of `region` (upright) and the detection's wall ms.
    pub fn detect(&self, region: &RgbImage) -> Result<(Vec<TextBox>, f64), DocError> {
        let started = Instant::now();
        let detected = self.detector.detect(region)?;
        Ok((detected, started.elapsed().as_secs_f64() * 1000.0))
    }

    /// The text lines of `region` (upright) whose boxes [`VizNets::detect`] found, in reading
    /// order, and what they cost; labels and values that cannot be a field may be cut after
    /// their first words.
    pub fn read_lines(
        &self,
        region: &RgbImage,
        (detected, detect_ms): (Vec<TextBox>, f64),
        mrz: &MrzAnchor,
    ) -> Result<(Vec<TextLine>, VizStats), DocError> {
        let mut stats = VizStats {
            boxes_detected: detected.len(),
            detect_ms,
            ..VizStats::default()
        };
        let boxes = boxes(detected, region.width());
        let started = Instant::now();
        let under: Vec<Option<usize>> = (0..boxes.len()).map(|i| value_under(&boxes, i)).collect();
        // Stacks of boxes (a label and its value, the next label...) depend on each other's
        // readings; separate stacks do not, and are read on separate workers.
        let stacks = split_stacks(&boxes, &under);
        let page = RegionBoxes {
            region,
            boxes: &boxes,
            under: &under,
        };
        let looked = self.in_parallel(&stacks, |stack| self.first_looks(&page, stack, mrz))?;
        let mut looks: Vec<Option<Look>> = vec![None; boxes.len()];
        for (found, cost) in looked {
            stats.add_reads(&cost);
            for (i, look) in found {
                looks[i] = Some(look);
            }
        }
        let looks: Vec<Look> = looks.into_iter().flatten().collect();
        let wanted: Vec<usize> = (0..looks.len())
            .filter(|&k| wants_full(&looks[k], &looks, mrz))
            .collect();
        let rects: Vec<RotatedRect> = looks.iter().map(|l| l.line.rect).collect();
        let mut jobs: Vec<Vec<usize>> = wanted.into_iter().map(|k| vec![k]).collect();
        jobs.sort_by(|a, b| rects[b[0]].width.total_cmp(&rects[a[0]].width));
        let read = self.in_parallel(&jobs, |job| {
            let mut cost = VizStats::default();
            let mut whole = Vec::with_capacity(job.len());
            for &k in job {
                cost.full_reads += 1;
                whole.push((k, self.read(region, rects[k], rects[k], &mut cost)?));
            }
            Ok((whole, cost))
        })?;
        let mut lines: Vec<TextLine> = looks.into_iter().map(|l| l.line).collect();
        for (whole, cost) in read {
            stats.add_reads(&cost);
            for (k, line) in whole {
                if let Some(line) = line {
                    lines[k] = line;
                }
            }
        }
        stats.recognize_ms = started.elapsed().as_secs_f64() * 1000.0;
        ekyc_doc::reading_order(&mut lines);
        Ok((lines, stats))
    }

    /// `work` on each job, on [`VizNets::workers`] threads (this one too), each taking the
    /// next job in order as soon as it is free: the costliest first, then the small ones fill
    /// the gaps, so the threads end close together.
    fn in_parallel<T: Send>(
        &self,
        jobs: &[Vec<usize>],
        work: impl Fn(&[usize]) -> Result<T, DocError> + Sync,
    ) -> Result<Vec<T>, DocError> {
        let next = AtomicUsize::new(0);
        let run = || -> Result<Vec<T>, DocError> {
            let mut out = Vec::new();
            while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                out.push(work(job)?);
            }
            Ok(out)
        };
        let helpers = self.workers.min(jobs.len()).saturating_sub(1);
        std::thread::scope(|scope| {
            let others: Vec<_> = (0..helpers).map(|_| scope.spawn(run)).collect();
            let mut out = run()?;
            for handle in others {
                let result = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                out.extend(result?);
            }
            Ok(out)
        })
    }

    /// The text of `crop_rect`, reported at `rect`; `None` when unreadable.
    pub(crate) fn read(
        &self,
        image: &RgbImage,
        rect: RotatedRect,
        crop_rect: RotatedRect,
        stats: &mut VizStats,
    ) -> Result<Option<TextLine>, DocError> {
        self.read_with(&self.recognizer, image, rect, crop_rect, stats)
    }

    /// [`VizNets::read`] with `recognizer`.
    pub(crate) fn read_with(
        &self,
        recognizer: &TextRecognizer,
        image: &RgbImage,
        rect: RotatedRect,
        crop_rect: RotatedRect,
        stats: &mut VizStats,
    ) -> Result<Option<TextLine>, DocError> {
        let h = crop_rect.height;
        let padded = crop_rect.expanded(h * 0.15, h * 0.05);
        let scale = (2.0 * LINE_HEIGHT as f32 / padded.height.max(1.0)).min(1.0);
        let Some(crop) = crop_rotated(image, &padded, scale) else {
            return Ok(None);
        };
        stats.net_columns += net_columns(&crop);
        let (text, confidence) = recognizer.recognize(&crop)?;
        let text = text.trim().to_string();
        Ok(
            (!text.is_empty() && confidence >= MIN_CONFIDENCE).then_some(TextLine {
                text,
                confidence,
                rect,
            }),
        )
    }
}

/// The `detected` boxes of a region `width` px wide that may hold a field or its label, the
/// largest first.
fn boxes(detected: Vec<TextBox>, width: u32) -> Vec<RotatedRect> {
    let portrait_edge = PORTRAIT_ZONE * width as f32;
    let mut boxes: Vec<RotatedRect> = detected
        .into_iter()
        .map(|b| b.rect.canonical())
        .filter(|r| r.height >= MIN_HEIGHT && r.center.x >= portrait_edge)
        // Cut by the region's top edge: the page's header or the facing page.
        .filter(|r| r.center.y - r.height / 2.0 > 1.0)
        .filter(|r| (MIN_LENGTH * r.height..=MAX_VALUE * r.height).contains(&r.width))
        .collect();
    boxes.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
    boxes.truncate(MAX_BOXES);
    boxes
}

/// The boxes in stacks (linked by [`value_under`]), the costliest first (box lengths in
/// heights, at most a first look's).
fn split_stacks(boxes: &[RotatedRect], under: &[Option<usize>]) -> Vec<Vec<usize>> {
    // Union-find over the box → box-under links.
    let mut parent: Vec<usize> = (0..boxes.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, j) in under.iter().enumerate() {
        if let Some(j) = *j {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a] = b;
        }
    }
    let mut stacks: Vec<Vec<usize>> = Vec::new();
    let mut stack_of = vec![usize::MAX; boxes.len()];
    for i in 0..boxes.len() {
        let r = root(&mut parent, i);
        if stack_of[r] == usize::MAX {
            stack_of[r] = stacks.len();
            stacks.push(Vec::new());
        }
        stacks[stack_of[r]].push(i);
    }
    let cost = |i: &usize| {
        let r = &boxes[*i];
        (r.width / r.height.max(1.0)).min(PREFIX + PREFIX_SLACK)
    };
    let weight = |s: &Vec<usize>| s.iter().map(cost).sum::<f32>();
    stacks.sort_by(|a, b| weight(b).total_cmp(&weight(a)));
    stacks
}

/// The width of `crop` at the net's input height: what its reading costs.
fn net_columns(crop: &RgbImage) -> u32 {
    let (w, h) = crop.dimensions();
    (w as f32 * LINE_HEIGHT as f32 / h.max(1) as f32).ceil() as u32
}

/// A box's first look: its first `heights` heights, or all of it when little longer.
pub(crate) fn first_look(rect: &RotatedRect, heights: f32) -> RotatedRect {
    if rect.width <= (heights + PREFIX_SLACK) * rect.height {
        *rect
    } else {
        prefix(rect, heights)
    }
}

/// Whether a box read over its prefix may hold a field and is read in full: not a label, and
/// under a field's label, or with a digit (dates, numbers), or starting like an MRZ name.
fn wants_full(look: &Look, looks: &[Look], mrz: &MrzAnchor) -> bool {
    if !look.cut || look.label.is_some() {
        return false;
    }
    let text = &look.line.text;
    crate::passport_viz_looks::may_hold_field(text, mrz)
        || looks
            .iter()
            .filter(|l| l.label.is_some_and(|k| k != Label::Other))
            .any(|l| below(&l.line.rect, &look.line.rect))
}

/// The box just under box `i` and left-aligned with it (the nearest such), if any.
fn value_under(boxes: &[RotatedRect], i: usize) -> Option<usize> {
    (0..boxes.len())
        .filter(|&j| j != i && below(&boxes[i], &boxes[j]))
        .min_by(|&a, &b| boxes[a].center.y.total_cmp(&boxes[b].center.y))
}

/// `value` starts like the MRZ's surname or given names.
pub(crate) fn starts_like_name(value: &str, mrz: &MrzAnchor) -> bool {
    let read = name_key(value, false);
    let n = read.chars().count();
    n > 0
        && [&mrz.surname, &mrz.given_names].iter().any(|name| {
            let start: String = name_key(name, false).chars().take(n).collect();
            similarity(&read, &start) >= NAME_START
        })
}

/// `value` lies just under `label`, left-aligned with it (the extraction's test).
fn below(label: &RotatedRect, value: &RotatedRect) -> bool {
    let h = label.height.max(1.0);
    let gap = gap(label, value);
    let left = |r: &RotatedRect| r.center.x - r.width / 2.0;
    gap > -0.5 * h && gap < VALUE_GAP * h && (left(value) - left(label)).abs() < 3.0 * h
}

/// Space from the bottom of `upper` to the top of `lower` (negative when they overlap).
pub(crate) fn gap(upper: &RotatedRect, lower: &RotatedRect) -> f32 {
    (lower.center.y - lower.height / 2.0) - (upper.center.y + upper.height / 2.0)
}

/// The first `heights` heights of a label box.
fn prefix(label: &RotatedRect, heights: f32) -> RotatedRect {
    let width = label.width.min(heights * label.height);
    let shift = (label.width - width) / 2.0;
    let u = label.axis_u();
    RotatedRect {
        center: Point::new(label.center.x - u.x * shift, label.center.y - u.y * shift),
        width,
        ..*label
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passport_viz_text::label_of;

    fn rect(left: f32, top: f32, width: f32, height: f32) -> RotatedRect {
        RotatedRect {
            center: Point::new(left + width / 2.0, top + height / 2.0),
            width,
            height,
            angle: 0.0,
        }
    }

    fn look(text: &str, r: RotatedRect, cut: bool) -> Look {
        Look {
            line: TextLine {
                text: text.into(),
                confidence: 0.9,
                rect: r,
            },
            label: label_of(text),
            cut,
        }
    }

    #[test]
    fn the_value_under_a_label_is_the_nearest_left_aligned_box_below() {
        let boxes = [
            rect(100.0, 100.0, 200.0, 16.0), // label
            rect(102.0, 150.0, 120.0, 20.0), // another column's row further down
            rect(101.0, 118.0, 150.0, 20.0), // its value
            rect(400.0, 118.0, 150.0, 20.0), // right column
        ];
        assert_eq!(value_under(&boxes, 0), Some(2));
        assert_eq!(value_under(&boxes, 2), Some(1));
        assert_eq!(value_under(&boxes, 3), None);
    }

    #[test]
    fn only_cut_values_that_may_be_fields_are_read_in_full() {
        let mrz = MrzAnchor {
            surname: "SCHWARZENEGGER".into(),
            given_names: "ARNOLD ALOIS".into(),
            ..MrzAnchor::default()
        };
        let label = look("Authority / Autorit", rect(100.0, 100.0, 200.0, 16.0), true);
        let looks = vec![
            label.clone(),
            look("BUNDESMINISTERIUM", rect(100.0, 118.0, 400.0, 20.0), true),
            look("SCHWARZENEG", rect(100.0, 300.0, 400.0, 20.0), true),
            look("12 AUGUST/AUG", rect(600.0, 300.0, 400.0, 20.0), true),
            look("UNITED KINGDOM OF", rect(100.0, 10.0, 400.0, 20.0), true),
            look("FCO", rect(600.0, 10.0, 60.0, 20.0), false),
        ];
        let full: Vec<bool> = looks.iter().map(|l| wants_full(l, &looks, &mrz)).collect();
        assert_eq!(full, [false, true, true, true, false, false]);
    }

    #[test]
    fn stacks_stay_whole_costliest_first() {
        // Two columns of label/value stacks and a lone box.
        let boxes = [
            rect(100.0, 100.0, 200.0, 16.0),
            rect(101.0, 118.0, 150.0, 20.0),
            rect(400.0, 100.0, 200.0, 16.0),
            rect(401.0, 118.0, 150.0, 20.0),
            rect(700.0, 300.0, 60.0, 20.0),
        ];
        let under: Vec<Option<usize>> = (0..boxes.len()).map(|i| value_under(&boxes, i)).collect();
        assert_eq!(under, [Some(1), None, Some(3), None, None]);
        let mut stacks = split_stacks(&boxes, &under);
        // A label and its value are read in one stack, by one worker.
        assert_eq!(stacks.last(), Some(&vec![4]));
        stacks.iter_mut().for_each(|s| s.sort());
        stacks.sort();
        assert_eq!(stacks, [vec![0, 1], vec![2, 3], vec![4]]);
        assert!(split_stacks(&[], &[]).is_empty());
    }

    #[test]
    fn label_prefix_keeps_the_left_end() {
        let r = RotatedRect {
            center: Point::new(100.0, 50.0),
            width: 200.0,
            height: 10.0,
            angle: 0.0,
        };
        let p = prefix(&r, PREFIX);
        assert_eq!(p.width, 80.0);
        assert_eq!(p.center.x - p.width / 2.0, 0.0);
    }
}
