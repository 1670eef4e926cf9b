//! One GET, retried until its answer arrived whole and parsed: connection errors, timeouts,
//! 5xx, 429 and truncated or unparseable bodies are retried with exponential backoff; other 4xx
//! answers fail at once with what the server said.

use std::time::Duration;

use crate::error::{FetchError, status_text};

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_mins(1);
/// The largest body accepted (a whole kwb table of one gemeente is a few MB).
const MAX_BODY_BYTES: u64 = 512 << 20;
/// How much of an unexpected body an error message quotes.
const EXCERPT_CHARS: usize = 300;

/// How requests are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// For one request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
    /// The wait after the first failed attempt; it doubles after each further one.
    pub backoff: Duration,
}

/// An answer as it arrived.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Content-Crs` (OGC API Features part 2).
    pub content_crs: Option<String>,
    /// `Retry-After` in seconds, when given so.
    pub retry_after: Option<Duration>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// What one attempt came to, when it did not succeed.
enum Failure {
    /// Worth another attempt.
    Retry(String, Option<Duration>),
    /// Final.
    Fatal(FetchError),
}

/// A blocking HTTP client with the retry policy.
pub(crate) struct Client {
    agent: ureq::Agent,
    policy: Policy,
}

impl Client {
    pub(crate) fn new(policy: Policy) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(policy.timeout))
            .http_status_as_error(false)
            .user_agent(concat!(
                "buurt/",
                env!("CARGO_PKG_VERSION"),
                " (buurt fetch)"
            ))
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
            policy,
        }
    }

    /// GET `url` until an answer of status 2xx parses with `parse`; a page is only ever kept
    /// whole. `parse` says in its error what it found instead.
    pub(crate) fn get<T>(
        &self,
        url: &str,
        accept: &str,
        parse: impl Fn(&Answer) -> Result<T, String>,
    ) -> Result<T, FetchError> {
        let attempts = self.policy.retries.saturating_add(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            let failure = match self.once(url, accept) {
                Ok(answer) if (200..300).contains(&answer.status) => match parse(&answer) {
                    Ok(value) => return Ok(value),
                    Err(message) => Failure::Retry(
                        format!("the answer is incomplete or not what was asked for: {message}"),
                        None,
                    ),
                },
                Ok(answer) if answer.status == 429 || answer.status >= 500 => Failure::Retry(
                    format!("HTTP {}: {}", status_text(answer.status), detail(&answer)),
                    answer.retry_after,
                ),
                Ok(answer) => Failure::Fatal(FetchError::Refused {
                    url: url.to_owned(),
                    status: answer.status,
                    detail: detail(&answer),
                }),
                Err(failure) => failure,
            };
            match failure {
                Failure::Fatal(e) => return Err(e),
                Failure::Retry(message, retry_after) => {
                    if attempt < attempts {
                        let wait = self.wait(attempt, retry_after);
                        tracing::warn!(
                            url,
                            attempt,
                            error = %message,
                            wait_ms = wait.as_millis(),
                            "request failed; retrying"
                        );
                        std::thread::sleep(wait);
                    }
                    last = message;
                }
            }
        }
        Err(FetchError::GaveUp {
            url: url.to_owned(),
            attempts,
            last,
        })
    }

    /// The wait after failed attempt `attempt` (from 1): backoff × 2^(attempt − 1), at least
    /// what the server asked for, at most [`MAX_BACKOFF`].
    fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let factor = 1u32 << (attempt - 1).min(16);
        let wait = self
            .policy
            .backoff
            .saturating_mul(factor)
            .max(retry_after.unwrap_or_default());
        wait.min(MAX_BACKOFF)
    }

    fn once(&self, url: &str, accept: &str) -> Result<Answer, Failure> {
        let started = std::time::Instant::now();
        let response = self
            .agent
            .get(url)
            .header("Accept", accept)
            .call()
            .map_err(|e| self.transport_failure(url, e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type");
        let content_crs = header("content-crs");
        let retry_after = header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|e| self.transport_failure(url, e))?;
        tracing::debug!(
            url,
            status,
            bytes = body.len(),
            ms = started.elapsed().as_millis(),
            "answer"
        );
        Ok(Answer {
            status,
            content_type,
            content_crs,
            retry_after,
            body,
        })
    }

    /// A transport error: retried when the network or the server may do better next time.
    fn transport_failure(&self, url: &str, error: ureq::Error) -> Failure {
        match error {
            ureq::Error::Timeout(_) => Failure::Retry(
                format!(
                    "no complete answer within {} s (the timeout)",
                    self.policy.timeout.as_secs_f64()
                ),
                None,
            ),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Failure::Retry(
                format!("the connection closed before the body was complete ({e})"),
                None,
            ),
            e @ (ureq::Error::Io(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::Decompress(..)
            | ureq::Error::BodyStalled) => Failure::Retry(e.to_string(), None),
            e => Failure::Fatal(FetchError::Request {
                url: url.to_owned(),
                message: e.to_string(),
            }),
        }
    }
}

/// What the server said: an RFC 7807 problem's title and detail, else an OData error's
/// message, else the start of the body.
fn detail(answer: &Answer) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&answer.body) {
        let text = |v: Option<&serde_json::Value>| {
            v.and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let problem: Vec<String> = [text(json.get("title")), text(json.get("detail"))]
            .into_iter()
            .flatten()
            .collect();
        if !problem.is_empty() {
            return problem.join(" — ");
        }
        // OData v3: {"odata.error": {"message": {"value": "…"}}}.
        let odata = json
            .get("odata.error")
            .or_else(|| json.get("error"))
            .and_then(|e| e.get("message"));
        if let Some(m) = text(odata.and_then(|m| m.get("value")).or(odata)) {
            return m;
        }
    }
    excerpt(&answer.body)
}

/// The start of a body as one line of text.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "(empty body)".into();
    }
    let mut out: String = line.chars().take(EXCERPT_CHARS).collect();
    if line.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    format!("'{out}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: None,
            content_crs: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn details_come_from_problem_json_odata_errors_or_the_body() {
        let problem = r#"{"type": "about:blank", "title": "Bad Request", "detail": "unknown query parameter(s) found: foo=bar", "status": 400}"#;
        assert_eq!(
            detail(&answer(400, problem)),
            "Bad Request — unknown query parameter(s) found: foo=bar"
        );
        let odata = r#"{"odata.error": {"code": "", "message": {"lang": "en-US", "value": "Resource not found for the segment 'TypedDataSetx'."}}}"#;
        assert_eq!(
            detail(&answer(404, odata)),
            "Resource not found for the segment 'TypedDataSetx'."
        );
        assert_eq!(
            detail(&answer(502, "<html>\n <b>Bad   gateway</b></html>")),
            "'<html> <b>Bad gateway</b></html>'"
        );
        assert_eq!(detail(&answer(500, "")), "(empty body)");
        assert!(excerpt("x".repeat(1000).as_bytes()).ends_with("…'"));
        assert_eq!(status_text(404), "404 Not Found");
    }

    #[test]
    fn waits_double_and_honour_retry_after() {
        let client = Client::new(Policy {
            timeout: Duration::from_secs(1),
            retries: 5,
            backoff: Duration::from_millis(500),
        });
        assert_eq!(client.wait(1, None), Duration::from_millis(500));
        assert_eq!(client.wait(3, None), Duration::from_secs(2));
        assert_eq!(
            client.wait(1, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(client.wait(30, None), MAX_BACKOFF);
    }
}
