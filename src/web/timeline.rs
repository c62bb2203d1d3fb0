//! A drawing of a schedule on a time axis.
//!
//! [`timeline`] turns a schedule into plain numbers and strings for the inline SVG in
//! `templates/partials/timeline.html`: every coordinate is computed here, so the template
//! only prints. Pure: today's date comes in with the [`TimelineInput`].
//!
//! Each period gets its own lane, so overlapping periods stay visible; interruptions share a
//! lane section below the periods (more lanes only where they overlap) and are hatched.
//! Part-time shows in the shape, not only in colour: a bar's height is its percentage of a
//! full lane, drawn inside a dashed full-time outline, and its label says "80 %". The same
//! facts appear in [`Timeline::rows`] for the text table, which is the accessible equivalent.
//!
//! End dates are exclusive ("tot"), as everywhere in the schedule: a period tot 2027-01-01
//! ends where 2027-01-01 begins.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use rules::person::format_date;
use rules::schedule::model::{Schedule, SpecialtyRules};
use rules::schedule::totals::Totals;

/// The drawing's width in SVG user units; CSS scales the SVG to its container.
pub const WIDTH: i64 = 960;
/// Left edge of the time axis; leaves room for a bar's stroke at the axis start.
const PLOT_LEFT: i64 = 12;
/// Right edge of the time axis.
const PLOT_RIGHT: i64 = WIDTH - 12;
/// Keeps label text off the drawing's edge.
const EDGE_GAP: i64 = 4;
/// Estimated width of one character of label text (CSS sets 13 units); generous, so that
/// shortened labels fit in any common sans-serif font.
const CHAR_WIDTH: f64 = 7.5;
/// Baseline of the "Vandaag" label.
const MARKER_ROW_TODAY: i64 = 14;
/// Baseline of the expected-end label: a row of its own, so both labels stay readable when
/// the dates lie close together.
const MARKER_ROW_EXPECTED: i64 = 32;
/// Top of the first lane, below both marker labels.
const LANES_TOP: i64 = 44;
/// The text row above each bar.
const LANE_LABEL: i64 = 16;
/// A full-time bar's height.
const BAR_HEIGHT: i64 = 24;
/// From one lane's top to the next.
const LANE_PITCH: i64 = LANE_LABEL + BAR_HEIGHT + 8;
/// The row for the "Onderbrekingen" heading.
const HEADING_HEIGHT: i64 = 20;
/// So that a one-day interruption on a forty-year axis can still be seen and hovered.
const MIN_BAR_WIDTH: i64 = 2;
/// So that a 0 % period is still a visible bar.
const MIN_BAR_HEIGHT: i64 = 3;
/// Horizontal room between two interruptions that share a lane.
const BAR_GAP: i64 = 2;
/// Year ticks, including the label at the axis start; more would make the labels collide.
const MAX_YEAR_TICKS: i64 = 15;
/// Month ticks are drawn up to ten years; beyond that they are a grey blur.
const MONTH_TICK_LIMIT: i64 = 120;
/// Month ticks are labelled up to two years.
const MONTH_LABEL_LIMIT: i64 = 24;
/// Shown for an institution that is not in the name list.
pub const UNKNOWN_INSTITUTION: &str = "Onbekende instelling";

const MONTH_NAMES: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// What [`timeline`] draws from.
#[derive(Clone, Copy, Debug)]
pub struct TimelineInput<'a> {
    /// The schedule to draw.
    pub schedule: &'a Schedule,
    /// Its specialty, for part and interruption type names.
    pub rules: &'a SpecialtyRules,
    /// Institution id -> display name.
    pub institution_names: &'a BTreeMap<Uuid, String>,
    /// The totals of the check, for the expected end.
    pub totals: &'a Totals,
    /// Today, for the "Vandaag" marker.
    pub today: NaiveDate,
    /// Dates the axis must reach besides the schedule's own: the [`extent`] of another
    /// drawing, so that two versions drawn one above the other share one axis.
    pub cover: Option<(NaiveDate, NaiveDate)>,
}

/// The first and the last date a drawing of `schedule` shows: its items and the expected
/// end. `None` when there is nothing to draw.
pub fn extent(schedule: &Schedule, totals: &Totals) -> Option<(NaiveDate, NaiveDate)> {
    let (first, last) = items_span(schedule)?;
    let latest = match totals.expected_end {
        Some(expected) => last.max(expected),
        None => last,
    };
    Some((first, latest))
}

/// The first start and the last end of the schedule's items.
fn items_span(schedule: &Schedule) -> Option<(NaiveDate, NaiveDate)> {
    let starts = schedule
        .periods
        .iter()
        .map(|p| p.start)
        .chain(schedule.interruptions.iter().map(|i| i.start));
    let ends = schedule
        .periods
        .iter()
        .map(|p| p.end.max(p.start))
        .chain(schedule.interruptions.iter().map(|i| i.end.max(i.start)));
    let first = starts.min()?;
    let last = ends.max()?.max(first);
    Some((first, last))
}

/// Everything the partial needs to draw a schedule, precomputed. Coordinates are SVG user
/// units in a drawing [`WIDTH`] wide, whole numbers so attributes print without decimals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Prefix for the ids inside the drawing (title, description, hatch pattern); change it
    /// when one page shows two timelines.
    pub id: String,
    /// The drawing's title, also the figure caption.
    pub title: String,
    /// The drawing's description for screen readers: counts, first and last date, expected
    /// end.
    pub summary: String,
    /// Drawing width.
    pub width: i64,
    /// Drawing height.
    pub height: i64,
    /// The `viewBox` attribute: "0 0 width height".
    pub view_box: String,
    /// Left end of the axis line.
    pub plot_left: i64,
    /// Right end of the axis line.
    pub plot_right: i64,
    /// Top of the grid lines (the first lane's top).
    pub grid_top: i64,
    /// The axis line's height.
    pub axis_y: i64,
    /// Baseline of the tick labels below the axis.
    pub tick_label_y: i64,
    /// First day of the axis (the 1st of a month).
    pub axis_start: NaiveDate,
    /// Last moment of the axis, exclusive (the 1st of a month).
    pub axis_end: NaiveDate,
    /// Year ticks, drawn as grid lines with the year; at most about 15.
    pub year_ticks: Vec<Tick>,
    /// Month ticks on the axis; empty for long schedules, labelled only for short ones.
    pub month_ticks: Vec<Tick>,
    /// Lane section headings ("Onderbrekingen").
    pub headings: Vec<Label>,
    /// Periods, then interruptions.
    pub bars: Vec<Bar>,
    /// Vertical lines for today and the expected end, when they fall on the axis.
    pub markers: Vec<Marker>,
    /// The text equivalent, in chronological order.
    pub rows: Vec<TimelineRow>,
}

