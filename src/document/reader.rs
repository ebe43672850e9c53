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
    let byline = found.byline.map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "));
    // A byline taken from the page's metadata may also open the article's own text
    // ("By Ana Roe"): said once is enough.
    let opening: String = found.text_content.chars().take(BYLINE_NEAR).collect();
    let opening = opening.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(Article {
        title: found.title.split_whitespace().collect::<Vec<_>>().join(" "),
        byline: byline.filter(|b| !b.is_empty() && !opening.contains(b.as_str())),
        content: found.content.to_string(),
    })
}

/// The article as a page: its title as the heading, the byline under it, then the text.
pub fn page_html(article: &Article) -> String {
    let title = escape_html(&article.title);
    let mut html =
        format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n");
    if !article.title.is_empty() {
        html.push_str(&format!("<h1>{title}</h1>\n"));
    }
    if let Some(byline) = &article.byline {
        html.push_str(&format!("<p><em>{}</em></p>\n", escape_html(byline)));
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
        assert!(page.contains("<h1>The lynx returns to the hills</h1>\n<p><em>Ana Roe</em></p>"), "{page}");
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
        let story = STORY.replace(
            "<article><h1>The lynx returns to the hills</h1>",
            "<article><h1>The lynx returns to the hills</h1><p class=\"byline\">By Ana Roe</p>",
        );
        let found = article(&story, &url()).expect("an article");
        assert!(found.content.contains("By Ana Roe"), "{}", found.content);
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
        assert!(page.contains("<h1>Less &lt;than&gt; &amp; more</h1>"), "{page}");
        assert!(page.contains("<em>&lt;b&gt;Bo&lt;/b&gt;</em>"), "{page}");
    }

    #[test]
    fn an_address_readability_cannot_use_still_gives_the_article() {
        let about = Url::parse("about:story").unwrap();
        assert!(article(STORY, &about).is_some_and(|a| a.content.contains("Eurasian lynx")));
    }
}
