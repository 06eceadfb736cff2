//! The HTTP client: one method per contacts endpoint, every failure an [`ApiError`].

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ApiError, redact_secret};
use super::error_body::ErrorBody;
use super::model::{Contact, ContactPage, ContactPatch, DataEnvelope, UpdateRequest};
use crate::secret::Token;
use crate::text::sanitize_snippet;

const TOKEN_HEADER: &str = "x-linq-integration-token";
const CONTACTS_PATH: [&str; 4] = ["api", "partner", "v2", "contacts"];
/// No contacts response comes near this; a bigger body is a misbehaving server or proxy,
/// and reading it whole would stall the UI and eat memory.
const MAX_BODY_BYTES: usize = 1024 * 1024;
const REASON_CHARS: usize = 200;
const USER_AGENT: &str = concat!("linq-contact/", env!("CARGO_PKG_VERSION"));

/// A client for the contacts endpoints of one Linq organisation. Cloning is cheap.
#[derive(Clone)]
pub struct LinqClient {
    http: reqwest::Client,
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    base: Url,
    base_str: String,
    token: Token,
    timeout: Duration,
    /// Request and response bodies go to the log too (contact data, never the token).
    log_bodies: bool,
}

impl fmt::Debug for LinqClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinqClient")
            .field("base_url", &self.inner.base_str)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl LinqClient {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

    /// Checks the base URL and prepares the client. Nothing is sent yet.
    ///
    /// Plain `http://` is refused ([`ApiError::InsecureUrl`]) unless the host is loopback
    /// (127.0.0.0/8, ::1, localhost), so the token never crosses a network unencrypted.
    pub fn new(base_url: &str, token: Token, timeout: Duration) -> Result<Self, ApiError> {
        let base = parse_base_url(base_url)?;
        let loopback = is_loopback(&base);
        if base.scheme() == "http" && !loopback {
            return Err(ApiError::InsecureUrl {
                url: display_base(&base),
            });
        }
        let http = build_http(&token, timeout, loopback, base.scheme() == "https")?;
        Ok(Self {
            http,
            inner: Arc::new(Inner {
                base_str: display_base(&base),
                base,
                token,
                timeout,
                log_bodies: false,
            }),
        })
    }

    /// Also logs request and response bodies (`--log-bodies`).
    pub fn with_body_logging(self, on: bool) -> Self {
        let mut inner = (*self.inner).clone();
        inner.log_bodies = on;
        Self {
            http: self.http,
            inner: Arc::new(inner),
        }
    }

    /// The base URL, normalised and without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }

    /// `GET /api/partner/v2/contacts/{id}`.
    pub async fn get_contact(&self, id: u64) -> Result<Contact, ApiError> {
        let url = self.endpoint(&[&id.to_string()]);
        let envelope: DataEnvelope = self.call(self.http.get(url), decode_json).await?;
        Ok(envelope.data)
    }

    /// `PUT /api/partner/v2/contacts/{id}` with exactly [`LinqClient::update_body`].
    pub async fn update_contact(&self, id: u64, patch: &ContactPatch) -> Result<Contact, ApiError> {
        let body = encode_update(patch).map_err(|e| ApiError::Other {
            reason: format!("could not encode the update: {e}"),
        })?;
        let url = self.endpoint(&[&id.to_string()]);
        let request = self
            .http
            .put(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let envelope: DataEnvelope = self.call(request, decode_json).await?;
        Ok(envelope.data)
    }

    /// `POST /api/partner/v2/contacts` with `{"contact": {...}}`, the same encoding as an
    /// update; the answer (201) is the created contact.
    pub async fn create_contact(&self, patch: &ContactPatch) -> Result<Contact, ApiError> {
        let body = encode_update(patch).map_err(|e| ApiError::Other {
            reason: format!("could not encode the new contact: {e}"),
        })?;
        let request = self
            .http
            .post(self.endpoint(&[]))
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let envelope: DataEnvelope = self.call(request, decode_json).await?;
        Ok(envelope.data)
    }

    /// `DELETE /api/partner/v2/contacts/{id}`: 204 with no body (any 2xx counts; a body,
    /// if one comes, is not read as anything). The API cannot undo it.
    pub async fn delete_contact(&self, id: u64) -> Result<(), ApiError> {
        let url = self.endpoint(&[&id.to_string()]);
        self.call(self.http.delete(url), |_, _| Ok(())).await
    }

    /// `GET /api/partner/v2/contacts?page=&per_page=`; `per_page` is clamped to 1..=100
    /// (the API's maximum) and `page` starts at 1.
    pub async fn list_contacts(&self, page: u32, per_page: u32) -> Result<ContactPage, ApiError> {
        let mut url = self.endpoint(&[]);
        url.query_pairs_mut()
            .append_pair("page", &page.max(1).to_string())
            .append_pair("per_page", &per_page.clamp(1, 100).to_string());
        self.call(self.http.get(url), decode_json).await
    }

    /// `GET /api/partner/v2/contacts/find?email=&phone_number=`. The API answers 200 in
    /// both cases: the bare contact when found, `{"contact": null}` when not (→ `None`).
    pub async fn find_contact(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Option<Contact>, ApiError> {
        if email.is_none() && phone.is_none() {
            return Err(ApiError::Other {
                reason: "finding a contact needs an e-mail or a phone number".to_owned(),
            });
        }
        /// The find endpoint's parameters, under the names the API gives them.
        #[derive(serde::Serialize)]
        struct FindQuery<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            email: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            phone_number: Option<&'a str>,
        }
        let url = self.endpoint(&["find"]);
        let query = FindQuery {
            email,
            phone_number: phone,
        };
        self.call(self.http.get(url).query(&query), decode_found)
            .await
    }

    /// The exact JSON body [`LinqClient::update_contact`] sends, for the review screen.
    pub fn update_body(patch: &ContactPatch) -> String {
        // Serialising a struct of optional strings cannot fail; an empty string would
        // only ever show up on the review screen, never be sent (update_contact errors).
        encode_update(patch).unwrap_or_default()
    }

    fn endpoint(&self, extra: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        // Only fails for URLs that cannot be a base, and `new` accepts http(s) with a host.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(CONTACTS_PATH).extend(extra);
        }
        url
    }

    /// Sends the request, reads the body (bounded), turns non-2xx into
    /// [`ApiError::Http`] and hands 2xx bodies to `decode`. The single exit point for
    /// errors, so the token is scrubbed from all of them here.
    async fn call<T>(
        &self,
        request: RequestBuilder,
        decode: impl FnOnce(u16, &[u8]) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.exchange(request)
            .await
            .and_then(|(status, bytes)| decode(status, &bytes))
            .map_err(|e| e.redact(self.secret()))
    }

    /// The token as it goes over the wire (trimmed, as the header is built), which is
    /// the spelling a server would echo back.
    fn secret(&self) -> &str {
        self.inner.token.expose().trim()
    }

    /// A body as it may be logged: decoded lossily and with the token redacted, since a
    /// server may echo it back in any answer, successful or not.
    fn loggable(&self, bytes: &[u8]) -> String {
        redact_secret(&String::from_utf8_lossy(bytes), self.secret())
    }

    /// Sends one request and logs method, path (no query: it may hold an e-mail), status
    /// and duration; bodies only with `--log-bodies`, and then redacted. Headers, and so
    /// the token, never.
    async fn exchange(&self, request: RequestBuilder) -> Result<(u16, Vec<u8>), ApiError> {
        let request = request.build().map_err(|e| self.transport_error(&e))?;
        let (method, path) = (request.method().clone(), request.url().path().to_owned());
        if self.inner.log_bodies
            && let Some(body) = request.body().and_then(|b| b.as_bytes())
        {
            let body = self.loggable(body);
            tracing::info!(%method, path, body, "request body");
        }
        let started = std::time::Instant::now();
        let answer = self.send(request).await;
        let duration_ms = started.elapsed().as_millis() as u64;
        // Taken before the answer is settled: an error body is parsed into an ErrorBody
        // and its bytes are gone afterwards.
        let logged_body = match &answer {
            Ok(Answer {
                read: Ok(bytes), ..
            }) if self.inner.log_bodies => Some(self.loggable(bytes)),
            _ => None,
        };
        let result = answer.and_then(|answer| self.settle(answer));
        match &result {
            Ok((status, _)) => tracing::info!(%method, path, status, duration_ms, "request"),
            Err(e) => {
                let e = e.clone().redact(self.secret());
                let error = e.headline();
                tracing::warn!(%method, path, status = e.status(), duration_ms, error, "request failed");
                // In full, once: the status pane shows only the first lines of a long one.
                let detail = e.detail_lines();
                if !detail.is_empty() {
                    let lines = detail.len();
                    let detail = detail.join("\n    ");
                    tracing::warn!(%method, path, lines, "error detail:\n    {detail}");
                }
            }
        }
        if let Some(body) = logged_body {
            tracing::info!(%method, path, body, "response body");
        }
        result
    }

    /// Sends the request and reads the answer's status, `Retry-After` and body.
    async fn send(&self, request: reqwest::Request) -> Result<Answer, ApiError> {
        let mut response = self
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let read = read_capped(&mut response).await;
        Ok(Answer {
            status,
            retry_after,
            read,
        })
    }

    /// A 2xx answer's status and body, or the error the answer amounts to.
    fn settle(&self, answer: Answer) -> Result<(u16, Vec<u8>), ApiError> {
        let Answer {
            status,
            retry_after,
            read,
        } = answer;
        if !status.is_success() {
            let body = match read {
                Ok(bytes) => ErrorBody::parse(&bytes),
                Err(BodyError::Transport(e)) if e.is_timeout() => return Err(self.timeout()),
                Err(e) => ErrorBody::Text(e.reason()),
            };
            return Err(ApiError::Http {
                status: status.as_u16(),
                body,
                retry_after,
            });
        }
        match read {
            Ok(bytes) => Ok((status.as_u16(), bytes)),
            Err(BodyError::Transport(e)) if e.is_timeout() => Err(self.timeout()),
            Err(e) => Err(ApiError::Decode {
                status: status.as_u16(),
                reason: e.reason(),
            }),
        }
    }

    fn timeout(&self) -> ApiError {
        ApiError::Timeout {
            after: self.inner.timeout,
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        if e.is_timeout() {
            return self.timeout();
        }
        // rustls is not a direct dependency, so its errors cannot be downcast; they are
        // recognised by their wording instead. Checked before `is_connect` because a failed
        // handshake is also reported as a connect error.
        if let Some(reason) = tls_cause(e) {
            return ApiError::Tls { reason };
        }
        if e.is_connect() {
            return ApiError::Connect {
                url: self.inner.base_str.clone(),
                reason: connect_cause(e),
            };
        }
        ApiError::Other {
            reason: chain_text(e),
        }
    }
}

fn encode_update(patch: &ContactPatch) -> serde_json::Result<String> {
    serde_json::to_string(&UpdateRequest {
        contact: patch.clone(),
    })
}

fn parse_base_url(raw: &str) -> Result<Url, ApiError> {
    let raw = raw.trim();
    let invalid = |url: String, reason: &str| ApiError::InvalidUrl {
        url,
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw).map_err(|e| ApiError::InvalidUrl {
        url: sanitize_snippet(raw, REASON_CHARS),
        reason: e.to_string(),
    })?;
    // Credentials are checked first so they never end up in a later message.
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(invalid(
            display_base(&shown),
            "credentials in the URL are not supported (the token is sent as a header)",
        ));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(display_base(&url), "the scheme must be https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(display_base(&url), "the URL has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            display_base(&url),
            "a base URL cannot have a query or a fragment",
        ));
    }
    Ok(url)
}