/// A mark on the time axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tick {
    /// Where.
    pub x: i64,
    /// Its text ("2026", "mrt"), if it has one.
    pub label: Option<String>,
    /// Where the text goes.
    pub label_x: i64,
    /// SVG `text-anchor` of the text: "start" or "end".
    pub anchor: &'static str,
}

/// A free-standing text in the drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Horizontal position.
    pub x: i64,
    /// Baseline.
    pub y: i64,
    /// The text.
    pub text: String,
    /// CSS class.
    pub class: &'static str,
}

/// One period or interruption as a rectangle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// CSS class: "timeline__period" or "timeline__interruption".
    pub class: &'static str,
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width, at least a couple of units.
    pub width: i64,
    /// Height: a full lane at 100 %, proportionally less for part-time.
    pub height: i64,
    /// Top of the full-time outline drawn behind a part-time bar.
    pub full_y: i64,
    /// Height of that outline.
    pub full_height: i64,
    /// Whether the bar is below 100 %, so the outline is drawn.
    pub part_time: bool,
    /// Whether the bar is filled with the hatch pattern (interruptions).
    pub hatched: bool,
    /// The visible text above the bar, shortened to fit; `None` when there is no room (the
    /// table carries it).
    pub label: Option<String>,
    /// Where the text goes.
    pub label_x: i64,
    /// Its baseline.
    pub label_y: i64,
    /// SVG `text-anchor` of the text: "start" or "end".
    pub label_anchor: &'static str,
    /// The hover text: "Ziekenhuis 1, Radboudumc, 01-01-2026 tot 01-01-2027, 80 %".
    pub title: String,
}

/// A vertical line through all lanes with a text at the top.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// CSS classes: "timeline__marker timeline__marker--today" or "… --expected".
    pub class: &'static str,
    /// Where.
    pub x: i64,
    /// Top of the line.
    pub y1: i64,
    /// Bottom of the line.
    pub y2: i64,
    /// "Vandaag" or "Verwachte einddatum 01-10-2028".
    pub label: String,
    /// Where the text goes.
    pub label_x: i64,
    /// Its baseline.
    pub label_y: i64,
    /// SVG `text-anchor`: "start", "middle" or "end", so the text stays in the drawing.
    pub anchor: &'static str,
}

/// One line of the text equivalent of the drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineRow {
    /// "Periode" or "Onderbreking".
    pub kind: &'static str,
    /// The period's label or the interruption type's name.
    pub label: String,
    /// The institution's name.
    pub place: String,
    /// First day, "01-01-2026".
    pub from: String,
    /// End date, exclusive, "01-01-2027".
    pub to: String,
    /// "80 % deeltijd", "Voltijd", whether an interruption counts towards the 10 days, …
    pub detail: String,
}

