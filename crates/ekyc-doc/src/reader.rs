//! The MRZ reader: detect text, find the MRZ band, read its lines with the MRZ alphabet only,
//! and let the check digits choose among the recogniser's alternatives. Orientation: the band's
//! own angle deskews each line; a band read upside down is retried turned by 180°, and when
//! nothing valid turns up the whole image is tried turned by 90°, 270° and 180°.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use ekyc_infer::{Engine, SessionOptions};
use ekyc_mrz::{DoubtLimits, MrzReading};
use image::RgbImage;

use crate::band::{band_corners, band_region, dominant_angle, find_bands, Band};
use crate::detect::{DetectorOptions, TextDetector};
use crate::error::DocError;
use crate::geometry::{unturned, Point, RotatedRect};
use crate::letters::{letters_for_digits, letters_plausible};
use crate::lines::turn;
use crate::recognize::TextRecognizer;

/// Names of the models in the manifest.
pub const DETECTOR_MODEL: &str = "ppocr_det";
pub const RECOGNIZER_MODEL: &str = "ppocr_rec";

/// Bands per image looked at again with their sides widened.
const MAX_WIDENED: usize = 2;
/// Bands per image looked at again widened to a whole line's length ([`Reach::Far`]).
const MAX_FAR_WIDENED: usize = 1;
/// Third lines guessed per image: the page look, a widened look whose lines now reach their
/// end, and the closer look may each find the pair without the third line.
const MAX_THIRD_LINE_GUESSES: usize = 3;

/// After this many bands read without one MRZ-like line (see `reader_lines`), the image is
/// taken for a page of running text: the search skips the other turns and the tilted look and
/// goes straight to the closer look at the upright page (which finds a small MRZ beside the
/// text; a photo of a passport page lying on a printed letter lost its MRZ without it).
const TEXT_PAGE_BANDS: usize = 3;

/// A band steeper than this (radians from the turned image's x axis) was found sideways: a
/// turn that shows it lying may read it again.
/// Bands the coarse first look reads at most.
const COARSE_MAX_BANDS: usize = 2;
const STEEP_ANGLE: f32 = std::f32::consts::FRAC_PI_4;

/// A recognised line shorter than this cannot be an MRZ line (the shortest has 30).
const MIN_LINE_CHARS: usize = 20;
/// Nor one longer than this (the longest has 44; a line of running text reads longer).
const MAX_LINE_CHARS: usize = 56;

/// Tuning of [`MrzReader`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReaderOptions {
    /// Margin added left and right of each line, in line heights (CTC nets like some space).
    pub pad_x: f32,
    /// Margin added above and below each line, in line heights.
    pub pad_y: f32,
    /// When set, each line is read a second time with this margin and the two readings are
    /// combined (see `ensemble`): fewer single-character slips, at twice the recognition cost.
    pub second_pad_y: Option<f32>,
    /// Horizontal stretch of each crop before recognition: more CTC frames per character, so
    /// runs of '<' are not merged.
    pub stretch: f32,
    /// Detect the lines again on the band cut out at a fixed scale before reading them.
    pub refine: bool,
    /// Bands tried per orientation.
    pub max_bands: usize,
    /// Bands tried in all orientations together (bounds the work on a page without MRZ).
    pub max_bands_total: usize,
    /// Longer side (px) of a first, cheaper look at the upright page; `None` skips it.
    pub coarse_side: Option<u32>,
    /// A band found shorter than this many line heights is looked at again with its sides
    /// widened (a 44-character MRZ line is 28-36 line-box heights long).
    pub refine_min_aspect: f32,
    /// Detector input size for the band view, as a share of the view's longer side.
    pub refine_detect_scale: f32,
    /// Longer side (px) of a last, closer look at the upright page when no plausible reading
    /// turned up: small MRZs whose filler runs fade break into pieces at 640 px. `None` skips it.
    pub fine_side: Option<u32>,
    /// Bands the closer look may read beyond [`ReaderOptions::max_bands_total`].
    pub max_bands_fine: usize,
    /// A reading whose check digits hold is still not valid when the recogniser's alternatives
    /// support another reading they cannot refute (see [`ekyc_mrz::doubt`]).
    pub doubt: DoubtLimits,
    /// Tell letter/digit look-alikes apart by glyph height (see `glyph_height`).
    pub glyph_heights: bool,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            pad_x: 0.5,
            pad_y: 0.05,
            second_pad_y: Some(0.0),
            stretch: 1.0,
            refine: true,
            max_bands: 6,
            max_bands_total: 5,
            coarse_side: Some(416),
            refine_min_aspect: 28.0,
            refine_detect_scale: 0.75,
            fine_side: Some(1280),
            max_bands_fine: 2,
            doubt: DoubtLimits::default(),
            glyph_heights: true,
        }
    }
}

