//! Covered (-9101): part of the card hidden. Four measurements, the largest (occluders
//! weighted, see [`OCCLUDER_WEIGHT`]) is the score:
//! - the frame: the card predicted from the MRZ band, or its outline seen from the edges,
//!   runs out of the photo (share outside), or its print or its surface runs on to the
//!   photo's edge between its sides where the table lies beyond them ([`covered_frame`],
//!   [`covered_border`]);
//! - the MRZ lines themselves run into the photo's edge (then the reader returns only the
//!   visible part and the card predicted from it looks complete);
//! - a finger: a smooth skin-coloured blob that enters from the photo's edge and lies over the
//!   card (a portrait's face is skin too, but it never reaches the photo's edge unless the
//!   card is cut there);
//! - an object (note, phone, pen...): a solid, smooth blob of a colour that is not paper (dark
//!   or saturated) lying across the card's edge and reaching well inside it, or lying flat
//!   on it ([`crate::occluder`]); judged against the page predicted from the MRZ and against
//!   the card's outline seen from its edges ([`crate::outline`]), which also works without an
//!   MRZ (the larger share counts). A flat-printed band in a noise-free image can pass for a
//!   flat object lying on the card; camera noise (σ ≳ 3) tells them apart.

use ekyc_types::CardAlarm;

use crate::covered_border;
use crate::covered_frame;
use crate::covered_mrz;
use crate::detection::Detection;
use crate::occluder::{blobs, Blob, Kind, Shape, Small};
use crate::outline::{self, Outline};
use crate::view::View;

