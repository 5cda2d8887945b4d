//! Recognises page furniture by class: share buttons, ads, navigation, newsletter
//! boxes, legal footers, related-article lists, browser notices, gallery widgets,
//! comment sections and language switchers.
//!
//! The rules describe *kinds* of furniture by their vocabulary, never the exact lines
//! of one site. Each rule also caps the number of words it may match: furniture is
//! terse, so a long line is only removed by a strong, unmistakable phrase (the small
//! print under a newsletter box). Lines at the edges of the page (before the first
//! and after the last real paragraph) get a slightly higher cap, because that is where
//! furniture clusters.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::facts::Facts;
use crate::parse::RemovalReason;

/// Where a line sits relative to the article body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    /// Before the first or after the last body-like paragraph.
    Edge,
    /// Between body paragraphs.
    Body,
}

/// Lines longer than this are only removed by a strong pattern.
pub(crate) const LONG_LINE_WORDS: usize = 25;

/// Strong phrases may still not remove lines longer than this.
const STRONG_MAX_WORDS: usize = 45;

/// Names of languages, as they appear in "Read this article in Japanese" switchers.
const LANGUAGES: &[&str] = &[
    "english",
    "japanese",
    "chinese",
    "korean",
    "french",
    "german",
    "spanish",
    "russian",
    "ukrainian",
    "arabic",
    "portuguese",
    "italian",
    "vietnamese",
    "thai",
    "indonesian",
    "malay",
    "hindi",
    "turkish",
    "polish",
    "dutch",
    "persian",
    "hebrew",
    "日本語",
    "中文",
    "한국어",
    "español",
    "français",
    "deutsch",
    "русском",
    "русский",
    "українською",
];

/// A furniture rule: does the line, in this zone, belong to the rule's class?
type Rule = fn(&Facts, Zone) -> bool;

/// Classifies a line as furniture, or `None` if it may be content.
pub(crate) fn classify(f: &Facts, zone: Zone) -> Option<RemovalReason> {
    if f.len() == 0 {
        return None;
    }
    if let Some(reason) = strong(f) {
        return Some(reason);
    }
    if f.len() > LONG_LINE_WORDS {
        return None;
    }
    let rules: [(RemovalReason, Rule); 10] = [
        (RemovalReason::Language, is_language_switch),
        (RemovalReason::Share, is_share),
        (RemovalReason::Advertisement, is_advertisement),
        (RemovalReason::Navigation, is_navigation),
        (RemovalReason::Newsletter, is_newsletter),
        (RemovalReason::Copyright, is_copyright),
        (RemovalReason::Related, is_related),
        (RemovalReason::Notice, is_notice),
        (RemovalReason::Gallery, is_gallery),
        (RemovalReason::Comments, is_comments),
    ];
    rules
        .iter()
        .find(|(_, rule)| rule(f, zone))
        .map(|(reason, _)| *reason)
}

/// Whether a line is a heading that introduces a related-articles list, so that the
/// bulleted lines right under it belong to the list.
pub(crate) fn opens_related_list(f: &Facts, zone: Zone) -> bool {
    // A bare label ("RELATED:", "Related Articles"), not a labelled link
    // ("RELATED: Some headline").
    let bare = !f.lower.trim_end_matches(':').contains(':');
    bare && f.len() <= 5 && is_related(f, zone)
}

/// Word cap depending on the zone.
fn cap(zone: Zone, body: usize, edge: usize) -> usize {
    match zone {
        Zone::Body => body,
        Zone::Edge => edge,
    }
}

/// Newsletter small print, furniture whatever the line's length.
const NEWSLETTER_SMALL_PRINT: &[&str] = &[
    "by clicking subscribe",
    "by subscribing",
    "not intended for persons residing in",
    "promotional material from",
    "unsubscribe at any time",
];

/// Browser and cookie notices, furniture whatever the line's length.
const BROWSER_NOTICES: &[&str] = &[
    "switch browsers",
    "browser is no longer supported",
    "browser is not supported",
    "update your browser",
    "upgrade your browser",
    "enable javascript",
    "javascript is disabled",
    "javascript is required",
    "we use cookies",
    "this site uses cookies",
    "this website uses cookies",
    "accept cookies",
    "accept all cookies",
    "cookie settings",
    "cookie preferences",
    "manage cookies",
];

const COPYRIGHT_NOTICE: &str = "all rights reserved";

