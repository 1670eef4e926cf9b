//! hyper's own answers to requests it cannot parse, given the JSON body every other error has.
//!
//! hyper answers a malformed request (400), a URI too long (414) or headers too large (431)
//! itself, before any handler runs, with an empty body and no hook to change it. The serving
//! connection ([`crate::accept::CountedStream`]) recognises such an answer as it is written
//! (one of those statuses with `content-length: 0`, which no handler of ours sends: their
//! errors carry `{"error": …}`) and writes [`json_answer`] in its place. hyper closes the
//! connection after it.

/// The answer to write instead of `head` when `head` is hyper's own bodiless 400, 414 or
/// 431; `None` for anything else.
#[must_use]
pub fn json_answer(head: &[u8]) -> Option<Vec<u8>> {
    let status = head
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| head.strip_prefix(b"HTTP/1.0 "))?
        .get(..3)?;
    let message = match status {
        b"400" => "malformed HTTP request",
        b"414" => "the URI is too long",
        b"431" => "the request's header fields are too large or too many",
        _ => return None,
    };
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    let fields = &head[..end + 2];
    let empty = fields
        .split(|&b| b == b'\n')
        .any(|line| line.trim_ascii().eq_ignore_ascii_case(b"content-length: 0"));
    if !empty {
        return None;
    }
    let reason = match status {
        b"400" => "Bad Request",
        b"414" => "URI Too Long",
        _ => "Request Header Fields Too Large",
    };
    let body = serde_json::json!({ "error": message }).to_string();
    Some(
        format!(
            "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\nconnection: close\r\n\
             content-length: {}\r\n\r\n{body}",
            String::from_utf8_lossy(status),
            body.len()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_errors_get_a_json_body_and_nothing_else_changes() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
                      date: Sun, 06 Dec 2026 00:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(json_answer(hyper).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["error"].as_str().unwrap().contains("too large"));
        for status in ["400 Bad Request", "414 URI Too Long"] {
            let head = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n");
            assert!(json_answer(head.as_bytes()).is_some(), "{status}");
        }
        // Our own errors have a body; other statuses and bodies are left alone.
        for other in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 30\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"error\": \"HTTP/1.1 400\"}",
        ] {
            assert!(
                json_answer(other).is_none(),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }
}
