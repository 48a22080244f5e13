//! Events on a per-frame signal: runs of frames past a threshold, with hysteresis so one
//! noisy frame neither starts nor ends an event.

/// A run of frames where the signal crossed its threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Time of the first frame past the threshold (seconds).
    pub start_s: f32,
    pub end_s: f32,
    /// Most extreme value reached.
    pub peak: f32,
}

/// How an event is recognised on a series of `(time, value)` samples.
#[derive(Debug, Clone, Copy)]
pub struct EventRule {
    /// The event starts when the value goes past `enter` ...
    pub enter: f32,
    /// ... and ends when it comes back past `exit` (between `enter` and the baseline).
    pub exit: f32,
    /// `true` for events where the value rises (mouth opening), `false` where it falls (blink).
    pub rising: bool,
    /// Frames past `enter` needed to count.
    pub min_frames: usize,
}

/// All events of `samples` (time-ordered). An event still open at the end of the clip counts
/// only if it lasted `min_frames`; one open at the start counts too (the user may start early).
pub fn find_events(samples: &[(f32, f32)], rule: &EventRule) -> Vec<Event> {
    let past = |v: f32, t: f32| if rule.rising { v >= t } else { v <= t };
    let mut events = Vec::new();
    let mut open: Option<(Event, usize)> = None;
    for &(t, v) in samples {
        match open.as_mut() {
            None if past(v, rule.enter) => {
                open = Some((
                    Event {
                        start_s: t,
                        end_s: t,
                        peak: v,
                    },
                    1,
                ));
            }
            None => {}
            Some((event, frames)) => {
                if past(v, rule.exit) {
                    event.end_s = t;
                    let more = if rule.rising {
                        v > event.peak
                    } else {
                        v < event.peak
                    };
                    if more {
                        event.peak = v;
                    }
                    *frames += usize::from(past(v, rule.enter));
                } else {
                    if *frames >= rule.min_frames {
                        events.push(*event);
                    }
                    open = None;
                }
            }
        }
    }
    if let Some((event, frames)) = open {
        if frames >= rule.min_frames {
            events.push(event);
        }
    }
    events
}

/// Median of each sample with its neighbours (3 wide): removes single-frame spikes of
/// landmark noise.
pub fn smooth3(samples: &[(f32, f32)]) -> Vec<(f32, f32)> {
    (0..samples.len())
        .map(|i| {
            let lo = i.saturating_sub(1);
            let hi = (i + 2).min(samples.len());
            let mut v: Vec<f32> = samples[lo..hi].iter().map(|s| s.1).collect();
            v.sort_by(|a, b| a.total_cmp(b));
            (samples[i].0, v[v.len() / 2])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f32]) -> Vec<(f32, f32)> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as f32 * 0.1, v))
            .collect()
    }

    #[test]
    fn a_blink_is_one_falling_event() {
        let s = series(&[0.3, 0.3, 0.29, 0.12, 0.1, 0.25, 0.3, 0.3]);
        let rule = EventRule {
            enter: 0.2,
            exit: 0.26,
            rising: false,
            min_frames: 1,
        };
        let e = find_events(&s, &rule);
        assert_eq!(e.len(), 1);
        assert!((e[0].start_s - 0.3).abs() < 1e-6);
        assert_eq!(e[0].peak, 0.1);
    }

    #[test]
    fn hysteresis_and_minimum_length() {
        // Dips to 0.22 between two opening frames: one event, not two.
        let s = series(&[0.1, 0.5, 0.22, 0.5, 0.1, 0.1, 0.45, 0.1]);
        let rule = EventRule {
            enter: 0.3,
            exit: 0.2,
            rising: true,
            min_frames: 2,
        };
        let e = find_events(&s, &rule);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].peak, 0.5);
        // The lone 0.45 frame is too short.
        let strict = EventRule {
            min_frames: 3,
            ..rule
        };
        assert!(find_events(&s, &strict).is_empty());
    }

    #[test]
    fn smoothing_removes_single_spikes() {
        let s = series(&[1.0, 1.0, 9.0, 1.0, 1.0]);
        assert!(smooth3(&s).iter().all(|&(_, v)| v == 1.0));
    }
}
