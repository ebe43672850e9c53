//! The reader view: a page's article — its title, byline and main text — without the menus,
//! share buttons and footers around it, found by Mozilla's Readability algorithm (the one
//! Firefox's reader view runs). The article becomes a small HTML page of its own that goes
//! through the normal pipeline, so its links are numbered and its images shown as their alt
//! text like on any page.
//!
//! Readability is not written here: `dom_smoothie` ports Readability.js closely (on Mozilla's
//! own test pages it keeps every word of the reference article and adds almost none), is
//! released every month or two, and parses with the same html5ever as margay's pipeline, so
//! it adds no second HTML parser. Against it were weighed `libreadability` (as faithful, but
//! on an older html5ever with scraper, regex and a date parser besides), `readabilityrs`
//! (keeps extra text on a quarter of the pages and is ten times slower) and `readability`
//! (an older algorithm that loses most of the article on a third of them).
//!
//! "No article" follows Firefox: a page Readability does not think readable (too little text
//! in paragraphs), or whose extraction fails or comes back empty, has none.
//!
//! Nothing here does I/O, starts a thread or touches the page it was given.

use super::escape_html;
use url::Url;

mod opening;

/// A page's article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub byline: Option<String>,
    /// The article's HTML: links made absolute, the page's scripts and styles gone.
    pub content: String,
}

/// An article needs at least this many letters and digits of text: fewer is a stub
/// (an error page, a login form) that Readability still returns something for.
const MIN_ARTICLE_CHARS: usize = 140;

/// How far into the article's text a byline found in its metadata is looked for.
const BYLINE_NEAR: usize = 400;

/// The article of `html` (a page loaded from `url`), or `None` when it has none.
pub fn article(html: &str, url: &Url) -> Option<Article> {
    let config = || Some(dom_smoothie::Config::default());
    // A URL Readability cannot use as a base (about:…) only costs the links' resolution.
    let mut readability = dom_smoothie::Readability::new(html, Some(url.as_str()), config())
        .or_else(|_| dom_smoothie::Readability::new(html, None, config()))
        .ok()?;
    if !readability.is_probably_readable() {
        return None;
    }
    let found = readability.parse().ok()?;
    let letters = found.text_content.chars().filter(|c| c.is_alphanumeric()).count();
    if letters < MIN_ARTICLE_CHARS {
        return None;
    }
    let byline =
        found.byline.map(|b| b.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|b| !b.is_empty());
    let title = found.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let tidied = opening::tidy(&found.content, &title, byline.as_deref(), url);
    // The article's own byline line, taken out of its opening, is the header's. Else a byline
    // from the page's metadata that the article's text says near its start ("Ana Roe
    // reports") is said once, there.
    let opening: String = found.text_content.chars().take(BYLINE_NEAR).collect();
    let opening = opening.split_whitespace().collect::<Vec<_>>().join(" ");
    let byline = tidied.byline.or_else(|| byline.filter(|b| !opening.contains(b.as_str())));
    let content = tidied.content;
    Some(Article { title, byline, content })
}

/// The article as a page: its title in bold on the first line, the byline in italics on the
/// next, then the text — as Firefox's reader view heads an article. Title and byline are one
/// paragraph, lines apart: a heading would be a block of its own, a blank line (and in a
/// dump an underline) between the two, and the text would start two lines further down.
pub fn page_html(article: &Article) -> String {
    let title = escape_html(&article.title);
    let mut html =
        format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n");
    let mut header = Vec::new();
    if !article.title.is_empty() {
        header.push(format!("<strong>{title}</strong>"));
    }
    if let Some(byline) = &article.byline {
        header.push(format!("<em>{}</em>", escape_html(byline)));
    }
    if !header.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", header.join("<br>")));
    }
    html.push_str(&article.content);
    html.push_str("\n</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://news.example/2024/lynx.html").unwrap()
    }

    const STORY: &str = r#"<!DOCTYPE html><html><head><title>The lynx returns to the hills | Daily Example</title>