/// The longest word of every strong phrase. A line's words are runs of its
/// lower-cased text, so a line that contains a phrase contains each of its words as
/// text: most lines contain none of these, and are spared the search for each phrase
/// word by word, which was most of the time spent classifying lines.
static STRONG_PHRASE_KEYS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    let phrases = NEWSLETTER_SMALL_PRINT
        .iter()
        .chain(BROWSER_NOTICES)
        .chain([&COPYRIGHT_NOTICE]);
    let keys = phrases.map(|phrase| {
        phrase
            .split(' ')
            .max_by_key(|word| word.len())
            .unwrap_or(phrase)
    });
    AhoCorasick::new(keys).ok()
});

/// Phrases that identify furniture whatever the line's length: newsletter small
/// print, browser and cookie notices, "All rights reserved".
fn strong(f: &Facts) -> Option<RemovalReason> {
    if f.len() > STRONG_MAX_WORDS {
        return None;
    }
    let may_contain_a_phrase = STRONG_PHRASE_KEYS
        .as_ref()
        .is_none_or(|keys| keys.is_match(&f.lower));
    if !may_contain_a_phrase {
        return None;
    }
    strong_by_phrase(f)
}

/// [`strong`], asking for each phrase.
fn strong_by_phrase(f: &Facts) -> Option<RemovalReason> {
    if f.has_any(NEWSLETTER_SMALL_PRINT) {
        return Some(RemovalReason::Newsletter);
    }
    if f.has_any(BROWSER_NOTICES) {
        return Some(RemovalReason::Notice);
    }
    if f.has(COPYRIGHT_NOTICE) {
        return Some(RemovalReason::Copyright);
    }
    None
}

/// "Read this article in Japanese", "(Read the article in Japanese.)", "Read in
/// English", "このページを 日本語 で読む", a lone language name.
fn is_language_switch(f: &Facts, _zone: Zone) -> bool {
    if f.len() > 10 {
        return false;
    }
    if f.lower.contains("で読む") || f.lower.contains("で読みます") {
        return true;
    }
    if f.len() == 1 && LANGUAGES.contains(&f.word(0)) {
        return true;
    }
    let names_language_after_in = f
        .words()
        .zip(f.words().skip(1))
        .any(|(first, second)| first == "in" && LANGUAGES.contains(&second));
    let reads_or_offers = f.starts("read")
        || f.has("available in")
        || f.has("version")
        || f.has("edition")
        || f.has("switch to");
    names_language_after_in && reads_or_offers
}

/// Share buttons: "Share on X", "Share this article", "Tweet", lone network names.
fn is_share(f: &Facts, _zone: Zone) -> bool {
    const SHARE_FOLLOWERS: &[&str] = &[
        "on", "to", "via", "with", "this", "article", "story", "page", "post", "link", "by",
    ];
    if f.len() > 6 {
        return false;
    }
    if f.word(0) == "share" && (f.len() == 1 || SHARE_FOLLOWERS.contains(&f.word(1))) {
        return true;
    }
    if f.is_any(&[
        "tweet",
        "pin it",
        "email",
        "e mail",
        "print",
        "copy link",
        "copy the link",
        "link copied",
        "whatsapp",
        "facebook",
        "twitter",
        "linkedin",
        "line",
        "x",
        "reddit",
        "telegram",
        "pinterest",
        "flipboard",
        "messenger",
        "gift article",
        "gift this article",
        "shares",
    ]) {
        return true;
    }
    let verb = ["tweet", "email", "print", "post", "send"].contains(&f.word(0));
    let object = ["this", "to", "on", "via"].contains(&f.word(1));
    if verb && object && f.len() <= 4 {
        return true;
    }
    // "12 shares"
    f.len() == 2 && f.word(0).chars().all(|c| c.is_ascii_digit()) && f.word(1) == "shares"
}

/// "Advertisement", "Sponsored", "Ad", "Story continues below advertisement".
fn is_advertisement(f: &Facts, _zone: Zone) -> bool {
    if f.len() > 6 {
        return false;
    }
    // "Advertising revenue fell." is a sentence; furniture has no full stop.
    let sentence = f.lower.ends_with('.');
    if !sentence && (f.has_word("advertisement") || f.has_word("advertisements")) {
        return true;
    }
    if f.starts("sponsored by") || f.starts("presented by") || f.starts("in partnership with") {
        return true;
    }
    f.is_any(&[
        "ad",
        "ads",
        "sponsored",
        "sponsored content",
        "sponsored post",
        "promoted",
        "promoted content",
        "paid content",
        "paid post",
        "partner content",
        "advertise with us",
        "continue reading below",
        "scroll to continue",
        "scroll to continue reading",
        "scroll to continue with content",
    ])
}

