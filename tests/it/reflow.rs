//! Reflow (WCAG 2.1, 1.4.10), which axe-core cannot see: at 320 CSS pixels no page scrolls
//! sideways. A real browser, 320 pixels wide, follows every link each demo role can reach
//! (each page shape twice at most) and fails on a document wider than its viewport, naming the
//! elements that stick out. A table or a drawing may be wider than the screen only inside its
//! own scrolling region (`.table-scroll`, the timeline's canvas), which the document does not
//! count.

use std::collections::{BTreeMap, HashSet, VecDeque};

use crate::helpers::TestApp;
use crate::helpers::accounts::seed_demo;
use crate::helpers::browser::Browser;
use crate::helpers::database::database;

/// The narrowest viewport WCAG asks a page to work at without scrolling sideways.
const WIDTH: u32 = 320;

/// How often a page shape (its path with ids replaced) is measured.
const PAGES_PER_SHAPE: usize = 2;

/// What the browser says about the page it shows: `null` when it fits, otherwise the widths
/// and the elements that stick out beyond the viewport outside any scrolling region.
const MEASURE: &str = r#"
const root = document.documentElement;
const viewport = root.clientWidth;
if (root.scrollWidth <= viewport) { return null; }
const inScroller = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const overflow = getComputedStyle(p).overflowX;
    if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { return true; }
  }
  return false;
};
const wide = [];
for (const el of document.querySelectorAll('body *')) {
  if (!el.checkVisibility()) { continue; }
  const right = el.getBoundingClientRect().right;
  if (right > viewport + 0.5 && !inScroller(el)) {
    const classes = typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes + ' (' + Math.round(right) + ')');
    if (wide.length >= 6) { break; }
  }
}
return root.scrollWidth + ' px in a viewport of ' + viewport + ' px: ' + wide.join(', ');
"#;

/// The portal's own links on the current page, without fragments.
const LINKS: &str = r#"
return Array.from(document.querySelectorAll('a[href]'))
  .map((a) => a.getAttribute('href'))
  .filter((href) => href.startsWith('/') && !href.startsWith('//'))
  .map((href) => href.split('#')[0]);
"#;

/// Whether `path` is a page (not a download, which a browser would save).
fn is_page(path: &str) -> bool {
    let bare = path.split('?').next().unwrap_or(path);
    ![".csv", ".xlsx", ".pdf", "/pdf", "/brief", "/bewijs"]
        .iter()
        .any(|end| bare.ends_with(end))
        && !bare.starts_with("/static/")
}

/// Follows every link from `start` in `browser` (already 320 pixels wide) and returns one
/// line per page that scrolls sideways.
async fn crawl(app: &TestApp, browser: &Browser, start: &[&str]) -> (usize, Vec<String>) {
    let mut queue: VecDeque<String> = start.iter().map(|s| (*s).to_owned()).collect();
    let mut seen = HashSet::new();
    let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
    let mut too_wide = Vec::new();
    let mut measured = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || !is_page(&path) {
            continue;
        }
        let visits = per_shape.entry(crate::bad_input::shape(&path)).or_default();
        if *visits >= PAGES_PER_SHAPE {
            continue;
        }
        *visits += 1;
        browser.driver.goto(app.url(&path)).await.expect("open");
        measured += 1;
        let result = browser
            .driver
            .execute(MEASURE, Vec::new())
            .await
            .expect("measure");
        if let Some(problem) = result.json().as_str() {
            too_wide.push(format!("{path}: {problem}"));
        }
        let links = browser
            .driver
            .execute(LINKS, Vec::new())
            .await
            .expect("links");
        for link in links.json().as_array().into_iter().flatten() {
            if let Some(href) = link.as_str() {
                queue.push_back(href.to_owned());
            }
        }
    }
    (measured, too_wide)
}

/// Logs in as each of `users` in turn (none: a visitor) at 320 pixels and crawls what they
/// reach; fails with every page that scrolls sideways.
async fn no_page_scrolls_sideways_for(users: &[&str]) {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let browser = Browser::start().await;
    browser
        .driver
        .set_window_rect(0, 0, WIDTH, 900)
        .await
        .expect("a narrow window");
    let mut problems = Vec::new();
    let mut measured = 0;
    if users.is_empty() {
        let (pages, wide) = crawl(&app, &browser, &["/", "/inloggen", "/register"]).await;
        measured += pages;
        problems.extend(wide);
    }
    for user in users {
        browser.log_in_demo(&app, user).await;
        let (pages, wide) = crawl(&app, &browser, &["/start"]).await;
        measured += pages;
        problems.extend(wide.into_iter().map(|line| format!("{user} {line}")));
        browser.log_out().await;
    }
    browser.close().await;
    assert!(measured > 5, "the crawl measured {measured} pages");
    assert!(
        problems.is_empty(),
        "{} of {measured} pages scroll sideways at {WIDTH} px:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[tokio::test]
async fn no_public_page_scrolls_sideways_at_320_pixels() {
    no_page_scrolls_sideways_for(&[]).await;
}

#[tokio::test]
async fn no_page_of_the_aios_or_the_specialist_scrolls_sideways_at_320_pixels() {
    no_page_scrolls_sideways_for(&["demo.aios", "demo.specialist"]).await;
}

#[tokio::test]
async fn no_page_of_the_opleider_or_the_ondersteuner_scrolls_sideways_at_320_pixels() {
    no_page_scrolls_sideways_for(&["demo.opleider", "demo.ondersteuner"]).await;
}

#[tokio::test]
async fn no_page_of_the_contactpersoon_or_the_rgs_scrolls_sideways_at_320_pixels() {
    no_page_scrolls_sideways_for(&["demo.contactpersoon", "demo.rgs"]).await;
}

#[tokio::test]
async fn the_reflow_check_does_report_a_page_that_is_too_wide() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let browser = Browser::start().await;
    browser
        .driver
        .set_window_rect(0, 0, WIDTH, 900)
        .await
        .expect("a narrow window");
    browser
        .driver
        .goto(app.url("/inloggen"))
        .await
        .expect("open");
    assert_eq!(
        browser
            .driver
            .execute(MEASURE, Vec::new())
            .await
            .expect("measure")
            .json(),
        &serde_json::Value::Null,
        "the login page fits"
    );
    // A fixed-width block added to a page that fits makes it too wide.
    browser
        .driver
        .execute(
            "const wide = document.createElement('div'); wide.id = 'te-breed'; \
             wide.textContent = 'x'; wide.setAttribute('class', 'proef'); \
             wide.style.width = '600px'; document.querySelector('main').appendChild(wide);",
            Vec::new(),
        )
        .await
        .expect("widen the page");
    let result = browser
        .driver
        .execute(MEASURE, Vec::new())
        .await
        .expect("measure");
    let problem = result.json().as_str().unwrap_or_default().to_owned();
    browser.close().await;
    assert!(problem.contains("div#te-breed.proef"), "{problem:?}");
}