/// The drawing of a schedule; `None` when it has no periods and no interruptions.
pub fn timeline(input: &TimelineInput) -> Option<Timeline> {
    let schedule = input.schedule;
    if schedule.periods.is_empty() && schedule.interruptions.is_empty() {
        return None;
    }

    let (first, last) = items_span(schedule)?;
    let (_, latest) = extent(schedule, input.totals)?;
    let scale = match input.cover {
        Some((from, to)) => Scale::new(first.min(from), latest.max(to)),
        None => Scale::new(first, latest),
    };

    // Chronological order, stable for equal dates: the lanes step down like a staircase and
    // the table reads in the same order.
    let mut periods: Vec<_> = schedule.periods.iter().enumerate().collect();
    periods.sort_by_key(|(i, p)| (p.start, p.end, *i));
    let mut interruptions: Vec<_> = schedule.interruptions.iter().enumerate().collect();
    interruptions.sort_by_key(|(i, b)| (b.start, b.end, *i));

    let mut bars = Vec::new();
    let mut rows = Vec::new();

    for (lane, (index, period)) in (0i64..).zip(&periods) {
        let lane_top = LANES_TOP + lane * LANE_PITCH;
        let (x, width) = scale.span(period.start, period.end);
        let pct = i64::from(period.part_time_pct.min(100));
        let height = ((BAR_HEIGHT * pct + 50) / 100).clamp(MIN_BAR_HEIGHT, BAR_HEIGHT);
        let full_y = lane_top + LANE_LABEL;
        let name = period_label(input, *index, period);
        let place = institution_name(input, period.institution);
        let pct_text = format!("{pct} %");
        let suffix = if pct < 100 {
            format!(", {pct_text}")
        } else {
            String::new()
        };
        let (label, label_x, label_anchor) =
            place_period_label(&name, &suffix, &pct_text, x, width);
        bars.push(Bar {
            class: "timeline__period",
            x,
            y: full_y + BAR_HEIGHT - height,
            width,
            height,
            full_y,
            full_height: BAR_HEIGHT,
            part_time: pct < 100,
            hatched: false,
            label,
            label_x,
            label_y: lane_top + LANE_LABEL - 4,
            label_anchor,
            title: format!(
                "{name}, {place}, {} tot {}, {pct_text}",
                format_date(period.start),
                format_date(period.end)
            ),
        });

        let mut details = Vec::new();
        if input.rules.parts.len() > 1
            && let Some(part) = input.rules.parts.get(period.part)
        {
            details.push(part.name.clone());
        }
        details.push(if pct < 100 {
            format!("{pct_text} deeltijd")
        } else {
            "Voltijd".to_owned()
        });
        if period.end <= period.start {
            details.push("einddatum ligt niet na de begindatum".to_owned());
        }
        rows.push((
            (period.start, 0, period.end, *index),
            TimelineRow {
                kind: "Periode",
                label: name,
                place,
                from: format_date(period.start),
                to: format_date(period.end),
                detail: details.join("; "),
            },
        ));
    }

    let section_top = LANES_TOP + i64::try_from(periods.len()).unwrap_or(0) * LANE_PITCH;
    let mut bottom = section_top - LANE_PITCH + LANE_LABEL + BAR_HEIGHT;
    let mut headings = Vec::new();
    if !interruptions.is_empty() {
        headings.push(Label {
            x: PLOT_LEFT,
            y: section_top + 14,
            text: "Onderbrekingen".to_owned(),
            class: "timeline__heading",
        });
        // Greedy lane packing: an interruption goes into the first lane whose last bar ends
        // before it starts, so overlapping interruptions are stacked, not hidden.
        let mut lane_ends: Vec<i64> = Vec::new();
        let mut placed: Vec<(usize, i64, i64)> = Vec::new();
        for (_, interruption) in &interruptions {
            let (x, width) = scale.span(interruption.start, interruption.end);
            let lane = match lane_ends.iter().position(|end| end + BAR_GAP <= x) {
                Some(lane) => lane,
                None => {
                    lane_ends.push(x);
                    lane_ends.len() - 1
                }
            };
            if let Some(end) = lane_ends.get_mut(lane) {
                *end = x + width;
            }
            placed.push((lane, x, width));
        }

        for (position, ((index, interruption), &(lane, x, width))) in
            interruptions.iter().zip(&placed).enumerate()
        {
            // A label may run on until the next bar in the same lane.
            let next_x = placed
                .iter()
                .skip(position + 1)
                .find(|other| other.0 == lane)
                .map_or(WIDTH - EDGE_GAP, |other| other.1 - EDGE_GAP);
            let lane_top =
                section_top + HEADING_HEIGHT + i64::try_from(lane).unwrap_or(0) * LANE_PITCH;
            let full_y = lane_top + LANE_LABEL;
            bottom = bottom.max(full_y + BAR_HEIGHT);
            let kind = input.rules.interruption_types.get(&interruption.kind);
            let name = match kind {
                Some(kind) => kind.name.clone(),
                None if interruption.kind.trim().is_empty() => "Onderbreking".to_owned(),
                None => interruption.kind.clone(),
            };
            let place = institution_name(input, interruption.institution);
            bars.push(Bar {
                class: "timeline__interruption",
                x,
                y: full_y,
                width,
                height: BAR_HEIGHT,
                full_y,
                full_height: BAR_HEIGHT,
                part_time: false,
                hatched: true,
                label: fit(&name, "", next_x - x),
                label_x: x,
                label_y: lane_top + LANE_LABEL - 4,
                label_anchor: "start",
                title: format!(
                    "Onderbreking: {name}, {place}, {} tot {}",
                    format_date(interruption.start),
                    format_date(interruption.end)
                ),
            });
            let mut details = vec![match kind {
                Some(kind) if kind.counts_towards_limit => {
                    "Telt mee voor de 10 werkdagen per opleidingsjaar".to_owned()
                }
                Some(_) => "Telt niet mee voor de 10 werkdagen per opleidingsjaar".to_owned(),
                None if interruption.kind.trim().is_empty() => {
                    "Onbekende soort onderbreking".to_owned()
                }
                None => format!("Onbekende soort onderbreking ({})", interruption.kind),
            }];
            if interruption.end <= interruption.start {
                details.push("einddatum ligt niet na de begindatum".to_owned());
            }
            rows.push((
                (interruption.start, 1, interruption.end, *index),
                TimelineRow {
                    kind: "Onderbreking",
                    label: name,
                    place,
                    from: format_date(interruption.start),
                    to: format_date(interruption.end),
                    detail: details.join("; "),
                },
            ));
        }
    }

    let axis_y = bottom + 8;
    let tick_label_y = axis_y + 18;
    let height = tick_label_y + 8;

    let mut markers = Vec::new();
    if scale.contains(input.today) {
        markers.push(marker(
            "timeline__marker timeline__marker--today",
            scale.x(input.today),
            "Vandaag".to_owned(),
            MARKER_ROW_TODAY,
            axis_y,
        ));
    }
    if let Some(expected) = input.totals.expected_end
        && scale.contains(expected)
    {
        markers.push(marker(
            "timeline__marker timeline__marker--expected",
            scale.x(expected),
            format!("Verwachte einddatum {}", format_date(expected)),
            MARKER_ROW_EXPECTED,
            axis_y,
        ));
    }

    rows.sort_by_key(|(key, _)| *key);
    let rows = rows.into_iter().map(|(_, row)| row).collect();

    let summary = summary(
        periods.len(),
        interruptions.len(),
        first,
        last,
        input.totals,
    );
    let month_labels = scale.months() <= MONTH_LABEL_LIMIT;

    Some(Timeline {
        id: "tijdlijn".to_owned(),
        title: "Tijdlijn van het opleidingsschema".to_owned(),
        summary,
        width: WIDTH,
        height,
        view_box: format!("0 0 {WIDTH} {height}"),
        plot_left: PLOT_LEFT,
        plot_right: PLOT_RIGHT,
        grid_top: LANES_TOP,
        axis_y,
        tick_label_y,
        axis_start: scale.start,
        axis_end: scale.end,
        year_ticks: year_ticks(&scale, month_labels),
        month_ticks: month_ticks(&scale, month_labels),
        headings,
        bars,
        markers,
        rows,
    })
}

/// Maps dates to x coordinates.
struct Scale {
    /// The 1st of the month of the earliest date.
    start: NaiveDate,
    /// The 1st of the month after the latest date, so the last bar never touches the edge.
    end: NaiveDate,
    /// Days from start to end, at least 1, so nothing divides by zero.
    days: i64,
}

impl Scale {
    fn new(earliest: NaiveDate, latest: NaiveDate) -> Scale {
        let start = first_of_month(earliest);
        let end = next_month(latest).unwrap_or(latest).max(start);
        Scale {
            start,
            end,
            days: days_between(start, end).max(1),
        }
    }