/// Site navigation: "Main navigation", "Skip to content", "Menu", "Sections", "About
/// CNA", "Follow us on X", "Follow our news".
fn is_navigation(f: &Facts, _zone: Zone) -> bool {
    if f.len() > 6 || f.lower.ends_with('.') {
        return false;
    }
    if f.is_any(&[
        "navigation",
        "main navigation",
        "site navigation",
        "toggle navigation",
        "skip navigation",
        "skip to content",
        "skip to main content",
        "skip to navigation",
        "menu",
        "main menu",
        "open menu",
        "close menu",
        "search",
        "home",
        "homepage",
        "sections",
        "all sections",
        "back to top",
        "log in",
        "login",
        "sign in",
        "register",
        "my account",
        "breadcrumb",
        "you are here",
        "contact us",
        "sitemap",
        "site map",
        "top stories",
        "latest news",
    ]) {
        return true;
    }
    if f.starts("follow us") || f.starts("follow our") || f.starts("connect with us") {
        return true;
    }
    // "CNA Sections", "News sections"
    if f.len() <= 3 && f.words().next_back().is_some_and(|w| w == "sections") {
        return true;
    }
    // "About CNA", "About us": a short "About" link, not "About the Author" prose.
    f.word(0) == "about" && (2..=3).contains(&f.len())
}

/// Newsletter boxes: "Stay informed with our newsletters", "Sign up for …",
/// "Subscribe".
fn is_newsletter(f: &Facts, zone: Zone) -> bool {
    let mentions_newsletter = f.has_word("newsletter") || f.has_word("newsletters");
    let pitch = f.has_any(&[
        "sign up",
        "subscribe",
        "stay informed",
        "inbox",
        "our",
        "get",
        "receive",
        "free",
        "daily",
        "weekly",
    ]);
    if mentions_newsletter && pitch {
        return true;
    }
    if f.has_any(&[
        "stay informed",
        "delivered to your inbox",
        "straight to your inbox",
        "in your inbox",
    ]) && f.len() <= 20
    {
        return true;
    }
    if f.is_any(&[
        "subscribe",
        "subscribe now",
        "sign up",
        "sign up now",
        "subscribe here",
    ]) {
        return true;
    }
    let imperative = f.starts("subscribe to") || f.starts("sign up for") || f.starts("sign up to");
    imperative && f.len() <= cap(zone, 6, 12)
}

/// Copyright and legal footers: "© 2024 Foo", "Copyright© Mediacorp 2022", "Terms of
/// use", "Privacy policy".
fn is_copyright(f: &Facts, zone: Zone) -> bool {
    let starts_with_mark =
        f.lower.starts_with('©') || f.lower.starts_with("(c) ") || f.lower.starts_with("copyright");
    let has_year_or_mark = f.lower.contains('©')
        || f.words()
            .any(|w| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()));
    if starts_with_mark && has_year_or_mark && f.len() <= cap(zone, 15, LONG_LINE_WORDS) {
        return true;
    }
    f.len() <= 6
        && f.has_any(&[
            "terms of use",
            "terms of service",
            "terms and conditions",
            "terms conditions",
            "privacy policy",
            "privacy notice",
        ])
}

/// "Related Articles", "RELATED:", "Also worth reading", "Read more", "More from X",
/// and "Related: <headline>" links.
fn is_related(f: &Facts, zone: Zone) -> bool {
    const LABELS: &[&str] = &[
        "related",
        "related articles",
        "related article",
        "related stories",
        "related story",
        "related content",
        "related news",
        "related posts",
        "related links",
        "related coverage",
        "related topics",
        "related reading",
        "also worth reading",
        "worth reading",
        "read more",
        "read also",
        "also read",
        "see also",
        "more stories",
        "more news",
        "more on this",
        "more on this story",
        "more on this topic",
        "recommended",
        "recommended for you",
        "recommended stories",
        "recommended articles",
        "you may also like",
        "you might also like",
        "you may have missed",
        "editor's picks",
        "most read",
        "most popular",
        "popular",
        "trending",
        "trending now",
        "further reading",
        "read next",
        "up next",
        "what to read next",
        "don't miss",
    ];
    if f.is_any(LABELS) && !f.lower.ends_with('.') {
        return true;
    }
    if f.starts("more from") && f.len() <= 5 && !f.lower.ends_with('.') {
        return true;
    }
    // "RELATED: Some headline" / "Read more: Some headline"
    let labelled_link = [
        "related:",
        "related article:",
        "related story:",
        "read more:",
        "read also:",
        "also read:",
        "see also:",
        "recommended:",
        "more:",
    ]
    .iter()
    .any(|label| f.lower.starts_with(label));
    labelled_link && f.len() <= cap(zone, 20, LONG_LINE_WORDS)
}

