//! A last look at a page lying at an angle between the quarter turns (part of [`MrzReader`]).
//! The detector finds text tilted by up to about 15°; a page photographed sideways and turned by
//! 20° more comes out as one blob of merged lines in every quarter turn. The text's own direction,
//! seen on the first look, tells how far to turn the page so that its lines lie flat.

use image::RgbImage;

use super::{MrzReader, Search};
use crate::error::DocError;
use crate::geometry::{crop_rotated, Point, RotatedRect};
use crate::LocatedMrz;

/// Text tilted less than this from a quarter turn (radians, ~3°) is read by the quarter turns.
const MIN_TILT: f32 = 0.05;

/// Where a view of the image turned by `angle` lies: a view pixel `(x, y)` shows the image
/// point `origin + x·u + y·v`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TiltedView {
    origin: Point,
    angle: f32,
}

impl TiltedView {
    /// The view of all of `image` turned so that lines at `angle` (radians) lie along x.
    fn of(image: &RgbImage, angle: f32) -> Option<(RgbImage, TiltedView)> {
        let (w, h) = (image.width() as f32, image.height() as f32);
        let (c, s) = (angle.cos().abs(), angle.sin().abs());
        let rect = RotatedRect {
            center: Point::new(w / 2.0, h / 2.0),
            width: w * c + h * s,
            height: w * s + h * c,
            angle,
        };
        let view = crop_rotated(image, &rect, 1.0)?;
        let origin = rect.corners()[0];
        Some((view, TiltedView { origin, angle }))
    }

    /// The image point a view point shows.
    pub(super) fn image_point(&self, p: Point) -> Point {
        let (c, s) = (self.angle.cos(), self.angle.sin());
        Point::new(
            self.origin.x + c * p.x - s * p.y,
            self.origin.y + s * p.x + c * p.y,
        )
    }

    /// A rectangle found in the view, in the image.
    pub(super) fn rect_to_image(&self, r: &RotatedRect) -> RotatedRect {
        RotatedRect {
            center: self.image_point(r.center),
            angle: r.angle + self.angle,
            ..*r
        }
    }
}

/// How far lines at `angle` lie from the nearest quarter turn (radians, within ±45°).
pub(super) fn tilt_from_quarter_turn(angle: f32) -> f32 {
    let q = std::f32::consts::FRAC_PI_2;
    angle - (angle / q).round() * q
}

/// The quarter turn (0 or 1) that lays text at `angle` (radians) flat, reading in one of its
/// two directions; upright when the direction is unknown.
pub(super) fn flat_turn(text_angle: Option<f32>) -> u8 {
    let q = std::f32::consts::FRAC_PI_2;
    text_angle.map_or(0, |a| u8::from((a / q).round().rem_euclid(2.0) == 1.0))
}

/// The direction to turn the page by for a tilted look: the text's direction on the first look,
/// when it lies well between two quarter turns.
pub(super) fn tilt_to_try(text_angle: Option<f32>) -> Option<f32> {
    text_angle.filter(|&a| tilt_from_quarter_turn(a).abs() >= MIN_TILT)
}

impl MrzReader {
    /// Search the page turned so that the first look's text lies flat, with `extra_bands` more
    /// bands to read; what it finds is placed back in the input image.
    pub(super) fn search_tilted(
        &self,
        image: &RgbImage,
        angle: f32,
        search: &mut Search,
        extra_bands: usize,
    ) -> Result<Option<LocatedMrz>, DocError> {
        let Some((view, frame)) = TiltedView::of(image, angle) else {
            return Ok(None);
        };
        search.budget = search.bands_read + extra_bands;
        search.tilted = Some(frame);
        let found = self.search_turn(&view, 0, None, search);
        search.tilted = None;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilt_is_measured_from_the_nearest_quarter_turn() {
        let deg = |d: f32| d.to_radians();
        assert!((tilt_from_quarter_turn(deg(-80.0)) - deg(10.0)).abs() < 1e-5);
        assert!((tilt_from_quarter_turn(deg(20.0)) - deg(20.0)).abs() < 1e-5);
        assert!((tilt_from_quarter_turn(deg(170.0)) - deg(-10.0)).abs() < 1e-5);
        assert_eq!(tilt_to_try(Some(deg(2.0))), None);
        assert_eq!(tilt_to_try(Some(deg(-75.0))), Some(deg(-75.0)));
        assert_eq!(tilt_to_try(None), None);
    }

    #[test]
    fn the_closer_look_turns_upright_lines_flat() {
        let deg = |d: f32| Some(d.to_radians());
        assert_eq!(flat_turn(deg(-88.8)), 1);
        assert_eq!(flat_turn(deg(81.0)), 1);
        assert_eq!(flat_turn(deg(2.0)), 0);
        assert_eq!(flat_turn(deg(-30.0)), 0);
        assert_eq!(flat_turn(None), 0);
    }

    #[test]
    fn a_view_point_maps_back_to_the_image_point_it_shows() {
        let mut image = RgbImage::new(200, 100);
        image.put_pixel(150, 30, image::Rgb([255, 255, 255]));
        let (view, frame) = TiltedView::of(&image, 0.4).unwrap();
        let (x, y) = view
            .enumerate_pixels()
            .max_by_key(|(_, _, p)| p.0[0])
            .map(|(x, y, _)| (x as f32 + 0.5, y as f32 + 0.5))
            .unwrap();
        let p = frame.image_point(Point::new(x, y));
        assert!(
            (p.x - 150.5).abs() < 1.5 && (p.y - 30.5).abs() < 1.5,
            "{p:?}"
        );
    }
}