    fn x(&self, date: NaiveDate) -> i64 {
        let offset = days_between(self.start, date).clamp(0, self.days);
        let plot = (PLOT_RIGHT - PLOT_LEFT) as f64;
        PLOT_LEFT + (offset as f64 * plot / self.days as f64).round() as i64
    }

    /// Left edge and width of a bar: an end on or before the start still gets a bar at the
    /// start, so every entry in the table has something to point at.
    fn span(&self, start: NaiveDate, end: NaiveDate) -> (i64, i64) {
        let x = self.x(start).min(PLOT_RIGHT - MIN_BAR_WIDTH);
        let right = if end > start { self.x(end) } else { x };
        (x, (right - x).max(MIN_BAR_WIDTH))
    }

    fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Calendar months on the axis.
    fn months(&self) -> i64 {
        (i64::from(self.end.year()) - i64::from(self.start.year())) * 12
            + i64::from(self.end.month())
            - i64::from(self.start.month())
    }
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    first_of_month(date).checked_add_months(chrono::Months::new(1))
}

fn institution_name(input: &TimelineInput, id: Uuid) -> String {
    input
        .institution_names
        .get(&id)
        .filter(|name| !name.trim().is_empty())
        .map_or_else(|| UNKNOWN_INSTITUTION.to_owned(), Clone::clone)
}

/// The period's own label; failing that its part's name; failing that its number.
fn period_label(
    input: &TimelineInput,
    index: usize,
    period: &rules::schedule::model::Period,
) -> String {
    let label = period.label.trim();
    if !label.is_empty() {
        return label.to_owned();
    }
    match input.rules.parts.get(period.part) {
        Some(part) if !part.name.trim().is_empty() => part.name.trim().to_owned(),
        _ => format!("Periode {}", index + 1),
    }
}

/// Where a period's label goes. Its lane is its own, so the text may run past the bar: from
/// the bar's start rightwards, or, near the right edge, ending at the bar's end.
fn place_period_label(
    name: &str,
    suffix: &str,
    pct_text: &str,
    x: i64,
    width: i64,
) -> (Option<String>, i64, &'static str) {
    let wanted = text_width(name) + text_width(suffix);
    let room_right = WIDTH - EDGE_GAP - x;
    let room_left = x + width - EDGE_GAP;
    if wanted <= room_right || room_right >= room_left {
        (
            fit_with_suffix(name, suffix, pct_text, room_right),
            x,
            "start",
        )
    } else {
        (
            fit_with_suffix(name, suffix, pct_text, room_left),
            x + width,
            "end",
        )
    }
}

/// The label with its percentage suffix, the name shortened first so the percentage is kept;
/// just the percentage when the name does not fit at all.
fn fit_with_suffix(name: &str, suffix: &str, pct_text: &str, room: i64) -> Option<String> {
    match fit(name, suffix, room) {
        Some(label) => Some(label),
        None if !suffix.is_empty() => fit(pct_text, "", room),
        None => None,
    }
}

/// `text` + `suffix` if it fits in `room` units, else `text` shortened with "…" + `suffix`;
/// `None` when fewer than three characters of `text` would remain, as a stub says nothing.
fn fit(text: &str, suffix: &str, room: i64) -> Option<String> {
    let max_chars = (room.max(0) as f64 / CHAR_WIDTH).floor() as usize;
    let text_chars = text.chars().count();
    let suffix_chars = suffix.chars().count();
    if text_chars + suffix_chars <= max_chars {
        return Some(format!("{text}{suffix}"));
    }
    let keep = max_chars.checked_sub(suffix_chars + 1)?;
    if keep < 3 {
        return None;
    }
    let shortened: String = text.chars().take(keep).collect();
    Some(format!("{}…{suffix}", shortened.trim_end()))
}

fn text_width(text: &str) -> i64 {
    (text.chars().count() as f64 * CHAR_WIDTH).ceil() as i64
}

fn marker(class: &'static str, x: i64, label: String, label_y: i64, axis_y: i64) -> Marker {
    let half = text_width(&label) / 2;
    let (label_x, anchor) = if x - half < EDGE_GAP {
        (x.max(EDGE_GAP), "start")
    } else if x + half > WIDTH - EDGE_GAP {
        (x.min(WIDTH - EDGE_GAP), "end")
    } else {
        (x, "middle")
    };
    Marker {
        class,
        x,
        y1: label_y + 5,
        y2: axis_y,
        label,
        label_x,
        label_y,
        anchor,
    }
}

/// Year ticks on the 1st of January, every 1, 2, 5, 10, … years so there are never more than
/// [`MAX_YEAR_TICKS`]; plus a label at the axis start when the first tick is far from it, so
/// a short schedule within one year still shows its year.
fn year_ticks(scale: &Scale, month_labels: bool) -> Vec<Tick> {
    let first = i64::from(scale.start.year());
    let last = i64::from(scale.end.year());
    let span = (last - first + 1).max(1);
    let step = nice_step(span, MAX_YEAR_TICKS - 1);
    let remainder = first.rem_euclid(step);
    let mut year = if remainder == 0 {
        first
    } else {
        first + step - remainder
    };
    let mut ticks = Vec::new();
    while year <= last && ticks.len() < MAX_YEAR_TICKS as usize {
        if let Ok(y) = i32::try_from(year)
            && let Some(date) = NaiveDate::from_ymd_opt(y, 1, 1)
            && scale.contains(date)
        {
            let x = scale.x(date);
            ticks.push(tick(x, y.to_string()));
        }
        year += step;
    }

    let start_label = if month_labels {
        format!("{} {}", month_name(scale.start.month()), scale.start.year())
    } else {
        scale.start.year().to_string()
    };
    let first_x = ticks.first().map_or(PLOT_RIGHT, |t| t.x);
    if first_x > PLOT_LEFT + text_width(&start_label) + 8 {
        ticks.insert(0, tick(PLOT_LEFT, start_label));
    }
    ticks
}

/// The smallest of 1, 2, 5, 10, 20, 50, … that splits `span` into at most `max` pieces.
fn nice_step(span: i64, max: i64) -> i64 {
    let max = max.max(1);
    let mut base: i64 = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = base.saturating_mul(factor);
            if (span + step - 1) / step <= max {
                return step;
            }
        }
        if base > i64::MAX / 100 {
            return base;
        }
        base *= 10;
    }
}