/// Browser, cookie and JavaScript notices not caught by the strong phrases.
fn is_notice(f: &Facts, zone: Zone) -> bool {
    let browser = f.has_word("browser") || f.has_word("browsers");
    let cookies = f.has_word("cookies") || f.has_word("cookie");
    let javascript = f.has_word("javascript");
    let action = f.has_any(&[
        "supported",
        "switch",
        "update",
        "upgrade",
        "outdated",
        "enable",
        "accept",
        "consent",
        "allow",
        "disabled",
    ]);
    (browser || cookies || javascript) && action && f.len() <= cap(zone, 12, LONG_LINE_WORDS)
}

/// Gallery widgets: "Photo Gallery3 total", "Photo Selection", "View gallery", "12
/// photos", "Check out the best photos for you."
fn is_gallery(f: &Facts, _zone: Zone) -> bool {
    const PICTURES: &[&str] = &[
        "photo",
        "photos",
        "gallery",
        "galleries",
        "images",
        "pictures",
        "photographs",
        "slideshow",
    ];
    if f.len() > 10 {
        return false;
    }
    if f.starts("photo gallery") || f.starts("gallery") || f.starts("photo selection") {
        return f.len() <= 5;
    }
    if f.is_any(&[
        "slideshow",
        "enlarge",
        "enlarge image",
        "enlarge photo",
        "click to enlarge",
        "expand image",
        "open gallery",
        "view all photos",
        "see all photos",
    ]) {
        return true;
    }
    let counted = f.len() <= 3
        && f.word(0).chars().all(|c| c.is_ascii_digit())
        && ["photos", "images", "pictures", "photographs", "slides"].contains(&f.word(1));
    if counted {
        return true;
    }
    let invites = ["check", "view", "see", "browse", "open", "more", "watch"].contains(&f.word(0));
    invites && PICTURES.iter().any(|p| f.has_word(p))
}

