//! The service's public base URL, which TileJSON puts in front of its tile paths: a setting
//! (`buurt serve --public-url`), never the request's `Host` header, which any client can set
//! (a cached TileJSON naming a host of the client's choosing sends other users' tile requests
//! there).

use std::fmt;
use std::net::SocketAddr;

use crate::error::ServerError;

/// An absolute `http` or `https` base URL without query or fragment, without a trailing `/`.
///
/// ```
/// use buurt_server::PublicUrl;
/// let url: PublicUrl = "https://kaart.example.nl/buurt/".parse()?;
/// assert_eq!(url.as_str(), "https://kaart.example.nl/buurt");
/// assert!("kaart.example.nl".parse::<PublicUrl>().is_err());
/// # Ok::<(), buurt_server::ServerError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// The URL under which a server listening on `addr` is reached from this machine: the
    /// default when none is set. An unspecified address (0.0.0.0, ::) becomes the loopback.
    #[must_use]
    pub fn local(addr: SocketAddr) -> Self {
        let ip = if addr.ip().is_unspecified() {
            if addr.is_ipv4() {
                std::net::IpAddr::from([127, 0, 0, 1])
            } else {
                std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
            }
        } else {
            addr.ip()
        };
        Self(format!("http://{}", SocketAddr::new(ip, addr.port())))
    }

    /// The URL as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = ServerError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| ServerError::PublicUrl {
            url: text.to_owned(),
            reason: reason.to_owned(),
        };
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| bad("it must start with http:// or https://"))?;
        if text
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\\'))
        {
            return Err(bad("it holds a space, quote or control character"));
        }
        if text.contains(['?', '#']) {
            return Err(bad("a base URL has no query or fragment"));
        }
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains('@') {
            return Err(bad("it names no host (or carries user information)"));
        }
        Ok(Self(text.trim_end_matches('/').to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_base_urls_and_refuses_the_rest() {
        for (text, want) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://kaart.example.nl/", "https://kaart.example.nl"),
            ("https://example.nl/a/b//", "https://example.nl/a/b"),
        ] {
            assert_eq!(text.parse::<PublicUrl>().unwrap().as_str(), want);
        }
        for text in [
            "",
            "example.nl",
            "ftp://example.nl",
            "http://",
            "http:///x",
            "http://a b",
            "http://x?y=1",
            "http://x#f",
            "http://user@x",
            "http://x\"><script>",
        ] {
            let err = text.parse::<PublicUrl>().unwrap_err();
            assert!(err.to_string().contains("--public-url"), "{err}");
        }
    }

    #[test]
    fn the_local_default_names_the_listening_address() {
        let url = PublicUrl::local("0.0.0.0:8080".parse().unwrap());
        assert_eq!(url.as_str(), "http://127.0.0.1:8080");
        let url = PublicUrl::local("[::]:9000".parse().unwrap());
        assert_eq!(url.as_str(), "http://[::1]:9000");
        let url = PublicUrl::local("192.0.2.7:80".parse().unwrap());
        assert_eq!(url.as_str(), "http://192.0.2.7:80");
    }
}