/// Month ticks between the year ticks, for schedules up to ten years; labelled ("mrt") up to
/// two years, every three months beyond eighteen months so the labels do not collide.
fn month_ticks(scale: &Scale, labelled: bool) -> Vec<Tick> {
    let months = scale.months();
    if months > MONTH_TICK_LIMIT {
        return Vec::new();
    }
    let every = if months <= 18 { 1 } else { 3 };
    let mut ticks = Vec::new();
    let mut date = next_month(scale.start);
    while let Some(month) = date
        && month < scale.end
    {
        // January carries the year tick.
        if month.month() != 1 {
            let x = scale.x(month);
            let label = (labelled && month.month0() % every == 0)
                .then(|| month_name(month.month()).to_owned());
            ticks.push(match label {
                Some(label) => tick(x, label),
                None => Tick {
                    x,
                    label: None,
                    label_x: x,
                    anchor: "start",
                },
            });
        }
        date = next_month(month);
    }
    ticks
}

fn month_name(month: u32) -> &'static str {
    usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| MONTH_NAMES.get(m))
        .copied()
        .unwrap_or("")
}

/// A labelled tick: text just right of the line, or left of it near the right edge.
fn tick(x: i64, label: String) -> Tick {
    let (label_x, anchor) = if x + 3 + text_width(&label) > WIDTH - EDGE_GAP {
        (x - 3, "end")
    } else {
        (x + 3, "start")
    };
    Tick {
        x,
        label: Some(label),
        label_x,
        anchor,
    }
}

