//! Plain-words explanations of status codes, for diagnostic pages and page info: the RFC 9110
//! reason phrase, what the code means today, and what the 1992 document said about it.
//!
//! The 1992 document numbers some codes differently: its 502 "Service temporarily overloaded"
//! is today's 503, and its 503 "Gateway timeout" is today's 504. Both meanings are given.
//! A static table; no logic beyond the class fallback.

/// What a status code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub code: u16,
    /// The RFC 9110 reason phrase (or a class name for unrecognised codes).
    pub reason: &'static str,
    /// What the code means today, in plain words.
    pub modern: &'static str,
    /// What the 1992 document said, when it defines the code (or its class).
    pub in_1992: Option<&'static str>,
    /// The 1992 meaning differs enough to be worth showing next to the modern one.
    pub differs_in_1992: bool,
    /// For an unrecognised code, the x00 code it is treated as (RFC 9110 §15).
    pub treated_as: Option<u16>,
}

struct Row(u16, &'static str, &'static str, Option<&'static str>, bool);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row(100, "Continue", "An interim answer: the server is ready for the rest of the request.", None, false),
    Row(101, "Switching Protocols", "An interim answer: the server switches to another protocol.", None, false),
    Row(200, "OK", "The request succeeded and the server sent the document.",
        Some("OK: the request was fulfilled."), false),
    Row(201, "Created", "The request succeeded and created a new document; the server says where it now lives.",
        Some("CREATED: following a POST, success; the text of the status line gives the URI by which the newly created document should be known."), true),
    Row(202, "Accepted", "The server accepted the request but has not acted on it yet. It may still be carried out later, or refused; HTTP gives no way to learn the result.",
        Some("Accepted: accepted for processing, but the processing has not been completed; it may or may not eventually be acted upon."), false),
    Row(203, "Non-Authoritative Information", "The request succeeded, but a proxy or other intermediary changed what the origin server sent; it may not be the definitive copy.",
        Some("Partial Information: the returned metainformation is not a definitive set from the origin server, but from a private overlaid web; it may include annotations."), true),
    Row(204, "No Content", "The server did what was asked and has nothing to send back; the current page stays as it was.",
        Some("No Response: the server received the request but has no information to send back, and the client should stay in the same document view."), false),
    Row(205, "Reset Content", "The server did what was asked and asks the browser to clear the form the request came from.", None, false),
    Row(206, "Partial Content", "The server sent only part of the document (a byte range).", None, false),
    Row(300, "Multiple Choices", "The document is available in several forms or at several addresses; one has to be chosen.", None, false),
    Row(301, "Moved Permanently", "The document has moved to a new address for good; links and bookmarks should be updated.",
        Some("Moved: the data has been assigned a new URI for good; browsers with link editing should relink automatically. New addresses come in 'URI: <url> comment' header lines."), true),
    Row(302, "Found", "The document is at another address for now; keep using the original one.",
        Some("Found: the data resides under a different URL for now; links should default to the original address, with the option of linking to the final one. Addresses come in 'URI:' header lines."), true),
    Row(303, "See Other", "The answer is at another address, to be fetched with GET (for example the result page after a form was sent).",
        Some("Method (for discussion only): try another address, possibly with another method; the body starts with 'Method: <method> <url>' followed by the parameters."), true),
    Row(304, "Not Modified", "The copy the browser already has is still current, so the server did not send it again.",
        Some("Not Modified: answer to a conditional GET (If-Modified-Since); the document has not changed and no body is sent."), false),
    Row(305, "Use Proxy", "The server asks for the request to be repeated through a proxy. This is deprecated for security reasons and is not followed.", None, false),
    Row(307, "Temporary Redirect", "The document is at another address for now; the request is repeated there with the same method and data.", None, false),
    Row(308, "Permanent Redirect", "The document has moved for good; the request is repeated at the new address with the same method and data.", None, false),
    Row(400, "Bad Request", "The server could not understand the request, or considers it impossible to satisfy.",
        Some("Bad request: the request had bad syntax or was inherently impossible to be satisfied."), false),
    Row(401, "Unauthorized", "The document is protected: a user name and password (or other credentials) are needed.",
        Some("Unauthorized: the response names the acceptable authorization schemes; retry with a suitable Authorization header."), false),
    Row(402, "Payment Required", "Access requires payment. The code was reserved for future use and few servers send it.",
        Some("Payment required: the response names the acceptable charging schemes; the client may retry with a suitable ChargeTo header."), true),
    Row(403, "Forbidden", "The server understood the request but refuses it; logging in will not help.",
        Some("Forbidden: the request is for something forbidden; authorization will not help."), false),
    Row(404, "Not Found", "The server has nothing at this address.",
        Some("Not found: the server has not found anything matching the URI given."), false),
    Row(405, "Method Not Allowed", "The address exists but does not accept this kind of request (for example a form sent with POST where only GET is allowed).", None, false),
    Row(406, "Not Acceptable", "The server has the document only in forms the browser did not say it accepts.", None, false),
    Row(407, "Proxy Authentication Required", "A proxy between you and the server wants credentials.", None, false),
    Row(408, "Request Timeout", "The server waited too long for the request to arrive and gave up.", None, false),
    Row(409, "Conflict", "The request conflicts with the current state of the document (for example an edit based on an old version).", None, false),
    Row(410, "Gone", "The document was here once and has been removed on purpose, with no forwarding address.", None, false),
    Row(411, "Length Required", "The server requires the request to state its length (Content-Length).", None, false),
    Row(412, "Precondition Failed", "A condition the request stated (such as If-Match) was not true on the server.", None, false),
    Row(413, "Content Too Large", "The data sent (for example a form upload) is larger than the server is willing to accept.", None, false),
    Row(414, "URI Too Long", "The address is longer than the server is willing to handle.", None, false),
    Row(415, "Unsupported Media Type", "The server does not accept data in the format that was sent.", None, false),
    Row(416, "Range Not Satisfiable", "The part of the document asked for does not exist.", None, false),
    Row(417, "Expectation Failed", "The server cannot meet the Expect header of the request.", None, false),
    Row(421, "Misdirected Request", "The request reached a server that cannot answer for this address.", None, false),
    Row(422, "Unprocessable Content", "The server understood the data sent but cannot process it (for example a form with invalid values).", None, false),
    Row(425, "Too Early", "The server will not process a request that might be replayed.", None, false),
    Row(426, "Upgrade Required", "The server refuses to answer over this protocol and names another in its Upgrade header.", None, false),
    Row(428, "Precondition Required", "The server requires conditional requests (If-Match) here, to avoid lost updates.", None, false),
    Row(429, "Too Many Requests", "Too many requests were sent in a given time; slow down and try again later.", None, false),
    Row(431, "Request Header Fields Too Large", "The request's headers (often its cookies) are too large for the server.", None, false),
    Row(451, "Unavailable For Legal Reasons", "The server refuses access for legal reasons (for example a court order).", None, false),
    Row(500, "Internal Server Error", "The server hit an unexpected problem and could not answer.",
        Some("Internal Error: the server encountered an unexpected condition which prevented it from fulfilling the request."), false),
    Row(501, "Not Implemented", "The server does not support what the request needs (for example its method).",
        Some("Not implemented: the server does not support the facility required."), false),
    Row(502, "Bad Gateway", "The server is a gateway or proxy and got an invalid answer from the server behind it.",
        Some("Service temporarily overloaded: the server cannot process the request due to a high load; a temporary condition. (That is today's 503 Service Unavailable.)"), true),
    Row(503, "Service Unavailable", "The server cannot answer now, because it is overloaded or down for maintenance. This should be temporary.",
        Some("Gateway timeout: a gateway did not get an answer in time from the service behind it; may be treated like 500. (That is today's 504 Gateway Timeout.)"), true),
    Row(504, "Gateway Timeout", "The server is a gateway or proxy and did not get an answer in time from the server behind it.",
        Some("Not defined under this number: the 1992 document calls this condition 'Gateway timeout' and gives it the code 503."), true),
    Row(505, "HTTP Version Not Supported", "The server does not support the HTTP version of the request.", None, false),
];