fn display_base(url: &Url) -> String {
    sanitize_snippet(url.as_str().trim_end_matches('/'), REASON_CHARS)
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => bare.eq_ignore_ascii_case("localhost") || bare.eq_ignore_ascii_case("localhost."),
    }
}

fn build_http(
    token: &Token,
    timeout: Duration,
    loopback: bool,
    https: bool,
) -> Result<reqwest::Client, ApiError> {
    let mut token_value =
        HeaderValue::from_str(token.expose().trim()).map_err(|_| ApiError::Other {
            reason: "the token contains characters that cannot be sent in an HTTP header"
                .to_owned(),
        })?;
    // Keeps the value out of reqwest's and hyper's debug output.
    token_value.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static(TOKEN_HEADER), token_value);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

    let mut builder = reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(USER_AGENT)
        .timeout(timeout)
        // A redirect would carry the token header to wherever it points.
        .redirect(reqwest::redirect::Policy::none());
    if loopback {
        // A proxy from the environment would receive the token over plain HTTP.
        builder = builder.no_proxy();
    }
    if !https {
        // Plain http (loopback only) never checks a certificate, so the system's CA store
        // is not read and parsed: that was most of the start-up. Every request goes to
        // the base URL and redirects are off, so nothing here ever speaks TLS.
        builder = builder.tls_certs_only([]);
    }
    builder.build().map_err(|e| ApiError::Other {
        reason: format!("could not set up the HTTP client: {}", chain_text(&e)),
    })
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// What came back for one request, before it is judged.
struct Answer {
    status: reqwest::StatusCode,
    retry_after: Option<Duration>,
    read: Result<Vec<u8>, BodyError>,
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

impl BodyError {
    fn reason(&self) -> String {
        match self {
            BodyError::TooLarge => "response larger than 1 MiB".to_owned(),
            BodyError::Transport(e) => format!("the response was cut off: {}", chain_text(e)),
        }
    }
}

/// Reads the body chunk by chunk and gives up as soon as it passes [`MAX_BODY_BYTES`].
async fn read_capped(response: &mut Response) -> Result<Vec<u8>, BodyError> {
    let announced = response.content_length().unwrap_or(0);
    if announced > MAX_BODY_BYTES as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a 2xx body as `T`, explaining in plain words what was wrong with it.
fn decode_json<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, ApiError> {
    let decode = |reason: String| ApiError::Decode {
        status,
        reason: sanitize_snippet(&reason, REASON_CHARS),
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        decode(format!(
            "the response is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(decode("the response body is empty".to_owned()));
    }
    serde_json::from_str(text).map_err(|e| {
        let reason = if e.is_eof() {
            format!("the response ended early (truncated JSON: {e})")
        } else if e.is_syntax() {
            match ErrorBody::parse(bytes) {
                ErrorBody::Html { title: Some(title) } => {
                    format!("expected JSON, got an HTML page: {title}")
                }
                ErrorBody::Html { title: None } => "expected JSON, got an HTML page".to_owned(),
                _ => format!("the response is not valid JSON ({e})"),
            }
        } else {
            format!("the JSON is not in the expected shape ({e})")
        };
        decode(reason)
    })
}

/// The find endpoint's answer: a bare contact, or `{"contact": null}` for "not found".
/// A `{"contact": {..}}` or `{"data": {..}}` wrapper is accepted too, since the reference
/// is inconsistent about envelopes.
fn decode_found(status: u16, bytes: &[u8]) -> Result<Option<Contact>, ApiError> {
    let value: Value = decode_json(status, bytes)?;
    let inner = match &value {
        Value::Object(obj) => obj
            .get("contact")
            .or_else(|| obj.get("data"))
            .unwrap_or(&value),
        _ => &value,
    };
    if inner.is_null() {
        return Ok(None);
    }
    Contact::deserialize(inner)
        .map(Some)
        .map_err(|e| ApiError::Decode {
            status,
            reason: sanitize_snippet(
                &format!("the JSON is not in the expected shape ({e})"),
                REASON_CHARS,
            ),
        })
}

fn sources(e: &reqwest::Error) -> impl Iterator<Item = &(dyn StdError + 'static)> {
    std::iter::successors(e.source(), |&err| err.source())
}

fn tls_cause(e: &reqwest::Error) -> Option<String> {
    const TLS_WORDS: [&str; 6] = [
        "certificate",
        "handshake",
        "alert",
        "corrupt message",
        "peer is incompatible",
        "peer misbehaved",
    ];
    let hit = sources(e).find(|err| {
        let text = err.to_string().to_ascii_lowercase();
        TLS_WORDS.iter().any(|w| text.contains(w))
    })?;
    Some(sanitize_snippet(&hit.to_string(), REASON_CHARS))
}

/// A short cause such as "connection refused", from the first I/O error in the chain.
fn connect_cause(e: &reqwest::Error) -> String {
    if e.is_dns() {
        return format!("could not resolve the host name ({})", deepest_text(e));
    }
    let io_kind = sources(e)
        .find_map(|err| err.downcast_ref::<io::Error>())
        .map(io::Error::kind);
    match io_kind {
        Some(io::ErrorKind::ConnectionRefused) => "connection refused".to_owned(),
        Some(io::ErrorKind::ConnectionReset) => "connection reset".to_owned(),
        Some(io::ErrorKind::ConnectionAborted) => "connection aborted".to_owned(),
        Some(io::ErrorKind::HostUnreachable) => "host unreachable".to_owned(),
        Some(io::ErrorKind::NetworkUnreachable) => "network unreachable".to_owned(),
        Some(io::ErrorKind::TimedOut) => "connection timed out".to_owned(),
        Some(io::ErrorKind::AddrNotAvailable) => "address not available".to_owned(),
        _ => deepest_text(e),
    }
}

fn deepest_text(e: &reqwest::Error) -> String {
    let text = sources(e)
        .last()
        .map_or_else(|| e.to_string(), |err| err.to_string());
    sanitize_snippet(&text, REASON_CHARS)
}

/// The error and its causes as "outer: inner: innermost", without repeats.
fn chain_text(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    for err in sources(e) {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    sanitize_snippet(&parts.join(": "), REASON_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn loopback_hosts() {
        for ok in [
            "http://127.0.0.1:1",
            "http://127.8.9.10",
            "http://[::1]:8080",
            "http://[::ffff:127.0.0.1]",
            "http://localhost:1",
            "http://LOCALHOST",
        ] {
            assert!(is_loopback(&url(ok)), "{ok}");
        }
        for no in [
            "http://api.example.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            assert!(!is_loopback(&url(no)), "{no}");
        }
    }

    #[test]
    fn endpoint_paths_tolerate_prefixes_and_trailing_slashes() {
        let t = Token::new("t");
        for (base, want) in [
            ("https://x.io", "https://x.io/api/partner/v2/contacts/5"),
            ("https://x.io/", "https://x.io/api/partner/v2/contacts/5"),
            (
                "https://x.io/p/",
                "https://x.io/p/api/partner/v2/contacts/5",
            ),
        ] {
            let c = LinqClient::new(base, t.clone(), LinqClient::DEFAULT_TIMEOUT).unwrap();
            assert_eq!(c.endpoint(&["5"]).as_str(), want);
        }
    }

    #[test]
    fn credentials_in_the_base_url_are_refused_without_echoing_them() {
        let err = LinqClient::new(
            "https://user:pw@x.io",
            Token::new("t"),
            LinqClient::DEFAULT_TIMEOUT,
        )
        .unwrap_err();
        assert!(matches!(err, ApiError::InvalidUrl { .. }));
        assert!(!err.headline().contains("pw"), "{}", err.headline());
    }

    #[test]
    fn unsupported_scheme_is_invalid() {
        let err = LinqClient::new("ftp://x.io", Token::new("t"), LinqClient::DEFAULT_TIMEOUT)
            .unwrap_err();
        assert!(matches!(err, ApiError::InvalidUrl { .. }), "{err:?}");
    }
}