/// Comment sections: "Comments are closed.", "Leave a comment", "12 comments".
fn is_comments(f: &Facts, _zone: Zone) -> bool {
    if f.len() > 6 {
        return false;
    }
    if f.has_any(&[
        "comments are closed",
        "comments closed",
        "leave a comment",
        "leave a reply",
        "add a comment",
        "post a comment",
        "show comments",
        "view comments",
        "hide comments",
        "join the conversation",
        "join the discussion",
        "be the first to comment",
        "log in to comment",
        "sign in to comment",
    ]) {
        return true;
    }
    if f.is_any(&["comments", "comment", "discussion"]) {
        return true;
    }
    f.len() == 2
        && f.word(0).chars().all(|c| c.is_ascii_digit())
        && ["comments", "comment", "replies", "responses"].contains(&f.word(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(line: &str) -> Option<RemovalReason> {
        classify(&Facts::new(line), Zone::Body)
    }

    fn edge(line: &str) -> Option<RemovalReason> {
        classify(&Facts::new(line), Zone::Edge)
    }

    #[test]
    fn the_strong_phrase_filter_never_changes_the_answer() {
        // Every strong phrase and each of its words, among spaces, punctuation, other
        // cases and filler, joined by a fixed pseudo-random walk.
        let mut pieces: Vec<&str> = NEWSLETTER_SMALL_PRINT
            .iter()
            .chain(BROWSER_NOTICES)
            .chain([&COPYRIGHT_NOTICE])
            .flat_map(|phrase| phrase.split(' ').chain([*phrase]))
            .collect();
        pieces.extend([
            " ",
            " ",
            " ",
            ", ",
            "-",
            "'",
            "COOKIES",
            "Browser",
            "the",
            "a",
            "7",
            "résumé",
            "\u{a0}",
            "cookies2",
            "xjavascript",
        ]);
        let mut strong_lines = 0;
        for line in crate::test_inputs::walk(&pieces, 2_024, 20_000, 30) {
            let facts = Facts::new(&line);
            let filtered = strong(&facts);
            let asked = if facts.len() > STRONG_MAX_WORDS {
                None
            } else {
                strong_by_phrase(&facts)
            };
            assert_eq!(filtered, asked, "{line:?}");
            strong_lines += usize::from(asked.is_some());
        }
        assert!(strong_lines > 100, "{strong_lines}");
        for phrase in NEWSLETTER_SMALL_PRINT.iter().chain(BROWSER_NOTICES) {
            let line = format!(
                "Note: {}, today.",
                phrase.replace(' ', " - ").to_uppercase()
            );
            assert!(strong(&Facts::new(&line)).is_some(), "{line:?}");
        }
    }

    #[test]
    fn share_buttons() {
        for line in [
            "  • Share on Twitter",
            "Share on LINE",
            "Share on X",
            "Share to Facebook",
            "Share via WhatsApp",
            "Share this article",
            "Share",
            "Tweet",
            "Email this story",
            "WhatsApp",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Share), "{line}");
        }
        assert_eq!(reason("Share prices fell 3% on Monday."), None);
        assert_eq!(reason("Shares in Toyota rose."), None);
    }

    #[test]
    fn advertisements() {
        for line in [
            "Advertisement",
            "ADVERTISEMENT",
            "Ad",
            "Sponsored",
            "Story continues below advertisement",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Advertisement), "{line}");
        }
        assert_eq!(reason("Advertising revenue fell."), None);
        assert_eq!(reason("The advertisement ran for weeks."), None);
    }

    #[test]
    fn navigation() {
        for line in [
            "Main navigation",
            "Skip to content",
            "Menu",
            "Follow our news",
            "Follow us on Instagram",
            "Sections",
            "CNA Sections",
            "About CNA",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Navigation), "{line}");
        }
        assert_eq!(reason("About 200 people came."), None);
        assert_eq!(
            reason("About the author of the report, little is known"),
            None
        );
    }

    #[test]
    fn newsletters() {
        for line in [
            "Pressed for time? Stay informed with CNA's newsletters",
            "Sign up for our daily newsletter",
            "Subscribe",
            "This service is not intended for persons residing in the E.U. By clicking subscribe, I agree to receive news updates and promotional material from Mediacorp and Mediacorp's partners.",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Newsletter), "{line}");
        }
        assert_eq!(reason("The group's newsletter said he was killed."), None);
        assert_eq!(reason("The channel has two million subscribers."), None);
    }

    #[test]
    fn copyright() {
        for line in [
            "Copyright© Mediacorp 2022. Mediacorp Pte Ltd. All rights reserved.",
            "© 2024 The Asahi Shimbun Company",
            "Privacy Policy",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Copyright), "{line}");
        }
        assert_eq!(reason("Copyright law in Japan is strict."), None);
    }

    #[test]
    fn related() {
        for line in [
            "Related Articles",
            "RELATED:",
            "Also worth reading",
            "Read more",
            "More from Asia",
            "RELATED: Ukraine and Its Abducted Children",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Related), "{line}");
        }
        assert_eq!(reason("Read more about it in the report, he said."), None);
        assert!(opens_related_list(&Facts::new("RELATED:"), Zone::Edge));
        assert!(!opens_related_list(
            &Facts::new("RELATED: A headline here"),
            Zone::Edge
        ));
    }

    #[test]
    fn notices() {
        for line in [
            "This browser is no longer supported",
            "We know it's a hassle to switch browsers but we want your experience with CNA to be fast, secure and the best it can possibly be.",
            "We use cookies to improve your experience.",
            "Please enable JavaScript to view this page.",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Notice), "{line}");
        }
    }

    #[test]
    fn gallery() {
        for line in [
            "Photo Gallery3 total",
            "Photo Selection",
            "Check out the best photos for you.",
            "View gallery",
            "12 photos",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Gallery), "{line}");
        }
        assert_eq!(reason("A photograph of the battlefield."), None);
    }

    #[test]
    fn comments() {
        for line in ["Comments are closed.", "Leave a comment", "12 comments"] {
            assert_eq!(reason(line), Some(RemovalReason::Comments), "{line}");
        }
    }

    #[test]
    fn language_switchers() {
        for line in [
            "このページを 日本語 で読む",
            "日本語で読む",
            "(Read the article in Japanese.)",
            "Read in English",
            "Read this page in Japanese",
            "This article is also available in Korean",
        ] {
            assert_eq!(reason(line), Some(RemovalReason::Language), "{line}");
        }
        assert_eq!(reason("He reads in Japanese every night."), None);
    }

    #[test]
    fn long_lines_and_prose_are_kept() {
        assert_eq!(reason("World War III would not be resigned."), None);
        assert_eq!(
            reason("I wanted to show the US that there is a Japanese man who is on Russia’s side."),
            None
        );
        let long = "share ".repeat(30);
        assert_eq!(reason(&long), None);
        assert_eq!(edge(""), None);
        assert_eq!(edge("From the May 3, 2024 issue of FRIDAY"), None);
    }
}
