use image::{Rgb as Pixel, RgbImage};

use super::*;
use crate::view::CardHints;

const W: u32 = 400;
const H: u32 = 300;
const PAPER: [u8; 3] = [215, 210, 200];

/// A blue table with a grainy texture (±12 levels, deterministic), and a card of paper over
/// x = 60..`right`, y = 60..240 with two lines of dark print across it.
fn photo(right: u32) -> RgbImage {
    let mut seed = 12345u32;
    let mut grain = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        ((seed >> 16) % 25) as i32 - 12
    };
    let mut img = RgbImage::new(W, H);
    for y in 0..H {
        for x in 0..W {
            let g = grain();
            let table = [60, 90, 140].map(|c: i32| (c + g) as u8);
            let on_card = (60..right).contains(&x) && (60..240).contains(&y);
            let print = on_card
                && (x - 60) % 10 < 6
                && ((150..162).contains(&y) || (180..192).contains(&y));
            let px = match (on_card, print) {
                (true, true) => [40, 40, 45],
                (true, false) => PAPER,
                _ => table,
            };
            img.put_pixel(x, y, Pixel(px));
        }
    }
    img
}

/// The outline of a card from x = 60 to the photo's right border, y = 60..240.
fn outline_to_right_border() -> Quad {
    [
        (60.0, 60.0),
        (W as f32 - 1.0, 60.0),
        (W as f32 - 1.0, 240.0),
        (60.0, 240.0),
    ]
}

fn share(img: &RgbImage, quad: &Quad) -> f32 {
    let v = View::new(img, &CardHints::default());
    card_at_frame(&v, quad)
}

#[test]
fn a_card_running_off_the_photos_edge_is_card_along_it() {
    let img = photo(W);
    let s = share(&img, &outline_to_right_border());
    assert!(s >= 0.9, "{s}");
}

#[test]
fn a_card_inside_the_photo_leaves_table_along_the_edge() {
    // The card ends at x = 370: the outline that took the border for its right side holds
    // 30 px of grainy table along the edge, like the table beyond the card's corners.
    let img = photo(370);
    assert_eq!(share(&img, &outline_to_right_border()), 0.0);
    // A margin of 5 px: the card lies along the edge a little way in, the edge itself is
    // table.
    let img = photo(395);
    assert_eq!(share(&img, &outline_to_right_border()), 0.0);
}

#[test]
fn no_table_beyond_the_corners_cannot_be_judged() {
    // The card spans the photo's whole height (a scan): nothing to compare the edge with.
    let img = photo(W);
    let quad = [
        (60.0, 0.0),
        (W as f32 - 1.0, 0.0),
        (W as f32 - 1.0, H as f32 - 1.0),
        (60.0, H as f32 - 1.0),
    ];
    assert_eq!(share(&img, &quad), 0.0);
}

#[test]
fn a_card_the_colour_of_the_table_cannot_be_judged() {
    let mut img = photo(W);
    for px in img.pixels_mut() {
        if px.0 == PAPER {
            *px = Pixel([62, 92, 138]);
        }
    }
    assert_eq!(share(&img, &outline_to_right_border()), 0.0);
}

#[test]
fn a_washed_out_card_cannot_be_judged() {
    // A reflection clips the card and the table along the right edge to white.
    let mut img = photo(W);
    for y in 0..H {
        for x in 200..W {
            img.put_pixel(x, y, Pixel([254, 254, 254]));
        }
    }
    assert_eq!(share(&img, &outline_to_right_border()), 0.0);
}

#[test]
fn an_outline_with_no_side_on_the_border_is_not_judged() {
    let img = photo(W);
    let inside = [(60.0, 60.0), (360.0, 60.0), (360.0, 240.0), (60.0, 240.0)];
    assert_eq!(share(&img, &inside), 0.0);
}

/// The photo of [`photo`] with the card over rows `rows` instead (its print rows kept).
fn photo_rows(right: u32, rows: std::ops::Range<u32>) -> RgbImage {
    let base = photo(right);
    let mut img = base.clone();
    for y in 0..H {
        for x in 60..right.min(W) {
            let inside = rows.contains(&y);
            let was_card = (60..240).contains(&y);
            if inside && !was_card {
                img.put_pixel(x, y, Pixel(PAPER));
            } else if !inside {
                // Table from the strip left of the card, same row.
                img.put_pixel(x, y, *base.get_pixel(x % 60, y));
            }
        }
    }
    img
}

#[test]
fn a_card_cut_near_the_photos_corners_is_judged_against_the_short_table_there() {
    // The card spans the right edge but for 14 px of table above and below it: the usual
    // gap beyond its corners leaves no table to compare with, a narrow one does.
    let rows = 14..286;
    let quad = [
        (60.0, 14.0),
        (W as f32 - 1.0, 14.0),
        (W as f32 - 1.0, 286.0),
        (60.0, 286.0),
    ];
    let s = share(&photo_rows(W, rows.clone()), &quad);
    assert!(s >= 0.9, "{s}");
    // The same card ending 30 px before the edge: table along it.
    assert_eq!(share(&photo_rows(370, rows), &quad), 0.0);
}
