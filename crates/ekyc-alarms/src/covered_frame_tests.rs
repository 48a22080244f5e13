use super::*;

/// A `w` × 300 photo: a dark table, a card of paper (luma 200) from x = 40 to the photo's
/// right edge and y = 40..260, and a line of dark 8 × 12 characters every 10 px on rows
/// 150..162 from x = 62 up to `print_end`. Also the card's outline, its right side on the
/// photo's border.
fn card_to_right_edge(w: usize, print_end: usize) -> (Plane, Quad) {
    let h = 300;
    let mut data = vec![50.0f32; w * h];
    for y in 40..260 {
        for x in 40..w {
            data[y * w + x] = 200.0;
        }
    }
    let mut x = 62;
    while x < print_end.min(w) {
        for y in 150..162 {
            for xx in x..(x + 8).min(print_end).min(w) {
                data[y * w + xx] = 30.0;
            }
        }
        x += 10;
    }
    let quad = [
        (40.0, 40.0),
        (w as f32 - 1.0, 40.0),
        (w as f32 - 1.0, 260.0),
        (40.0, 260.0),
    ];
    (Plane { w, h, data }, quad)
}

#[test]
fn print_running_into_the_border_is_a_cut_card() {
    // The characters run on to the photo's edge at 400 (the last one, from 392, is cut).
    let (y, quad) = card_to_right_edge(400, 400);
    let share = print_at_frame(&y, &quad);
    assert!(share >= 0.04, "{share}");
}

#[test]
fn a_blank_margin_along_the_border_is_no_cut() {
    // The print ends 30 px before the photo's edge: only paper lies along it.
    let (y, quad) = card_to_right_edge(400, 370);
    assert_eq!(print_at_frame(&y, &quad), 0.0);
}

#[test]
fn a_line_running_along_the_border_is_no_print_across_it() {
    // A drawn frame line 2 px wide, 1 px in from the photo's edge, along the whole side: it
    // stays in the strip's outer part.
    let (mut y, quad) = card_to_right_edge(400, 370);
    for row in 40..260 {
        for x in 397..399 {
            y.data[row * 400 + x] = 40.0;
        }
    }
    assert_eq!(print_at_frame(&y, &quad), 0.0);
}

#[test]
fn an_outline_with_no_side_on_the_border_is_not_judged() {
    let (y, _) = card_to_right_edge(400, 400);
    let inside = [(40.0, 40.0), (360.0, 40.0), (360.0, 260.0), (40.0, 260.0)];
    assert_eq!(print_at_frame(&y, &inside), 0.0);
}

/// The card's paper dimmed linearly from luma 200 at x = 200 to `edge_luma` at the photo's
/// right edge (light falling off towards the photo's side); print keeps its darkness.
fn dim_towards_the_edge(y: &mut Plane, edge_luma: f32) {
    let w = y.w;
    for row in 40..260 {
        for x in 200..w {
            let v = &mut y.data[row * w + x];
            if *v > 100.0 {
                *v = 200.0 + (edge_luma - 200.0) * (x - 200) as f32 / (w - 201) as f32;
            }
        }
    }
}

#[test]
fn print_into_the_border_counts_under_light_falling_off_towards_it() {
    // The paper along the border is at 75 % of the card's: print there is judged against it.
    let (mut y, quad) = card_to_right_edge(400, 400);
    dim_towards_the_edge(&mut y, 150.0);
    let share = print_at_frame(&y, &quad);
    assert!(share >= 0.04, "{share}");
    // A strip darker than any falloff (a table, not the card's paper) is not judged.
    let (mut y, quad) = card_to_right_edge(400, 400);
    dim_towards_the_edge(&mut y, 90.0);
    assert_eq!(print_at_frame(&y, &quad), 0.0);
}