/// A finger's part off the card, against its part on it: at least (it comes from outside; a
/// card that nearly fills the photo leaves little room off it)...
const FINGER_MIN_OFF: f32 = 0.04;
/// ... and at most (else it is a skin-toned table the predicted card region clips).
const FINGER_MAX_OFF: f32 = 12.0;
/// Share of a finger blob's pixels with skin 2 px away on all four sides.
const FINGER_MIN_SOLID: f32 = 0.55;
/// Spread of a finger's skin (σ of luma over its mean luma): its sides are in shade. Relative,
/// as the shade darkens dark skin by fewer levels (fingers of the tune sets 0.045-0.17; of
/// the skin-toned print, tables and glare there, those passing the other tests ≤ 0.028).
const FINGER_MIN_SHADING: f32 = 0.035;
/// A finger is round: its middle is lit and its flanks in shade, so the core of its blob is
/// no darker than its rim (core ÷ rim − 1 at least this; fingers of the tune sets −0.03 to
/// 0.16, mostly ≥ 0.07). A printed skin-toned band is flat and blends into its white print
/// at the rim (a page's brown header band: −0.1).
const FINGER_MIN_ROUNDED: f32 = -0.04;
/// Share of the card a finger reaches well inside its edge (when the card's outline is known).
const FINGER_MIN_DEEP: f32 = 0.01;
/// A blob over more of the card than this is skin-toned paper or print, not a finger.
const FINGER_MAX_SHARE: f32 = 0.35;
/// Weight of the frame term: a card 10 % out of frame scores like 10 % covered.
const FRAME_WEIGHT: f32 = 1.0;
/// Weight of an occluder's (finger's or object's) share. Its blob counts only the solid,
/// smooth interior (shadows, the soft rim and the part near the predicted card edge are left
/// out), so the share under-counts what is hidden; and an accepted occluder blob is strong
/// evidence on its own — no clean photo of the tune, hold-out or fresh-seed sets (150) nor
/// any specimen produced one, while the frame terms do reach small values on clean photos.
/// With 4 the smallest blob considered (0.5 % of the card) reaches the balanced threshold.
const OCCLUDER_WEIGHT: f32 = 4.0;
/// MRZ end gap (character widths) from which the cut term starts to rise...
const CUT_START: f32 = 0.3;
/// ... up to this score when the band's end reaches the photo edge (gap ≤ 0): a few
/// characters cut off hide the MRZ's check digits, which is as bad as 10 % of the card.
const CUT_MAX: f32 = 0.1;
/// An object's part off the card against its part on it: at least (with some of it well off
/// the card: no clean blob of the tune sets reached well off the card)...
const OBJECT_MIN_OFF: f32 = 0.03;
/// ... and at most (more is a dark or coloured table the predicted card region clips).
const OBJECT_MAX_OFF: f32 = 2.5;
/// Sides of the photo an object may reach (more is the background around the card).
const OBJECT_MAX_SIDES: u8 = 2;
/// Share of the card an object must cover well inside the card's edge.
const OBJECT_MIN_DEEP: f32 = 0.004;
/// Share of the card's area an object must reach well off the card (print stays on the card
/// even where the predicted outline is a little small; blobs of the tune sets' clean and other
/// attack photos passing the other tests ≤ 0.0006, a thin pen across a card's corner 0.0018).
const OBJECT_MIN_FAR: f32 = 0.001;
/// An object lying on the card (at most this share of it off the predicted card, which may
/// be a little larger than the card) ...
const LYING_MAX_OFF: f32 = 0.1;
/// ... covers at least this share of it well inside the edge...
const LYING_MIN_DEEP: f32 = 0.025;
/// ... is this solid ...
const LYING_MIN_SOLID: f32 = 0.6;
/// ... and flat (σ of luma at most this): a phone or a note, where printed areas of that
/// colour carry halftone, guilloches or a photo's shading.
const LYING_MAX_SHADING: f32 = 1.2;
/// ... or, when very solid (an opaque object: no print shows through it, where a printed band
/// is perforated by its own lettering), at most this over its core (its rim blends into what
/// lies around it, darker at a dark phone's edge after JPEG: σ 3.6 over a whole phone of
/// tune2, 1.3 over its core): camera noise on a real object (cores of the tune sets' objects
/// ≤ 1.3; no clean blob of tune, tune2, tune4 was this solid).
const LYING_MAX_SHADING_SOLID: f32 = 2.0;
const LYING_SOLID_OPAQUE: f32 = 0.8;
/// ... and reaches at most this many of the photo's sides: an object lying wholly on the card
/// meets the photo's border only where the card does, and one reaching two sides spans the
/// card — a printed band across a card that fills the photo (a scan).
const LYING_MAX_SIDES: u8 = 1;
/// ... and, unless opaque, spans at most this share of the card along either of its axes: a
/// band printed from one side of the card to the other, perforated by its lettering, is the
/// card's layout (header bands of the tune sets: 0.94-1.0, the clean alarm of tune5 among
/// them; objects lying on the card passing the other tests ≤ 0.77).
const LYING_MAX_SPAN: f32 = 0.9;
/// Edge support of an outline's sides above which the card counts as seen whole.
const WHOLE_SUPPORT: f32 = 0.9;
/// An outline on the photo's border counts as a card cut by the frame only when its seen
/// sides are this well supported...
const CUT_OUTLINE_SUPPORT: f32 = 0.95;
/// ... with no longer gap than this share of a side (a gappy outline may be print)...
const CUT_OUTLINE_MAX_GAP: f32 = 0.05;
/// ... and at least this share of the card is missing: perspective and card proportions
/// leave a little on complete cards (specimen d003, a whole TD1 back on the photo's bottom
/// border: 0.098; the cut cards of the tune and hold-out sets: 0.16-0.31).
const CUT_OUTLINE_MIN: f32 = 0.14;
/// Share of the border side along which the card's print must reach the photo's edge for
/// the card to count as cut there ([`covered_frame`]; tune sets: frame cuts found by it
/// 0.037-0.24; clean and other attacks' photos with a card not cut 0-0.007)...
const PRINT_AT_FRAME_MIN: f32 = 0.025;
/// ... on an outline whose seen sides are this well supported ...
const PRINT_AT_FRAME_SUPPORT: f32 = 0.85;
/// ... with no longer gap than this share of a side.
const PRINT_AT_FRAME_MAX_GAP: f32 = 0.1;
/// Score of a card whose print runs into the frame: how much is cut is unknown (the part
/// seen has card proportions); a tenth, like a cut MRZ.
const PRINT_AT_FRAME_SCORE: f32 = 0.1;
/// Share of the border span between the card's sides along which the photo's edge shows the
/// card, not the table beyond them, from which the card counts as cut there
/// ([`covered_border`]; tune sets: frame cuts 0.46-1.0, no clean photo above 0)...
const CARD_AT_FRAME_MIN: f32 = 0.4;
/// ... on an outline whose seen sides are this well supported (tune sets: frame cuts
/// 0.955-1.0; the other attacks' photos with a spurious border side ≤ 0.81) ...
const CARD_AT_FRAME_SUPPORT: f32 = 0.9;
/// ... with no longer gap than this share of a side (frame cuts ≤ 0.13, the others ≥ 0.42).
const CARD_AT_FRAME_MAX_GAP: f32 = 0.2;
/// Score of a card whose surface runs into the frame: how much is cut is unknown, like
/// [`PRINT_AT_FRAME_SCORE`].
const CARD_AT_FRAME_SCORE: f32 = 0.1;
/// Print and surface both running into the frame count on an outline this well supported
/// (tune sets: such frame cuts 0.86-0.89) ...
const BOTH_AT_FRAME_SUPPORT: f32 = 0.85;
/// ... with no longer gap than this share of a side (a frame cut of a page holding two cards
/// side by side: 0.34, the gap between them; outlines of the tune sets' other photos with
/// either cue: ≥ 0.42 where their support passes, and none of them had both cues).
const BOTH_AT_FRAME_MAX_GAP: f32 = 0.4;
/// An object lying across the card's edge is one object: the colour (Cb, Cr) of its part well
/// off the card differs from that of its part well inside it by at most this (objects of the
/// tune sets ≤ 0.3; a page's coloured header band merged with a table of another colour
/// through the card's blurred edge: 31).
const OBJECT_MAX_SPLIT: f32 = 12.0;
/// An object is solid: shares of its pixels with blob 2 px away on all sides.
const OBJECT_MIN_SOLID: f32 = 0.5;

