//! Reading the text of the visual zone at less cost, since recognition is the cost (about
//! 7 ms of CPU per 100 px of line at the net's 48 px height, whatever the batch: one run of 8
//! lines costs more than 8 runs of one). So as few columns as possible are fed to the net:
//! - boxes that cannot hold a field are not read: the portrait's, tiny marks, titles and notes;
//! - every other box is first read over its first [`PREFIX`] heights, which holds a whole
//!   label's first language ("Date of issue / Date de déliv..." stops there);
//! - boxes are read bottom up, so each value is read before the box just above it, its label:
//!   a label whose value the MRZ explains (a name, the number, the birth or expiry date, a
//!   country code) is not read;
//! - a box with no label above it but a label below (a title, a label whose one-letter value
//!   was dropped as a mark: "Sex") is not read;
//! - boxes lower than the box they sit on or than the page's values (labels print smaller)
//!   are first read with a smaller recogniser ([`VizNets::label_recognizer`], about a quarter
//!   of the CPU); a reading that is a label is kept, any other is read again as usual;
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
use crate::passport_viz_extract::explained_by_mrz;
use crate::passport_viz_text::{label_of, name_key, similarity, Label};

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
const PREFIX: f32 = 8.0;
/// A box at most this much longer than the prefix is read whole at once (a second read
/// would cost more than the few extra columns).
const PREFIX_SLACK: f32 = 1.5;
/// Boxes longer than this many heights are titles or notes, not field values (a 39-letter
/// name is about 24): not read.
const MAX_VALUE: f32 = 26.0;
/// A value lies at most this many label heights below its label (as in the extraction).
const VALUE_GAP: f32 = 2.5;
/// A label's box ends at most this many of its heights above its value's (DB boxes of a label
/// and its value touch or overlap: -0.4 to 0 on the seed-21 pages and the ICAO specimens).
const LABEL_GAP: f32 = 0.25;
/// A box this much lower than the box it sits on (or than the page's values) is read as a
/// label first (see [`VizNets::label_recognizer`]): labels measured 0.6-0.7 of their values'
/// heights on d025; 0.92 fed 13 % fewer columns to the large recogniser than 0.85 on the
/// seed-21 pages, every field the same.
const LABEL_HEIGHT: f32 = 0.92;
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

/// A box after its first look.
#[derive(Clone)]
struct Look {
    line: TextLine,
    label: Option<Label>,
    /// The box was read over a prefix only.
    cut: bool,
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
        let looked = self.in_parallel(&stacks, |stack| {
            self.first_looks(region, &boxes, &under, stack, mrz)
        })?;
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