/// Reads the machine-readable zone of a document image.
pub struct MrzReader {
    detector: TextDetector,
    recognizer: TextRecognizer,
    /// Reads the first band's lines at once, one line per session (see
    /// [`MrzReader::with_line_pool`]); `None` reads them one after the other.
    line_pool: Option<TextRecognizer>,
    opts: ReaderOptions,
}

/// Sessions (one intra-op thread each) the lines of the first band are read on at once: a
/// TD3's two lines.
const LINE_SESSIONS: usize = 2;

/// Called once with the corners (in the input image, as [`LocatedMrz::corners`] when read
/// upright) of the first band about to be read: the most likely MRZ.
pub type BandHook<'a> = &'a dyn Fn([Point; 4]);

/// A reading with what ranks it against others.
struct Attempt {
    reading: MrzReading,
    confidence: f32,
    /// For a reading whose check digits all hold: how far inside the doubt limits it stays
    /// (negative: not valid, see [`ReaderOptions::doubt`]); 0 otherwise.
    slack: f32,
    /// Its check digits hold but another assignment of look-alikes the recogniser supported
    /// keeps them too (see [`ekyc_mrz::Doubt::swap_support`]): a doubt about the print, not
    /// about this look.
    swap_doubted: bool,
    /// Where the band lies in the input image (see [`MrzReader::read_located`]).
    corners: [Point; 4],
    /// Read with foreign text cut off a line's end (see `clutter`).
    from_cut_lines: bool,
}

/// One candidate band and where it was found.
struct BandLook<'a> {
    /// The image turned by `quarter_turns`, where `band` was found.
    turned: &'a RgbImage,
    band: &'a Band,
    quarter_turns: u8,
    /// The input image (for corners in its pixels).
    image: &'a RgbImage,
    /// Set when a line of this band read is MRZ-like.
    mrz_like: &'a AtomicBool,
}

/// What a search over orientations has found so far.
#[derive(Default)]
struct Search<'a> {
    /// Told about the first band read (then cleared).
    on_first_band: Option<BandHook<'a>>,
    best: Option<Attempt>,
    bands_seen: usize,
    bands_read: usize,
    /// Where the bands read so far lie in the input image, and whether they were steep there.
    regions_read: Vec<(RotatedRect, bool)>,
    /// Bands looked at again widened.
    widened: usize,
    /// Bands looked at again widened to a whole line's length.
    far_widened: usize,
    /// Three-line bands read where two of their lines were read before.
    third_lines: usize,
    /// Third lines guessed next to two lines of a TD1's length (see [`MAX_THIRD_LINE_GUESSES`]).
    third_line_guesses: usize,
    /// Bands that may be read in all.
    budget: usize,
    /// Direction of the text on the first look at the upright page (radians).
    text_angle: Option<f32>,
    /// Set while a tilted view of the image is searched: bands found there are placed back.
    tilted: Option<TiltedView>,
    /// A line read so far was MRZ-like.
    mrz_like_seen: bool,
    /// [`TEXT_PAGE_BANDS`] bands were read and none had an MRZ-like line: only the closer
    /// look is left.
    text_page: bool,
    /// Readings whose check digits held but that a look doubted.
    doubted: DoubtedReadings,
}

/// An MRZ reading and where its band lies in the image: corners in image pixels in reading
/// order (top-left, top-right, bottom-right, bottom-left of the text as read).
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedMrz {
    pub reading: MrzReading,
    pub corners: [Point; 4],
}

impl Search<'_> {
    /// The best reading so far is a plausible MRZ and some check digit of it fails (not one
    /// that only a look-alike swap left in doubt: a farther look reading the swapped glyphs
    /// without their rival is no confirmation).
    fn plausible_failing(&self) -> bool {
        self.plausible()
            && self
                .best
                .as_ref()
                .is_some_and(|b| b.reading.checks.iter().any(|c| !c.ok))
    }

    /// The best reading so far is a plausible MRZ.
    fn plausible(&self) -> bool {
        self.best
            .as_ref()
            .is_some_and(|b| letters_plausible(&b.reading))
    }
}