const ERROR_1992: &str = "Error 4xx, 5xx: 4xx when the client seems to have erred, 5xx when \
                          the server knows it has erred; the difference is only informational.";

/// Explain a status code. Unrecognised codes get their class's meaning and `treated_as`.
pub fn explain(status: u16) -> Explanation {
    if let Some(Row(code, reason, modern, in_1992, differs)) = ROWS.iter().find(|r| r.0 == status) {
        return Explanation {
            code: *code,
            reason,
            modern,
            in_1992: *in_1992,
            differs_in_1992: *differs,
            treated_as: None,
        };
    }
    let (reason, modern, in_1992, treated_as) = match status {
        100..=199 => (
            "Informational",
            "An unrecognised interim answer (1xx); it is not a reply to the request.",
            None,
            Some(100),
        ),
        200..=299 => (
            "Success",
            "An unrecognised success code; treated like 200 OK: the request succeeded and the document is shown.",
            Some("Success 2xx: the body section, if present, is the object returned by the request."),
            Some(200),
        ),
        300..=399 => (
            "Redirection",
            "An unrecognised redirection code; treated like 300 Multiple Choices: any addresses the server offers are listed to choose from.",
            Some("Redirection 3xx: action to be taken (normally automatically) by the client to fulfill the request."),
            Some(300),
        ),
        400..=499 => (
            "Client Error",
            "An unrecognised client-error code; treated like 400 Bad Request: the server considers the request wrong or impossible to satisfy.",
            Some(ERROR_1992),
            Some(400),
        ),
        500..=599 => (
            "Server Error",
            "An unrecognised server-error code; treated like 500 Internal Server Error: the server could not answer.",
            Some(ERROR_1992),
            Some(500),
        ),
        _ => (
            "Not HTTP",
            "HTTP status codes are three digits from 100 to 599; this is not a valid HTTP answer.",
            None,
            None,
        ),
    };
    Explanation { code: status, reason, modern, in_1992, differs_in_1992: false, treated_as }
}