fn summary(
    periods: usize,
    interruptions: usize,
    first: NaiveDate,
    last: NaiveDate,
    totals: &Totals,
) -> String {
    let periods = match periods {
        1 => "1 periode".to_owned(),
        n => format!("{n} periodes"),
    };
    let interruptions = match interruptions {
        1 => "1 onderbreking".to_owned(),
        n => format!("{n} onderbrekingen"),
    };
    let mut text = format!(
        "{periods} en {interruptions} van {} tot {}",
        format_date(first),
        format_date(last)
    );
    if let Some(expected) = totals.expected_end {
        text.push_str(&format!("; verwachte einddatum {}", format_date(expected)));
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use askama::Template;
    use proptest::prelude::*;

    use super::*;
    use rules::schedule::model::{Interruption, InterruptionType, PartRule, Period};
    use rules::schedule::months::Months;

    const RADBOUD: Uuid = Uuid::from_u128(1);
    const AMC: Uuid = Uuid::from_u128(2);

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rules() -> SpecialtyRules {
        SpecialtyRules {
            name: "Internist".into(),
            parts: vec![PartRule {
                name: "Opleiding tot internist".into(),
                required: Months::whole(72),
                expected_periods: vec![],
            }],
            eu_minimum: None,
            recognitions: None,
            interruption_types: BTreeMap::from([
                (
                    "ZIEK".to_owned(),
                    InterruptionType {
                        name: "Ziekte".into(),
                        counts_towards_limit: true,
                    },
                ),
                (
                    "ZWAN".to_owned(),
                    InterruptionType {
                        name: "Zwangerschapsverlof".into(),
                        counts_towards_limit: false,
                    },
                ),
            ]),
        }
    }

    fn names() -> BTreeMap<Uuid, String> {
        BTreeMap::from([
            (RADBOUD, "Radboudumc".to_owned()),
            (AMC, "Amsterdam UMC".to_owned()),
        ])
    }

    fn totals(expected_end: Option<NaiveDate>) -> Totals {
        Totals {
            expected_end,
            ..Totals::default()
        }
    }

    fn period(label: &str, start: NaiveDate, end: NaiveDate, pct: u8) -> Period {
        Period {
            part: 0,
            label: label.into(),
            institution: RADBOUD,
            supervisor: None,
            start,
            end,
            part_time_pct: pct,
        }
    }

    fn interruption(kind: &str, start: NaiveDate, end: NaiveDate) -> Interruption {
        Interruption {
            kind: kind.into(),
            start,
            end,
            institution: RADBOUD,
        }
    }

    fn schedule(periods: Vec<Period>, interruptions: Vec<Interruption>) -> Schedule {
        Schedule {
            periods,
            interruptions,
            ..Schedule::default()
        }
    }

    fn draw(schedule: &Schedule, expected_end: Option<NaiveDate>, today: NaiveDate) -> Timeline {
        try_draw(schedule, expected_end, today).unwrap()
    }

    fn try_draw(
        schedule: &Schedule,
        expected_end: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<Timeline> {
        let rules = rules();
        let names = names();
        let totals = totals(expected_end);
        timeline(&TimelineInput {
            schedule,
            rules: &rules,
            institution_names: &names,
            totals: &totals,
            today,
            cover: None,
        })
    }

    fn periods(timeline: &Timeline) -> Vec<&Bar> {
        timeline
            .bars
            .iter()
            .filter(|b| b.class == "timeline__period")
            .collect()
    }

    fn interruptions(timeline: &Timeline) -> Vec<&Bar> {
        timeline
            .bars
            .iter()
            .filter(|b| b.class == "timeline__interruption")
            .collect()
    }

    fn today() -> NaiveDate {
        date(2026, 6, 15)
    }

    #[test]
    fn an_empty_schedule_draws_no_timeline() {
        assert_eq!(try_draw(&Schedule::default(), None, today()), None);
        assert_eq!(
            try_draw(&Schedule::default(), Some(date(2030, 1, 1)), today()),
            None
        );
    }

    #[test]
    fn a_part_time_period_is_drawn_lower_than_a_full_time_one_and_says_its_percentage() {
        let s = schedule(
            vec![
                period("Ziekenhuis 1", date(2026, 1, 1), date(2027, 1, 1), 100),
                period("Ziekenhuis 2", date(2027, 1, 1), date(2028, 1, 1), 80),
                period("Ziekenhuis 3", date(2028, 1, 1), date(2029, 1, 1), 50),
            ],
            vec![],
        );
        let t = draw(&s, None, today());
        let bars = periods(&t);
        assert_eq!(bars.len(), 3);
        let (full, eighty, half) = (bars[0], bars[1], bars[2]);
        assert_eq!(full.height, BAR_HEIGHT);
        assert!(eighty.height < full.height);
        assert_eq!(half.height * 2, full.height);
        // Bottom-aligned inside the full-time outline, so the difference is visible.
        assert_eq!(half.y + half.height, half.full_y + half.full_height);
        assert!(!full.part_time && eighty.part_time && half.part_time);
        assert_eq!(full.label.as_deref(), Some("Ziekenhuis 1"));
        assert_eq!(eighty.label.as_deref(), Some("Ziekenhuis 2, 80 %"));
        assert!(eighty.title.ends_with(", 80 %"), "{}", eighty.title);
        assert_eq!(t.rows[1].detail, "80 % deeltijd");
        assert_eq!(t.rows[0].detail, "Voltijd");
    }

    #[test]
    fn the_expected_end_is_marked_when_it_lies_after_the_last_period() {
        let s = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 1),
                date(2027, 1, 1),
                100,
            )],
            vec![],
        );
        let t = draw(&s, Some(date(2028, 10, 1)), date(2020, 1, 1));
        let marker = t
            .markers
            .iter()
            .find(|m| m.class.contains("--expected"))
            .unwrap();
        assert_eq!(marker.label, "Verwachte einddatum 01-10-2028");
        let bar = periods(&t)[0];
        assert!(marker.x > bar.x + bar.width);
        assert!(marker.x <= t.plot_right);
        assert!(t.axis_end > date(2028, 10, 1));
        assert!(t.summary.ends_with("; verwachte einddatum 01-10-2028."));
    }

    #[test]
    fn overlapping_periods_get_their_own_lanes() {
        let s = schedule(
            vec![
                period("B", date(2026, 6, 1), date(2027, 6, 1), 50),
                period("A", date(2026, 1, 1), date(2027, 1, 1), 50),
            ],
            vec![],
        );
        let t = draw(&s, None, today());
        let bars = periods(&t);
        assert_eq!(bars[0].label.as_deref(), Some("A, 50 %"));
        assert_eq!(bars[1].label.as_deref(), Some("B, 50 %"));
        assert!(bars[1].full_y >= bars[0].full_y + bars[0].full_height);
        // Both bars overlap in time and both are fully drawn.
        assert!(bars[1].x < bars[0].x + bars[0].width);
    }

    #[test]
    fn overlapping_interruptions_are_stacked_and_separate_ones_share_a_lane() {
        let s = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 1),
                date(2028, 1, 1),
                100,
            )],
            vec![
                interruption("ZIEK", date(2026, 3, 1), date(2026, 5, 1)),
                interruption("ZWAN", date(2026, 4, 1), date(2026, 8, 1)),
                interruption("ZIEK", date(2027, 3, 1), date(2027, 4, 1)),
            ],
        );
        let t = draw(&s, None, today());
        let bars = interruptions(&t);
        assert_eq!(bars.len(), 3);
        assert_ne!(bars[0].y, bars[1].y);
        assert_eq!(bars[0].y, bars[2].y);
    }

    #[test]
    fn interruptions_are_hatched_in_a_labelled_lane_below_the_periods() {
        let s = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 1),
                date(2027, 1, 1),
                100,
            )],
            vec![interruption("ZWAN", date(2026, 3, 1), date(2026, 9, 1))],
        );
        let t = draw(&s, None, today());
        let period = periods(&t)[0];
        let leave = interruptions(&t)[0];
        assert!(leave.hatched && !period.hatched);
        assert!(leave.y > period.full_y + period.full_height);
        assert_eq!(t.headings[0].text, "Onderbrekingen");
        assert!(t.headings[0].y > period.full_y + period.full_height);
        assert!(t.headings[0].y < leave.y);
        assert_eq!(leave.label.as_deref(), Some("Zwangerschapsverlof"));
        assert_eq!(
            leave.title,
            "Onderbreking: Zwangerschapsverlof, Radboudumc, 01-03-2026 tot 01-09-2026"
        );
        assert!(t.axis_y >= leave.y + leave.height);
        assert!(t.height > t.tick_label_y);
    }

    #[test]
    fn an_end_before_the_start_does_not_panic() {
        let s = schedule(
            vec![period(
                "Achterstevoren",
                date(2027, 1, 1),
                date(2026, 1, 1),
                100,
            )],
            vec![interruption("ZIEK", date(2026, 5, 1), date(2026, 4, 1))],
        );
        let t = draw(&s, Some(date(2025, 1, 1)), today());
        for bar in &t.bars {
            assert!(bar.width >= MIN_BAR_WIDTH);
            assert!(bar.x >= PLOT_LEFT && bar.x + bar.width <= PLOT_RIGHT);
        }
        assert_eq!(t.rows[1].from, "01-01-2027");
        assert_eq!(t.rows[1].to, "01-01-2026");
        assert!(
            t.rows[1]
                .detail
                .contains("einddatum ligt niet na de begindatum")
        );
    }

    #[test]
    fn a_single_day_schedule_still_gets_a_visible_bar_and_a_month_axis() {
        let s = schedule(
            vec![period("Eén dag", date(2026, 3, 10), date(2026, 3, 11), 100)],
            vec![],
        );
        let t = draw(&s, None, date(2026, 3, 10));
        assert_eq!(t.axis_start, date(2026, 3, 1));
        assert_eq!(t.axis_end, date(2026, 4, 1));
        assert!(periods(&t)[0].width >= MIN_BAR_WIDTH);
        // No 1st of January on the axis, so the start carries the month and year.
        assert_eq!(t.year_ticks[0].label.as_deref(), Some("mrt 2026"));
        assert!(t.markers.iter().any(|m| m.label == "Vandaag"));
    }

    #[test]
    fn the_axis_runs_from_the_first_of_the_month_to_the_month_after_the_last_date() {
        let s = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 15),
                date(2027, 1, 1),
                100,
            )],
            vec![],
        );
        let t = draw(&s, Some(date(2027, 2, 20)), today());
        assert_eq!(t.axis_start, date(2026, 1, 1));
        assert_eq!(t.axis_end, date(2027, 3, 1));
        assert!(periods(&t)[0].x > t.plot_left);
        assert_eq!(t.view_box, format!("0 0 960 {}", t.height));
    }

    #[test]
    fn two_versions_drawn_with_each_other_s_extent_share_one_axis() {
        let current = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 15),
                date(2027, 1, 1),
                100,
            )],
            vec![],
        );
        let proposed = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 3, 1),
                date(2028, 6, 1),
                100,
            )],
            vec![],
        );
        let (rules, names, totals) = (rules(), names(), totals(None));
        let cover = extent(&current, &totals)
            .zip(extent(&proposed, &totals))
            .map(|((a, b), (c, d))| (a.min(c), b.max(d)));
        assert_eq!(cover, Some((date(2026, 1, 15), date(2028, 6, 1))));
        let drawn = |s: &Schedule| {
            timeline(&TimelineInput {
                schedule: s,
                rules: &rules,
                institution_names: &names,
                totals: &totals,
                today: today(),
                cover,
            })
            .unwrap()
        };
        let (a, b) = (drawn(&current), drawn(&proposed));
        assert_eq!(
            (a.axis_start, a.axis_end),
            (date(2026, 1, 1), date(2028, 7, 1))
        );
        assert_eq!((b.axis_start, b.axis_end), (a.axis_start, a.axis_end));
        // The same date lies at the same x in both: the later start is drawn further right.
        assert!(periods(&b)[0].x > periods(&a)[0].x);
        assert!(periods(&b)[0].x + periods(&b)[0].width > periods(&a)[0].x + periods(&a)[0].width);
        // Without the cover the proposed version would start its axis in March.
        assert_eq!(draw(&proposed, None, today()).axis_start, date(2026, 3, 1));
    }

    #[test]
    fn today_is_marked_only_when_it_lies_on_the_axis() {
        let s = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 1),
                date(2027, 1, 1),
                100,
            )],
            vec![],
        );
        let on = draw(&s, None, date(2026, 6, 1));
        let before = draw(&s, None, date(2020, 6, 1));
        let after = draw(&s, None, date(2040, 6, 1));
        assert_eq!(on.markers.len(), 1);
        assert_eq!(on.markers[0].label, "Vandaag");
        assert!(before.markers.is_empty());
        assert!(after.markers.is_empty());
    }

    #[test]
    fn rows_for_screen_readers_are_in_chronological_order_with_dutch_dates() {
        let mut amc = period("Ziekenhuis 2", date(2027, 1, 1), date(2028, 1, 1), 100);
        amc.institution = AMC;
        let s = schedule(
            vec![
                amc,
                period("Ziekenhuis 1", date(2026, 1, 1), date(2027, 1, 1), 80),
            ],
            vec![interruption("ZIEK", date(2026, 2, 2), date(2026, 2, 5))],
        );
        let t = draw(&s, None, today());
        assert_eq!(
            t.rows,
            vec![
                TimelineRow {
                    kind: "Periode",
                    label: "Ziekenhuis 1".into(),
                    place: "Radboudumc".into(),
                    from: "01-01-2026".into(),
                    to: "01-01-2027".into(),
                    detail: "80 % deeltijd".into(),
                },
                TimelineRow {
                    kind: "Onderbreking",
                    label: "Ziekte".into(),
                    place: "Radboudumc".into(),
                    from: "02-02-2026".into(),
                    to: "05-02-2026".into(),
                    detail: "Telt mee voor de 10 werkdagen per opleidingsjaar".into(),
                },
                TimelineRow {
                    kind: "Periode",
                    label: "Ziekenhuis 2".into(),
                    place: "Amsterdam UMC".into(),
                    from: "01-01-2027".into(),
                    to: "01-01-2028".into(),
                    detail: "Voltijd".into(),
                },
            ]
        );
        assert_eq!(
            t.summary,
            "2 periodes en 1 onderbreking van 01-01-2026 tot 01-01-2028."
        );
    }

    #[test]
    fn the_title_of_a_bar_names_label_place_dates_and_percentage() {
        let s = schedule(
            vec![period(
                "Ziekenhuis 1",
                date(2026, 1, 1),
                date(2027, 1, 1),
                80,
            )],
            vec![],
        );
        let t = draw(&s, None, today());
        assert_eq!(
            periods(&t)[0].title,
            "Ziekenhuis 1, Radboudumc, 01-01-2026 tot 01-01-2027, 80 %"
        );
    }

    #[test]
    fn a_missing_institution_and_an_unknown_interruption_type_are_named_sensibly() {
        let mut p = period("", date(2026, 1, 1), date(2027, 1, 1), 100);
        p.institution = Uuid::from_u128(99);
        let s = schedule(
            vec![p],
            vec![interruption("XYZ", date(2026, 2, 1), date(2026, 3, 1))],
        );
        let t = draw(&s, None, today());
        assert_eq!(t.rows[0].place, UNKNOWN_INSTITUTION);
        // An empty label falls back to the part's name.
        assert_eq!(t.rows[0].label, "Opleiding tot internist");
        assert_eq!(t.rows[1].label, "XYZ");
        assert_eq!(t.rows[1].detail, "Onbekende soort onderbreking (XYZ)");
        assert!(interruptions(&t)[0].title.starts_with("Onderbreking: XYZ"));
    }

    #[test]
    fn a_long_label_is_shortened_and_one_without_room_is_left_out() {
        let long = "Een bijzonder lange omschrijving van een periode die nergens past ".repeat(4);
        let s = schedule(
            vec![period(&long, date(2026, 1, 1), date(2027, 1, 1), 60)],
            vec![
                interruption("ZWAN", date(2026, 2, 1), date(2026, 2, 3)),
                interruption("ZWAN", date(2026, 2, 5), date(2026, 2, 8)),
            ],
        );
        let t = draw(&s, None, today());
        let label = periods(&t)[0].label.clone().unwrap();
        assert!(label.contains('…') && label.ends_with(", 60 %"), "{label}");
        assert!(text_width(&label) <= WIDTH);
        let squeezed = interruptions(&t);
        assert_eq!(squeezed[0].y, squeezed[1].y);
        assert_eq!(squeezed[0].label, None);
        // The table keeps the whole text.
        assert_eq!(t.rows[0].label, long.trim());
    }

    #[test]
    fn labels_near_the_right_edge_end_at_their_bar() {
        let s = schedule(
            vec![
                period("Ziekenhuis 1", date(2026, 1, 1), date(2035, 1, 1), 100),
                period("Buitenland", date(2034, 11, 1), date(2035, 1, 1), 100),
            ],
            vec![],
        );
        let t = draw(&s, None, today());
        let late = periods(&t)[1];
        assert_eq!(late.label_anchor, "end");
        assert_eq!(late.label_x, late.x + late.width);
        assert_eq!(late.label.as_deref(), Some("Buitenland"));
    }

    #[test]
    fn year_ticks_stay_few_for_a_very_long_schedule() {
        let s = schedule(
            vec![period("Lang", date(2000, 1, 1), date(2040, 1, 1), 100)],
            vec![],
        );
        let t = draw(&s, None, today());
        assert!(t.year_ticks.len() <= MAX_YEAR_TICKS as usize);
        assert!(t.year_ticks.len() >= 5);
        assert!(t.month_ticks.is_empty());
        let labels: Vec<_> = t
            .year_ticks
            .iter()
            .filter_map(|t| t.label.as_deref())
            .collect();
        assert_eq!(labels[0], "2000");
        assert!(labels.contains(&"2020"));
        assert!(t.year_ticks.windows(2).all(|w| w[0].x < w[1].x));
    }

    #[test]
    fn a_short_schedule_has_a_tick_for_every_year_and_labelled_months() {
        let s = schedule(
            vec![period("Kort", date(2026, 1, 1), date(2027, 1, 1), 100)],
            vec![],
        );
        let t = draw(&s, None, today());
        let years: Vec<_> = t
            .year_ticks
            .iter()
            .filter_map(|t| t.label.as_deref())
            .collect();
        assert_eq!(years, ["2026", "2027"]);
        // February to December; January carries the year.
        assert_eq!(t.month_ticks.len(), 11);
        assert_eq!(t.month_ticks[1].label.as_deref(), Some("mrt"));
    }

    #[test]
    fn the_farthest_dates_do_not_panic() {
        let s = schedule(
            vec![
                period("Begin", NaiveDate::MIN, NaiveDate::MIN, 0),
                period("Eind", NaiveDate::MAX, NaiveDate::MAX, 255),
            ],
            vec![interruption("", NaiveDate::MAX, NaiveDate::MIN)],
        );
        let t = draw(&s, Some(NaiveDate::MAX), NaiveDate::MAX);
        assert!(t.year_ticks.len() <= MAX_YEAR_TICKS as usize);
        assert!(t.bars.iter().all(|b| b.x >= 0 && b.x + b.width <= WIDTH));
        assert_eq!(t.rows.len(), 3);
    }

    proptest! {
        #[test]
        fn every_bar_and_marker_stays_inside_the_drawing(
            entries in prop::collection::vec((-20_000i64..20_000, -400i64..5_000, any::<u8>(), any::<bool>()), 1..12),
            expected in proptest::option::of(-20_000i64..30_000),
            today in -20_000i64..30_000,
        ) {
            let base = date(2026, 1, 1);
            let day = |offset: i64| base + chrono::Duration::days(offset);
            let mut s = Schedule::default();
            for (start, length, pct, is_interruption) in entries {
                if is_interruption {
                    s.interruptions.push(interruption("ZIEK", day(start), day(start + length)));
                } else {
                    s.periods.push(period("P", day(start), day(start + length), pct));
                }
            }
            let t = draw(&s, expected.map(day), day(today));
            prop_assert!(t.year_ticks.len() <= MAX_YEAR_TICKS as usize);
            prop_assert_eq!(t.rows.len(), s.periods.len() + s.interruptions.len());
            for bar in &t.bars {
                prop_assert!(bar.x >= PLOT_LEFT && bar.x + bar.width <= PLOT_RIGHT);
                prop_assert!(bar.width >= MIN_BAR_WIDTH && bar.height >= MIN_BAR_HEIGHT);
                prop_assert!(bar.y >= LANES_TOP && bar.y + bar.height <= t.axis_y);
            }
            for marker in &t.markers {
                prop_assert!(marker.x >= PLOT_LEFT && marker.x <= PLOT_RIGHT);
            }
        }
    }

    #[derive(Template)]
    #[template(
        source = r#"{% if let Some(timeline) = timeline %}{% include "partials/timeline.html" %}{% endif %}"#,
        ext = "html"
    )]
    struct Page {
        timeline: Option<Timeline>,
    }

    #[test]
    fn the_partial_draws_an_accessible_svg_without_inline_styles_and_escapes_labels() {
        let s = schedule(
            vec![
                period(
                    "<script>alert(1)</script>",
                    date(2026, 1, 1),
                    date(2027, 1, 1),
                    80,
                ),
                period("Ziekenhuis 2", date(2027, 1, 1), date(2028, 1, 1), 100),
            ],
            vec![interruption("ZIEK", date(2026, 3, 1), date(2026, 4, 1))],
        );
        let html = Page {
            timeline: Some(draw(&s, Some(date(2028, 10, 1)), today())),
        }
        .render()
        .unwrap();
        assert!(html.contains(r#"role="img""#), "{html}");
        assert!(html.contains(r#"aria-labelledby="tijdlijn-titel tijdlijn-beschrijving""#));
        assert!(html.contains(r#"<title id="tijdlijn-titel">"#));
        assert!(html.contains(r#"<desc id="tijdlijn-beschrijving">"#));
        assert!(html.contains(r#"focusable="false""#));
        assert!(!html.contains("style="), "{html}");
        assert!(!html.contains("<style"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
        assert!(html.contains(r#"fill="url(#tijdlijn-arcering)""#));
        assert!(html.contains("Verwachte einddatum 01-10-2028"));
        assert!(html.contains("<summary>Tijdlijn als tabel</summary>"));
        assert!(html.contains(r#"<th scope="col">Bijzonderheden</th>"#));
        assert!(html.contains("<td>80 % deeltijd</td>"));

        let empty = Page { timeline: None }.render().unwrap();
        assert!(empty.trim().is_empty());
    }
}