impl MrzReader {
    pub fn new(detector: TextDetector, recognizer: TextRecognizer, opts: ReaderOptions) -> Self {
        MrzReader {
            detector,
            recognizer,
            line_pool: None,
            opts,
        }
    }

    /// Read the lines of the first band (the most likely MRZ, upright) all at once on `pool`,
    /// which should hold a session per line (see `ekyc_infer::ModelSession::pooled`); later
    /// bands, which are mostly not MRZs, stay one line after the other with an early stop.
    pub fn with_line_pool(mut self, pool: TextRecognizer) -> MrzReader {
        self.line_pool = Some(pool);
        self
    }

    /// Build from an engine holding [`DETECTOR_MODEL`] and [`RECOGNIZER_MODEL`]; the character
    /// dictionary is read from the recogniser's ONNX file.
    pub fn from_engine(engine: &Engine) -> Result<MrzReader, DocError> {
        let detector = TextDetector::new(engine.model(DETECTOR_MODEL)?, DetectorOptions::default());
        let recognizer = TextRecognizer::latin_from_engine(engine)?;
        let reader = MrzReader::new(detector, recognizer, ReaderOptions::default());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return Ok(reader);
        }
        Ok(reader.with_line_pool(MrzReader::line_pool_of(engine)?))
    }

    /// The Latin recogniser of `engine` as [`LINE_SESSIONS`] single-threaded sessions (two
    /// lines on one thread each cost less CPU and wall time than one after the other on two
    /// intra-op threads).
    pub fn line_pool_of(engine: &Engine) -> Result<TextRecognizer, DocError> {
        let name = match engine.names().contains(&crate::LATIN_RECOGNIZER_MODEL) {
            true => crate::LATIN_RECOGNIZER_MODEL,
            false => RECOGNIZER_MODEL,
        };
        let session = engine.session(name)?;
        let pool = session.pooled(LINE_SESSIONS, &SessionOptions { intra_threads: 1 })?;
        TextRecognizer::with_onnx_dictionary(std::sync::Arc::new(pool), session.path())
    }

    /// The best MRZ reading of `image`: a check-digit-valid one if any, otherwise the reading
    /// with the most check digits holding, or [`DocError::NoMrz`].
    pub fn read(&self, image: &RgbImage) -> Result<MrzReading, DocError> {
        self.read_located(image).map(|l| l.reading)
    }

    /// As [`MrzReader::read`], with the band's position in `image` (for the card region the
    /// alarm stage measures).
    ///
    /// Search order, cheapest first: the page detected at [`ReaderOptions::coarse_side`] (most
    /// photos show the MRZ large enough), then at the detector's own size in each orientation.
    /// At most [`ReaderOptions::max_bands_total`] bands are read in all, so a page full of text
    /// and no MRZ is given up on quickly.
    pub fn read_located(&self, image: &RgbImage) -> Result<LocatedMrz, DocError> {
        self.read_located_with(image, &|_| {})
    }

    /// As [`MrzReader::read_located`], telling `on_first_band` where the first band lies as
    /// soon as it is found, before its lines are read (the visual zone's work above it can
    /// start then).
    pub fn read_located_with(
        &self,
        image: &RgbImage,
        on_first_band: BandHook<'_>,
    ) -> Result<LocatedMrz, DocError> {
        let mut search = Search {
            budget: self.opts.max_bands_total,
            on_first_band: Some(on_first_band),
            ..Search::default()
        };
        if let Some(side) = self.opts.coarse_side {
            if let Some(found) = self.search_turn(image, 0, Some(side), &mut search)? {
                return Ok(found);
            }
        }
        for quarter_turns in [0u8, 1, 3, 2] {
            if search.plausible() || search.bands_read >= search.budget {
                break;
            }
            if let Some(found) = self.search_turn(image, quarter_turns, None, &mut search)? {
                return Ok(found);
            }
            // A plausible MRZ whose printed check digits fail (specimens do that) was read
            // the right way up: turning the image will not improve it.
            if search.plausible() || search.bands_read >= search.budget {
                break;
            }
        }
        // Closer on the upright page, then on the page turned so that the first look's text
        // lies flat (the detector misses small lines standing upright; that text may be print
        // beside a card lying flat, so the upright page comes first).
        let flat = flat_turn(search.text_angle);
        for turn in [0, flat].into_iter().take(1 + usize::from(flat != 0)) {
            let Some(side) = self.opts.fine_side.filter(|_| !search.plausible()) else {
                break;
            };
            search.budget = search.bands_read + self.opts.max_bands_fine;
            if let Some(found) = self.search_turn(image, turn, Some(side), &mut search)? {
                return Ok(found);
            }
        }
        let tilt =
            tilt_to_try(search.text_angle).filter(|_| !search.plausible() && !search.text_page);
        if let Some(angle) = tilt {
            let extra = self.opts.max_bands_fine;
            if let Some(found) = self.search_tilted(image, angle, &mut search, extra)? {
                return Ok(found);
            }
        }
        let bands_seen = search.bands_seen;
        search
            .best
            .map(|a| {
                let mut found = a.located();
                // Check digits that hold on implausible text (a digit in a name, a passport in
                // a visa layout) prove nothing: such a reading is not reported as valid.
                if !letters_plausible(&found.reading) {
                    found.reading.check_digits_valid = false;
                    found.reading = letters_for_digits(found.reading);
                }
                found
            })
            .ok_or_else(|| DocError::NoMrz {
                reason: if bands_seen == 0 {
                    "no group of 2-3 long parallel text lines in any orientation".into()
                } else {
                    format!("{bands_seen} MRZ-like text band(s) found, none reads as an MRZ")
                },
            })
    }

    /// Detect text on `image` turned by `quarter_turns` (at `side` px, or the detector's size)
    /// and read its candidate bands; an accepted reading ends the search.
    fn search_turn(
        &self,
        image: &RgbImage,
        quarter_turns: u8,
        side: Option<u32>,
        search: &mut Search<'_>,
    ) -> Result<Option<LocatedMrz>, DocError> {
        // The upright look needs no copy of the photo.
        let turned = match quarter_turns % 4 {
            0 => Cow::Borrowed(image),
            _ => Cow::Owned(turn(image, quarter_turns)),
        };
        let boxes = match side {
            Some(side) => self.detector.detect_at(&turned, side)?,
            None => self.detector.detect(&turned)?,
        };
        if quarter_turns == 0 && search.tilted.is_none() && search.text_angle.is_none() {
            search.text_angle = dominant_angle(&boxes);
        }
        let bands = find_bands(&boxes);
        if debug_enabled() {
            eprintln!(
                "mrz look turn {quarter_turns} side {side:?} tilted {} boxes {} bands {:?}",
                search.tilted.is_some(),
                boxes.len(),
                bands.iter().map(|b| b.lines.len()).collect::<Vec<_>>()
            );
            regions::debug_boxes(&boxes);
        }
        search.bands_seen += bands.len();
        let coarse = side.is_some() && side == self.opts.coarse_side;
        // The coarse look reads only its likeliest bands: on a page turned sideways its many
        // bands (small, unreadable at that size) would spend the budget the turns need.
        let max_bands = if coarse {
            COARSE_MAX_BANDS
        } else {
            self.opts.max_bands
        };
        for band in bands.iter().take(max_bands) {
            if search.bands_read >= search.budget {
                break;
            }
            // A band running more up than across was found on text the detector sees sideways
            // (its boxes may clip the lines' ends): reading it does not stop a later turn that
            // shows it lying from reading it again.
            let steep = band
                .lines
                .first()
                .is_some_and(|l| l.angle.abs() > STEEP_ANGLE);
            // The full-size looks at the turned page mostly find the same bands, and a band is
            // read in both directions whichever turn found it: read it once. (A band the coarse
            // look found is cut out less precisely, so the full-size look may read it again.)
            let mut counted = true;
            if let Some(region) = band_region(band, 0.0).filter(|_| !coarse) {
                let mut region = unturned(&region, quarter_turns, image);
                if let Some(view) = &search.tilted {
                    region = view.rect_to_image(&region);
                }
                if read_before(&search.regions_read, &region, steep) {
                    // Once per image, and outside the budget: the band that took its place was
                    // read, not a new one.
                    let third = third_line_added(&search.regions_read, &region, band.lines.len());
                    if !third || search.third_lines > 0 {
                        continue;
                    }
                    search.third_lines += 1;
                    counted = false;
                }
                search.regions_read.push((region, steep));
            }
            search.bands_read += usize::from(counted);
            if let Some(hook) = search.on_first_band.take() {
                let mut corners = band_corners(band, false, quarter_turns, image);
                if let Some(view) = &search.tilted {
                    corners = corners.map(|p| view.image_point(p));
                }
                hook(corners);
            }
            // The band as found first; then, only if that fails, a wider look (its sides may
            // have been cut off: costs time, and reads more clutter, so not by default).
            let mrz_like = AtomicBool::new(false);
            for reach in [Reach::Found, Reach::Widened, Reach::Far] {
                // The wider looks cost a detection and a read: the first two short bands
                // only, and only when the first look read MRZ-like text (not running text),
                // so a page of text without MRZ is still given up on quickly.
                let may_widen =
                    self.opts.refine && mrz_like.load(Ordering::Relaxed) && self.short_band(band);
                let go = match reach {
                    Reach::Found => true,
                    Reach::Widened => may_widen && search.widened < MAX_WIDENED,
                    Reach::Far => {
                        may_widen
                            && search.far_widened < MAX_FAR_WIDENED
                            && search.plausible_failing()
                    }
                };
                if !go {
                    break;
                }
                search.widened += usize::from(reach == Reach::Widened);
                search.far_widened += usize::from(reach == Reach::Far);
                let look = BandLook {
                    turned: &turned,
                    band,
                    quarter_turns,
                    image,
                    mrz_like: &mrz_like,
                };
                // The far look only ends the search: what else it reads (more print beside
                // the band, at a coarser scale) does not replace the best reading so far.
                let kept = (reach == Reach::Far).then(|| search.best.take());
                if let Some(found) = self.read_band(&look, reach, search)? {
                    return Ok(Some(found));
                }
                if let Some(best) = kept {
                    search.best = best;
                }
            }
            search.mrz_like_seen |= mrz_like.load(Ordering::Relaxed);
            if !search.text_page && search.bands_read >= TEXT_PAGE_BANDS && !search.mrz_like_seen {
                // The budget spent ends this pass and the turns after it.
                search.text_page = true;
                search.budget = search.bands_read;
            }
        }
        Ok(None)
    }

    /// Read one band in both directions (refined first when configured); an accepted reading
    /// is returned, anything else only improves `search.best`.
    fn read_band(
        &self,
        look: &BandLook,
        reach: Reach,
        search: &mut Search<'_>,
    ) -> Result<Option<LocatedMrz>, DocError> {
        // Refined once per band; both reading directions use it.
        let refined = if self.opts.refine {
            self.refine(look.turned, look.band, reach)?
        } else {
            None
        };
        let (view, lines) = match &refined {
            Some((view, lines)) => (view, lines),
            None if reach != Reach::Found => return Ok(None),
            None => (look.turned, look.band),
        };
        let mut td1_pair = None;
        // The first band read upright is most likely the MRZ: its lines are read at once.
        let first = search.bands_read <= 1 && reach == Reach::Found;
        for upside_down in [false, true] {
            let crops = LineCrops {
                image: view,
                upside_down,
                at_once: first && !upside_down,
                mrz_like: look.mrz_like,
            };
            let read = self.read_lines_twice_if_needed(&crops, lines)?;
            if read.td1_pair {
                td1_pair.get_or_insert(upside_down);
            }
            if let Some(found) = keep(read.attempt, look, upside_down, search) {
                return Ok(Some(found));
            }
        }
        // Two lines of a TD1's length: the band missed the third line (its detected box cut
        // short, or merged with print). Once per image, one line pitch below, then above.
        if let Some(upside_down) =
            td1_pair.filter(|_| search.third_line_guesses < MAX_THIRD_LINE_GUESSES)
        {
            search.third_line_guesses += 1;
            let crops = LineCrops {
                image: view,
                upside_down,
                at_once: false,
                mrz_like: look.mrz_like,
            };
            for band in with_third_line(lines) {
                let read = self.read_lines_twice_if_needed(&crops, &band)?;
                if let Some(found) = keep(read.attempt, look, upside_down, search) {
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }
}

#[path = "reader_lines.rs"]
mod lines_read;
#[path = "reader_refine.rs"]
mod refine;
pub(crate) use lines_read::with_third_line;
use lines_read::LineCrops;
use refine::Reach;
#[path = "reader_regions.rs"]
mod regions;
pub(crate) use regions::{debug_enabled, debug_verbose};
use regions::{keep, DoubtedReadings};
pub(crate) use regions::{read_before, third_line_added};
#[path = "reader_tilt.rs"]
mod tilt;
use tilt::{flat_turn, tilt_to_try, TiltedView};