    /// First looks at the boxes of one or more stacks, bottom up, so each value is read before
    /// the label above it: a box just above a value the MRZ explains is that value's label,
    /// and is not read.
    fn first_looks(
        &self,
        region: &RgbImage,
        boxes: &[RotatedRect],
        under: &[Option<usize>],
        stack: &[usize],
        mrz: &MrzAnchor,
    ) -> Result<(Vec<(usize, Look)>, VizStats), DocError> {
        let mut cost = VizStats::default();
        let mut order = stack.to_vec();
        order.sort_by(|&a, &b| boxes[b].center.y.total_cmp(&boxes[a].center.y));
        let mut looks: Vec<Option<Look>> = vec![None; boxes.len()];
        let mut explained = vec![false; boxes.len()];
        let value_height = value_height(boxes);
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
            // Labels print smaller than their values: a box lower than the one it sits on, or
            // than the page's values, is most likely a label.
            let low = |h: f32| boxes[i].height < LABEL_HEIGHT * h;
            let label_like = on_top.is_some_and(|j| low(boxes[j].height)) || low(value_height);
            looks[i] = match label_like {
                true => self.label_look(region, &boxes[i], &mut cost)?,
                false => self.look(region, &boxes[i], PREFIX, &mut cost)?,
            };
            explained[i] = looks[i]
                .as_ref()
                .is_some_and(|l| explained_by_mrz(&l.line.text, mrz));
        }
        let found = looks
            .into_iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| (i, l)))
            .collect();
        Ok((found, cost))
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

    /// The first look at a box on top of another: with the label recogniser when there is
    /// one and it reads a label, else as [`VizNets::look`].
    fn label_look(
        &self,
        region: &RgbImage,
        rect: &RotatedRect,
        stats: &mut VizStats,
    ) -> Result<Option<Look>, DocError> {
        if let Some(small) = &self.label_recognizer {
            let cut = first_look(rect, PREFIX);
            let mut cost = VizStats::default();
            let line = self.read_with(small, region, *rect, cut, &mut cost)?;
            stats.label_columns += cost.net_columns;
            if let Some(line) = line {
                if let Some(label) = label_of(&line.text) {
                    stats.boxes_read += 1;
                    return Ok(Some(Look {
                        label: Some(label),
                        line,
                        cut: cut.width < rect.width,
                    }));
                }
            }
        }
        self.look(region, rect, PREFIX, stats)
    }

    /// The first look at a box, with the label it reads as.
    fn look(
        &self,
        region: &RgbImage,
        rect: &RotatedRect,
        prefix: f32,
        stats: &mut VizStats,
    ) -> Result<Option<Look>, DocError> {
        let cut = first_look(rect, prefix);
        stats.boxes_read += 1;
        let line = self.read(region, *rect, cut, stats)?;
        Ok(line.map(|line| Look {
            label: label_of(&line.text),
            line,
            cut: cut.width < rect.width,
        }))
    }

    /// The text of `crop_rect`, reported at `rect`; `None` when unreadable.
    fn read(
        &self,
        image: &RgbImage,
        rect: RotatedRect,
        crop_rect: RotatedRect,
        stats: &mut VizStats,
    ) -> Result<Option<TextLine>, DocError> {
        self.read_with(&self.recognizer, image, rect, crop_rect, stats)
    }

    /// [`VizNets::read`] with `recognizer`.
    fn read_with(
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
fn first_look(rect: &RotatedRect, heights: f32) -> RotatedRect {
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
    text.chars().any(|c| c.is_ascii_digit())
        || starts_like_name(text, mrz)
        || looks
            .iter()
            .filter(|l| l.label.is_some_and(|k| k != Label::Other))
            .any(|l| below(&l.line.rect, &look.line.rect))
}

/// The height of the page's values: the upper quartile of the box heights (about half of the
/// boxes are labels, printed smaller).
fn value_height(boxes: &[RotatedRect]) -> f32 {
    let mut heights: Vec<f32> = boxes.iter().map(|b| b.height).collect();
    heights.sort_by(f32::total_cmp);
    heights.get(heights.len() * 3 / 4).copied().unwrap_or(0.0)
}

/// The box just under box `i` and left-aligned with it (the nearest such), if any.
fn value_under(boxes: &[RotatedRect], i: usize) -> Option<usize> {
    (0..boxes.len())
        .filter(|&j| j != i && below(&boxes[i], &boxes[j]))
        .min_by(|&a, &b| boxes[a].center.y.total_cmp(&boxes[b].center.y))
}

/// `value` starts like the MRZ's surname or given names.
fn starts_like_name(value: &str, mrz: &MrzAnchor) -> bool {
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

/// `label` sits right on top of `value` (their boxes touch or overlap), as a label on its
/// value; two values one above the other leave at least a line's gap (the label between them,
/// when the detector missed it: d018's issue date above its expiry date).
fn just_above(label: &RotatedRect, value: &RotatedRect) -> bool {
    gap(label, value) < LABEL_GAP * label.height
}

/// Space from the bottom of `upper` to the top of `lower` (negative when they overlap).
fn gap(upper: &RotatedRect, lower: &RotatedRect) -> f32 {
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
    fn value_height_is_the_upper_quartile() {
        let boxes: Vec<RotatedRect> = [18.0, 17.0, 28.0, 19.0, 27.0, 29.0, 16.0, 26.0]
            .iter()
            .map(|&h| rect(0.0, 0.0, 100.0, h))
            .collect();
        assert_eq!(value_height(&boxes), 28.0);
        assert_eq!(value_height(&[]), 0.0);
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