pub fn detect(v: &View) -> Detection {
    let small = Small::new(v);
    // The card's outline from its edges (the MRZ's page prediction is only approximate, and
    // half the covered photos have no MRZ read); one that leaves the MRZ band out is a band
    // of print, not the card.
    let found: Option<Outline> = v.outline().filter(|o| {
        v.mrz_band
            .is_none_or(|band| band.iter().all(|p| outline::contains_loosely(o, *p)))
    });
    // Objects are judged against each card region there is (the page predicted from the MRZ,
    // the outline seen from the edges); the larger share counts.
    let shapes: Vec<(Shape, bool)> = [
        v.deep_quad.map(|_| (Shape::of_view(v), true)),
        found.map(|o| (Shape::of_quad(o.quad, v.y.w, v.y.h), true)),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Fingers are judged against each card region too: the page predicted from the MRZ may
    // be larger than the card (then a finger seems to lie wholly on it) or smaller.
    let mut finger = 0.0f32;
    let mut finger_blobs = 0;
    let mut rejected = 0;
    let mut largest = Blob::default();
    let finger_shapes = [
        Some(Shape::of_view(v)),
        found.map(|o| Shape::of_quad(o.quad, v.y.w, v.y.h)),
    ];
    for shape in finger_shapes.iter().flatten() {
        let (mut share, mut count) = (0.0f32, 0);
        for b in blobs(v, shape, &small, Kind::Skin)
            .iter()
            .filter(|b| b.touches_edge && b.share >= 0.005)
        {
            if b.share > largest.share {
                largest = *b;
            }
            if is_finger(b, shape.has_quad()) {
                count += 1;
                share += b.share;
            } else {
                rejected += 1;
            }
        }
        if share > finger {
            (finger, finger_blobs) = (share, count);
        }
    }
    // Objects only against a card outline: without one, "across the card's edge" means
    // nothing.
    let (mut object, mut object_blobs) = (0.0f32, 0);
    for (shape, lying) in &shapes {
        let accepted: Vec<Blob> = blobs(v, shape, &small, Kind::Foreign)
            .into_iter()
            .filter(|b| is_object(b, *lying))
            .collect();
        let share = accepted.iter().map(|b| b.share).sum::<f32>();
        if share > object {
            (object, object_blobs) = (share, accepted.len());
        }
    }
    let end_gap = v.mrz_end_gap;
    // The reader's band leaves out the characters the frame cuts (and a few before them):
    // print running on from the band's end into the photo's edge is a cut MRZ too.
    let runs_off = v
        .mrz_band
        .is_some_and(|band| covered_mrz::runs_into_frame(&v.y, &band));
    let cut = end_gap.map_or(0.0, |g| {
        CUT_MAX * ((CUT_START - g) / CUT_START).clamp(0.0, 1.0)
    });
    let cut = if runs_off { CUT_MAX } else { cut };
    // The MRZ band's gap to the photo edge across the lines is evidence only: the reader's
    // band box runs past the edge on complete reads too.
    // A card seen whole (four well-supported sides, none the photo's border) is not cut by
    // the frame, whatever the page predicted from the MRZ band or the band's end gap says:
    // both move with a few pixels of the band's box.
    let seen_whole =
        found.is_some_and(|o| !o.frame_side && o.cut <= 0.0 && o.support >= WHOLE_SUPPORT);
    let (outside, cut) = if seen_whole {
        (0.0, 0.0)
    } else {
        (v.outside, cut)
    };
    let outline_cut = found.map_or(0.0, cut_by_frame);
    // A card cut by the frame with card-like proportions left: its print runs into the
    // photo's edge where its outline meets it.
    let print_at_frame = found
        .filter(|o| o.frame_side)
        .map_or(0.0, |o| covered_frame::print_at_frame(&v.y, &o.quad));
    let card_at_frame = found
        .filter(|o| o.frame_side)
        .map_or(0.0, |o| covered_border::card_at_frame(v, &o.quad));
    let frame_cut = found.map_or(0.0, |o| frame_cut(o, print_at_frame, card_at_frame));
    let score = (OCCLUDER_WEIGHT * finger.max(object))
        .max(cut)
        .max(frame_cut)
        .max(FRAME_WEIGHT * outside.max(outline_cut));
    Detection::new(CardAlarm::Covered, score)
        .with("finger_share", finger)
        .with("finger_blobs", finger_blobs as f32)
        .with("object_share", object)
        .with("object_blobs", object_blobs as f32)
        .with("outside_share", v.outside)
        .with("mrz_end_gap", end_gap.unwrap_or(-1.0))
        .with("mrz_runs_off", runs_off as u8 as f32)
        .with("print_at_frame", print_at_frame)
        .with("card_at_frame", card_at_frame)
        .with("skin_blobs_rejected", rejected as f32)
        .with("largest_skin_solid", largest.solid)
        .with("largest_skin_shading", largest.shading)
        .with("mrz_edge_gap", v.mrz_edge_gap.unwrap_or(-1.0))
        .with("outline_found", found.is_some() as u8 as f32)
        .with("outline_support", found.map_or(-1.0, |o| o.support))
        .with("outline_gap", found.map_or(-1.0, |o| o.longest_gap))
        .with("outline_cut", found.map_or(-1.0, |o| o.cut))
        .with(
            "outline_frame_side",
            found.map_or(-1.0, |o| o.frame_side as u8 as f32),
        )
}

/// Score of a card cut by the frame seen from its border (`o` with the share of the border
/// side where its print reaches the photo's edge, and the share where the edge shows the card
/// rather than the table beyond its sides): a card whose print runs into the photo's edge where
/// its outline meets it (the part seen has card proportions); or whose surface does, where the
/// same edge beyond its sides shows the table; or both at once on a less clean outline (two
/// independent cues agreeing: each alone misleads on a gappy outline — a block of print, a
/// card lying whole inside with the border taken for its far side — but not the same way).
fn frame_cut(o: Outline, print_at_frame: f32, card_at_frame: f32) -> f32 {
    let print = print_at_frame >= PRINT_AT_FRAME_MIN;
    let surface = card_at_frame >= CARD_AT_FRAME_MIN;
    let both = print
        && surface
        && o.frame_side
        && o.support >= BOTH_AT_FRAME_SUPPORT
        && o.longest_gap <= BOTH_AT_FRAME_MAX_GAP;
    if (print && clean_frame_outline(o)) || both {
        PRINT_AT_FRAME_SCORE
    } else if surface && well_seen_frame_outline(o) {
        CARD_AT_FRAME_SCORE
    } else {
        0.0
    }
}

/// An outline with a side on the photo's border, well supported by edges elsewhere (a
/// gappy one may be a block of print, not the card).
fn clean_frame_outline(o: Outline) -> bool {
    o.frame_side && o.support >= PRINT_AT_FRAME_SUPPORT && o.longest_gap <= PRINT_AT_FRAME_MAX_GAP
}

/// An outline with a side on the photo's border whose seen sides are edges nearly all along
/// (then they run into the border; a side with a long gap may end at a corner of a card lying
/// whole inside the photo, the outline having taken the border for its far side).
fn well_seen_frame_outline(o: Outline) -> bool {
    o.frame_side && o.support >= CARD_AT_FRAME_SUPPORT && o.longest_gap <= CARD_AT_FRAME_MAX_GAP
}

/// Share of the card the photo's border cuts off, from a clean outline with a side on the
/// border (half the cut cards in the tune set have no MRZ read, so the page predicted from it
/// cannot say); 0 when the outline is gappy or what is seen could be a whole card.
fn cut_by_frame(o: Outline) -> f32 {
    let clean =
        o.frame_side && o.support >= CUT_OUTLINE_SUPPORT && o.longest_gap <= CUT_OUTLINE_MAX_GAP;
    if clean && o.cut >= CUT_OUTLINE_MIN {
        o.cut
    } else {
        0.0
    }
}

/// A finger reaches in from outside the card and covers a part of it; a skin-toned table lies
/// mostly off the card, skin-toned paper or a portrait wholly on it. A finger is solid
/// (skin-toned paper is perforated by the print on it) and round: shaded across its width.
fn is_finger(b: &Blob, outlined: bool) -> bool {
    b.solid >= FINGER_MIN_SOLID
        && b.shading >= FINGER_MIN_SHADING * b.luma
        && b.rounded >= FINGER_MIN_ROUNDED
        && (!outlined || b.deep_share >= FINGER_MIN_DEEP)
        && b.sides <= OBJECT_MAX_SIDES
        && b.off >= FINGER_MIN_OFF * b.on
        && b.off <= FINGER_MAX_OFF * b.on
        && b.share <= FINGER_MAX_SHARE
}

/// An object lies across the card's edge (a part off it, a part well inside it) and is solid;
/// card print never crosses the card's own edge, a table stays mostly off the card. Or it lies
/// wholly on the card, large, solid and flat.
fn is_object(b: &Blob, allow_lying: bool) -> bool {
    let lying = allow_lying
        && b.off <= LYING_MAX_OFF * b.on
        && b.deep_share >= LYING_MIN_DEEP
        && b.solid >= LYING_MIN_SOLID
        && (b.shading <= LYING_MAX_SHADING
            || (b.solid >= LYING_SOLID_OPAQUE && b.core_shading <= LYING_MAX_SHADING_SOLID))
        && b.sides <= LYING_MAX_SIDES
        && (b.solid >= LYING_SOLID_OPAQUE || b.span <= LYING_MAX_SPAN)
        && b.share <= FINGER_MAX_SHARE;
    lying || crosses_edge(b)
}

fn crosses_edge(b: &Blob) -> bool {
    b.deep_share >= OBJECT_MIN_DEEP
        && b.far_share >= OBJECT_MIN_FAR
        && b.solid >= OBJECT_MIN_SOLID
        && b.split <= OBJECT_MAX_SPLIT
        && b.off >= OBJECT_MIN_OFF * b.on
        && b.off <= OBJECT_MAX_OFF * b.on
        && b.sides <= OBJECT_MAX_SIDES
        && b.share <= FINGER_MAX_SHARE
}

#[cfg(test)]
#[path = "covered_tests.rs"]
mod tests;