<meta name="author" content="Ana Roe"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="share"><a href="/share">Share this</a> <a href="/tweet">Tweet</a></div>
<article><h1>The lynx returns to the hills</h1>
<p>After a century away, the Eurasian lynx has been seen again in the hills above the valley,
walking slowly along the ridge in the early morning light while the village still slept.</p>
<p>Wardens who followed its tracks for three days say the animal is a young male, probably
come from the forests across the border, and that it seems in good health and well fed.</p>
<p>"We had hoped for this for twenty years," said one of them, pointing at a photograph
<img src="/tracks.jpg" alt="Tracks in the snow"> taken near the <a href="/pass">old pass</a>.</p>
</article>
<footer><a href="/about">About us</a> <a href="/jobs">Jobs</a> Copyright Daily Example</footer>
</body></html>"#;

    #[test]
    fn the_article_is_found_without_the_menus_around_it() {
        let found = article(STORY, &url()).expect("an article");
        assert!(found.content.contains("Eurasian lynx"), "{}", found.content);
        assert!(found.content.contains("young male"));
        for chrome in ["World", "Share this", "Tweet", "About us", "Copyright"] {
            assert!(!found.content.contains(chrome), "{chrome} left in: {}", found.content);
        }
        // Links made absolute against the page's address, images kept for their alt text.
        assert!(found.content.contains("http://news.example/pass"), "{}", found.content);
        assert!(found.content.contains("alt=\"Tracks in the snow\""), "{}", found.content);
    }

    #[test]
    fn the_title_and_byline_are_the_articles() {
        let found = article(STORY, &url()).expect("an article");
        assert_eq!(found.title, "The lynx returns to the hills");
        assert_eq!(found.byline.as_deref(), Some("Ana Roe"));
        let page = page_html(&found);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<title>The lynx returns to the hills</title>"));
        assert!(
            page.contains("<p><strong>The lynx returns to the hills</strong><br><em>Ana Roe</em></p>"),
            "{page}"
        );
    }

    /// The page's lines laid out at 80 columns, as text.
    fn lines_of(article: &Article) -> Vec<String> {
        let doc = super::super::Document::from_html_source(
            &url(),
            page_html(article),
            &super::super::Cancel::new(),
        )
        .expect("laid out");
        doc.render(80).lines.iter().map(|l| l.spans.iter().map(|s| &*s.text).collect()).collect()
    }

    #[test]
    fn the_title_and_byline_take_two_lines_and_the_text_starts_on_the_fourth() {
        let found = article(STORY, &url()).expect("an article");
        let lines = lines_of(&found);
        assert_eq!(lines[..3], ["The lynx returns to the hills", "Ana Roe", ""], "{lines:#?}");
        assert!(lines[3].starts_with("After a century away"), "{lines:#?}");
        // The title is bold, the byline italic; neither is a heading (a dump underlines those).
        let doc =
            super::super::Document::from_html_source(&url(), page_html(&found), &super::super::Cancel::new())
                .expect("laid out");
        let rendered = doc.render(80);
        let (title, byline) = (&rendered.lines[0].spans[0].style, &rendered.lines[1].spans[0].style);
        assert!(title.bold && !title.heading && byline.italic, "{title:?} {byline:?}");
        // Without a byline the text starts on the third line.
        let lines = lines_of(&Article { byline: None, ..found });
        assert_eq!(lines[..2], ["The lynx returns to the hills", ""], "{lines:#?}");
    }

    /// `STORY` with `lead` between its headline and its first paragraph.
    fn story_opening_with(lead: &str) -> String {
        STORY.replace("<article><h1>The lynx returns to the hills</h1>", &format!("<article>{lead}"))
    }

    /// Where `needle` is in the article's content (it must be there).
    fn at(found: &Article, needle: &str) -> usize {
        found.content.find(needle).unwrap_or_else(|| panic!("{needle} lost: {}", found.content))
    }

    #[test]
    fn a_lead_picture_its_caption_and_a_dateline_go_after_the_first_paragraph() {
        let story = story_opening_with(
            "<figure><img src=\"/ridge.jpg\" alt=\"A lynx on the ridge\"><figcaption>The lynx at dawn. \
             Photo: Bo Ek</figcaption></figure><p><time>12 March 2024</time></p><hr>",
        );
        let found = article(&story, &url()).expect("an article");
        let first = at(&found, "After a century away");
        assert!(first < at(&found, "A lynx on the ridge"), "{}", found.content);
        assert!(at(&found, "A lynx on the ridge") < at(&found, "The lynx at dawn"));
        assert!(at(&found, "The lynx at dawn") < at(&found, "12 March 2024"));
        assert!(at(&found, "12 March 2024") < at(&found, "Wardens who followed"), "right after it");
        assert!(!found.content.contains("<hr"), "a rule only decorated the top: {}", found.content);
    }

    #[test]
    fn a_picture_the_first_paragraph_opens_with_goes_after_it() {
        let story = STORY.replace(
            "<p>After a century away",
            "<p><img src=\"/l.jpg\" alt=\"lynx-01\"><br>After a century away",
        );
        let found = article(&story, &url()).expect("an article");
        assert!(at(&found, "After a century away") < at(&found, "lynx-01"), "{}", found.content);
        assert!(at(&found, "lynx-01") < at(&found, "Wardens who followed"));
    }

    #[test]
    fn the_headline_repeated_in_the_article_is_dropped() {
        // The page's title is the headline and the site's name; the article repeats the
        // headline in a paragraph of its own, and the byline (a link to the author).
        let story = story_opening_with(
            "<p class=\"kicker\"><b>The lynx returns to the hills</b></p><p><a href=\"/ana\">Ana Roe</a></p>",
        );
        let found = article(&story, &url()).expect("an article");
        assert_eq!(found.title, "The lynx returns to the hills");
        assert!(!found.content.contains("The lynx returns to the hills"), "said above: {}", found.content);
        assert!(!found.content.contains("Ana Roe"), "said above: {}", found.content);
        assert_eq!(found.byline.as_deref(), Some("Ana Roe"));
        assert!(found.content.contains("After a century away"));
        // A headline the page's title gives with the site's name.
        let story = story_opening_with("<h3>The lynx returns</h3>").replace(
            "<title>The lynx returns to the hills | Daily Example",
            "<title>Daily Example: The lynx returns",
        );
        let found = article(&story, &url()).expect("an article");
        assert!(!found.content.contains("The lynx returns"), "{}", found.content);
    }

    #[test]
    fn a_standfirst_heading_stays_first_and_a_table_of_contents_moves() {
        let story = story_opening_with(
            "<h2>A big cat is back where it lived a century ago, and the valley is glad of it</h2>\
             <ul><li><a href=\"#tracks\">Tracks</a></li><li><a href=\"#wardens\">Wardens</a></li></ul>",
        );
        let found = article(&story, &url()).expect("an article");
        let first = at(&found, "After a century away");
        assert!(at(&found, "A big cat is back") < first, "{}", found.content);
        assert!(first < at(&found, ">Tracks<"), "{}", found.content);
    }

    #[test]
    fn an_article_opening_with_a_list_keeps_its_order() {
        let story = story_opening_with(
            "<p><img src=\"/top.jpg\" alt=\"Top picture\"></p><ul><li>The lynx was last seen in these hills \
             more than a hundred years ago</li><li>Wardens have followed one for three days</li></ul>",
        );
        let found = article(&story, &url()).expect("an article");
        assert!(at(&found, "Top picture") < at(&found, "The lynx was last seen"), "{}", found.content);
        assert!(at(&found, "The lynx was last seen") < at(&found, "After a century away"));
    }

    #[test]
    fn a_page_of_links_and_a_form_has_no_article() {
        let index = r#"<html><head><title>Sign in</title></head><body>
<nav><a href="/">Home</a> <a href="/a">A</a> <a href="/b">B</a></nav>
<form action="/login"><input name="user"> <input type="password" name="pw"> <button>Sign in</button></form>
<ul><li><a href="/1">First story</a></li><li><a href="/2">Second story</a></li></ul>
</body></html>"#;
        assert_eq!(article(index, &url()), None);
        assert_eq!(article("", &url()), None);
        assert_eq!(article("<p>Hello.</p>", &url()), None);
    }

    #[test]
    fn a_byline_the_article_opens_with_is_not_said_twice() {
        // Its own byline line is the header's.
        let story = STORY.replace(
            "<article><h1>The lynx returns to the hills</h1>",
            "<article><h1>The lynx returns to the hills</h1><p class=\"byline\">By Ana Roe, 12 May</p>",
        );
        let found = article(&story, &url()).expect("an article");
        assert!(!found.content.contains("Ana Roe"), "{}", found.content);
        assert_eq!(found.byline.as_deref(), Some("By Ana Roe, 12 May"));
        // A byline the text says further in is said there.
        let story = STORY.replace("Wardens who followed", "Ana Roe and the wardens who followed");
        let found = article(&story, &url()).expect("an article");
        assert!(found.content.contains("Ana Roe and the wardens"), "{}", found.content);
        assert_eq!(found.byline, None);
    }

    #[test]
    fn markup_in_the_title_and_byline_stays_text() {
        let found = Article {
            title: "Less <than> & more".into(),
            byline: Some("<b>Bo</b>".into()),
            content: "<p>text</p>".into(),
        };
        let page = page_html(&found);
        assert!(page.contains("<strong>Less &lt;than&gt; &amp; more</strong>"), "{page}");
        assert!(page.contains("<em>&lt;b&gt;Bo&lt;/b&gt;</em>"), "{page}");
    }

    #[test]
    fn an_address_readability_cannot_use_still_gives_the_article() {
        let about = Url::parse("about:story").unwrap();
        assert!(article(STORY, &about).is_some_and(|a| a.content.contains("Eurasian lynx")));
    }
}
