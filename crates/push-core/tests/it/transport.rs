//! What the transport puts on the wire, and how it reads answers.

use std::time::Duration;

use push_core::{
    ApiError, Error, Method, Request, Response, RetryPolicy, Secret, Transport, TransportBuilder,
    USER_AGENT,
};
use push_test_support::secrets::assert_base_url_secrets_hidden;
use wiremock::matchers::{body_bytes, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use push_test_support::mock::{answering, serving};

use crate::post;

#[tokio::test]
async fn sends_default_headers_auth_body_and_query_exactly() {
    let server = MockServer::start().await;
    let body = r#"{"name":"héllo","data":"{\"a\":1}"}"#;
    Mock::given(method("POST"))
        .and(path("/api/v1/apps/1/events"))
        .and(query_param("auth_key", "k"))
        .and(header("x-pusher-library", "test-lib 1.0"))
        .and(header("authorization", "Bearer tok-123"))
        .and(header("user-agent", USER_AGENT))
        .and(header("content-type", "application/json"))
        .and(header("x-per-request", "yes"))
        .and(body_bytes(body.as_bytes().to_vec()))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;

    let t = Transport::builder(format!("{}/api/v1/", server.uri()))
        .header("X-Pusher-Library", "test-lib 1.0")
        .bearer_auth(&Secret::new("tok-123"))
        .build()
        .unwrap();
    let resp = t
        .send(
            Request::post("/apps/1/events?auth_key=k")
                .json_body(body)
                .header("X-Per-Request", "yes"),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.body(), b"{}");
}

#[tokio::test]
async fn get_has_no_content_type_and_headers_are_readable() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .and(path("/subs"))
        .respond_with(ResponseTemplate::new(200).insert_header("X-Total-Count", "42"))
        .expect(1)
        .mount(&server)
        .await;
    let t = Transport::builder(server.uri()).build().unwrap();
    let resp = t.send(Request::head("/subs")).await.unwrap();
    assert_eq!(resp.header("x-total-count"), Some("42"));
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("content-type").is_none());
}

#[tokio::test]
async fn error_parser_shapes_api_errors() {
    fn parse(status: u16, body: &[u8]) -> ApiError {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let mut e = ApiError::new(status, body);
        if let Some(code) = v["error"].as_str() {
            e = e.with_code(code);
        }
        if let Some(d) = v["description"].as_str() {
            e = e.with_message(d);
        }
        e
    }
    let body = r#"{"error":"Unauthorized","description":"Incorrect API Key"}"#;
    let server = answering(
        "POST",
        vec![(ResponseTemplate::new(401).set_body_string(body), 1)],
    )
    .await;
    let t = Transport::builder(server.uri())
        .error_parser(parse)
        .build()
        .unwrap();
    let err = t.send(post("/p")).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.status, 401);
    assert_eq!(api.code.as_deref(), Some("Unauthorized"));
    assert_eq!(api.message.as_deref(), Some("Incorrect API Key"));
    assert_eq!(
        err.to_string(),
        "the service answered HTTP 401: Unauthorized: Incorrect API Key"
    );
}

#[tokio::test]
async fn non_json_success_body_is_a_decode_error() {
    let page = ResponseTemplate::new(200).set_body_string("<html>oops</html>");
    let server = answering("GET", vec![(page, 1)]).await;
    let t = Transport::builder(server.uri()).build().unwrap();
    let resp = t.send(Request::get("/x")).await.unwrap();
    let err = resp.json::<serde_json::Value>().unwrap_err();
    assert!(matches!(err, Error::Decode { .. }));
    assert!(err.to_string().contains("oops"), "{err}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let redirect = ResponseTemplate::new(307).insert_header("Location", "http://127.0.0.1:9/");
    let server = answering("POST", vec![(redirect, 1)]).await;
    let t = Transport::builder(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = t.send(post("/x")).await.unwrap_err();
    assert_eq!(err.status(), Some(307));
}

#[tokio::test]
async fn the_pool_is_shared_by_clones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header_exists("user-agent"))
        .respond_with(ResponseTemplate::new(200))
        .expect(20)
        .mount(&server)
        .await;
    let t = Transport::builder(server.uri()).build().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let t = t.clone();
        tasks.push(tokio::spawn(
            async move { t.send(Request::get("/x")).await },
        ));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}

#[test]
fn bad_configuration_is_a_config_error() {
    for url in [
        "",
        "not a url",
        "ftp://host",
        "http://",
        "https://h/x?q=1",
        "mailto:a@b",
    ] {
        let err = Transport::builder(url).build().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url:?}: {err:?}");
    }
    let err = Transport::builder("https://h")
        .header("bad header", "v")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    let err = Transport::builder("https://h")
        .header("x", "line\nbreak")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    let err = Transport::builder("https://h")
        .proxy("::not a proxy::")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert!(
        Transport::builder("https://h")
            .timeout(Duration::from_secs(1))
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn invalid_request_header_is_invalid_input_and_nothing_is_sent() {
    let server = answering("GET", vec![(ResponseTemplate::new(200), 0)]).await;
    let t = Transport::builder(server.uri()).build().unwrap();
    let err = t
        .send(Request::get("/x").header("x", "a\r\nb"))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
}

#[test]
fn response_helpers() {
    let r = Response::new(201, &[("Content-Type", "application/json")], "[1,2]");
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Vec<u8>>().unwrap(), vec![1, 2]);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("missing"), None);
}

#[tokio::test]
async fn an_endpoint_sends_what_the_same_relative_path_sends() {
    let server = serving("POST", "/api/v1/apps/1/events", "{}", 4).await;
    let t = Transport::builder(format!("{}/api/v1", server.uri()))
        .build()
        .unwrap();
    let events = t.endpoint("/apps/1/events").unwrap();
    assert_eq!(events.path(), "/apps/1/events");
    // A plain query, one the fast path must hand to the full parser (a space), and none.
    for query in [Some("auth_key=k&info=a,b"), Some("x=a b"), None] {
        let mut by_endpoint = Request::to(Method::Post, &events).json_body("{}");
        let mut by_path = Request::post("/apps/1/events").json_body("{}");
        if let Some(query) = query {
            by_endpoint = by_endpoint.query(query);
            by_path = by_path.query(query);
        }
        assert_eq!(by_endpoint.path_and_query(), by_path.path_and_query());
        t.send(by_endpoint).await.unwrap();
        if query == Some("x=a b") {
            t.send(by_path).await.unwrap();
        }
    }
    let seen = server.received_requests().await.unwrap();
    let sent: Vec<(&str, Option<&str>)> =
        seen.iter().map(|r| (r.url.path(), r.url.query())).collect();
    let path = "/api/v1/apps/1/events";
    assert_eq!(
        sent,
        [
            (path, Some("auth_key=k&info=a,b")),
            (path, Some("x=a%20b")),
            (path, Some("x=a%20b")),
            (path, None),
        ]
    );
}

#[test]
fn endpoint_paths_must_be_paths() {
    let t = Transport::builder("https://api.example.com")
        .build()
        .unwrap();
    for bad in ["", "apps", "/apps?x=1", "/apps#f"] {
        let err = t.endpoint(bad).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "path"),
            "{bad:?}: {err:?}"
        );
    }
    let query_replaced = Request::post("/a?old=1").query("new=2");
    assert_eq!(query_replaced.path_and_query(), "/a?new=2");
}

#[tokio::test]
async fn a_path_reaches_the_server_exactly_as_given_or_not_at_all() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let t = Transport::builder(format!("{}/api/v1", server.uri()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    // Paths the URL parser would rewrite (dot segments, `%2e`, a backslash, characters it
    // encodes): refused, nothing sent.
    for rewritten in [
        "/users/..",
        "/users/.",
        "/users/../x",
        "/users/%2e%2e",
        "/users/.%2E/x",
        "/users/a\\b",
        "/users/a b",
        "/users/ü",
        "/users/a#b",
    ] {
        let err = t.send(Request::delete(rewritten)).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "path"),
            "{rewritten}: {err:?}"
        );
        assert!(t.endpoint(rewritten).is_err(), "{rewritten}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // Unusual but exact paths are sent as they are.
    for exact in [
        "/users/...",
        "/users/a%2Fb",
        "/users/%C3%BC",
        "/users/a;b,c=d@e",
    ] {
        t.send(Request::delete(format!("{exact}?q=1")))
            .await
            .unwrap();
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v1/users/...",
            "/api/v1/users/a%2Fb",
            "/api/v1/users/%C3%BC",
            "/api/v1/users/a;b,c=d@e"
        ]
    );
}

/// A base URL carrying credentials, a query or a fragment: refused at build, and neither the
/// error nor the builder's `Debug` repeats the user info or the query.
#[test]
fn base_url_credentials_and_query_are_never_shown() {
    assert_base_url_secrets_hidden(|url| Transport::builder(url), TransportBuilder::build);
    // What is shown instead: scheme, host, port and path.
    let err = Transport::builder("ftp://host:2121/x?token=abc")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("ftp://host:2121/x"), "{err}");
    let shown = format!(
        "{:?}",
        Transport::builder("https://host:8443/api?token=abc")
    );
    assert!(shown.contains("https://host:8443/api"), "{shown}");
    assert!(!shown.contains("abc"), "{shown}");
}

/// A request the HTTP client cannot build (here a URL past the 65 534 bytes the `http` crate
/// accepts) is the caller's input, not a connection failure: `InvalidInput` naming
/// `request`, nothing sent, no retry, and no URL in the message.
#[tokio::test]
async fn a_request_the_client_cannot_build_is_invalid_input_not_retried() {
    let server = answering("GET", vec![(ResponseTemplate::new(200), 0)]).await;
    let sleeper = crate::RecordingSleeper::default();
    let t = Transport::builder(server.uri())
        .retry_policy(crate::fast_policy(4))
        .sleeper(sleeper.sleeper())
        .build()
        .unwrap();
    let query = format!("secret_marker=1&{}", "a=1&".repeat(20_000));
    let err = t
        .send(Request::get(format!("/x?{query}")))
        .await
        .unwrap_err();
    match &err {
        Error::InvalidInput { field, .. } => assert_eq!(field, "request"),
        other => panic!("{other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("secret_marker"), "{shown}");
    assert!(!shown.contains("127.0.0.1"), "{shown}");
    assert!(sleeper.delays().is_empty(), "{:?}", sleeper.delays());
    assert!(!err.is_retryable());
}

/// A server on 127.0.0.1 that answers one request with `head` and then `pieces`, each written
/// on its own after a short pause, so the client reads the body in several chunks.
async fn answering_in_pieces(head: &'static str, pieces: Vec<Vec<u8>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                return;
            }
            request.extend_from_slice(&buf[..n]);
        }
        stream.write_all(head.as_bytes()).await.unwrap();
        for piece in pieces {
            stream.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(2)).await;
            if stream.write_all(&piece).await.is_err() {
                return;
            }
        }
    });
    url
}

/// One chunk of a `Transfer-Encoding: chunked` body.
fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

#[tokio::test]
async fn a_body_in_many_pieces_arrives_whole() {
    let body = br#"{"channels":{"a":{"user_count":1},"b":{"user_count":2}}}"#;
    // With a declared length, written a few bytes at a time.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 56\r\n\r\n";
    assert_eq!(body.len(), 56);
    let pieces = body.chunks(7).map(<[u8]>::to_vec).collect();
    let t = Transport::builder(answering_in_pieces(head, pieces).await)
        .build()
        .unwrap();
    let resp = t.send(Request::get("/channels")).await.unwrap();
    assert_eq!(resp.body(), body);
    // Without one, as chunked transfer coding.
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    let mut pieces: Vec<Vec<u8>> = body.chunks(5).map(chunk).collect();
    pieces.push(b"0\r\n\r\n".to_vec());
    let t = Transport::builder(answering_in_pieces(head, pieces).await)
        .build()
        .unwrap();
    let resp = t.send(Request::get("/channels")).await.unwrap();
    assert_eq!(resp.body(), body);
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_refused_whether_declared_or_streamed() {
    let cap = push_core::MAX_RESPONSE_BODY;
    // Declared: refused from the head, before the body is read.
    let head: &'static str = Box::leak(
        format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", cap + 1).into_boxed_str(),
    );
    let t = Transport::builder(answering_in_pieces(head, vec![b"{}".to_vec()]).await)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = t.send(Request::get("/big")).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("larger than"), "{err}");
    // Streamed without a length: refused once the pieces pass the cap.
    let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
    let mib = vec![b'a'; 1 << 20];
    let pieces = (0..(cap >> 20) + 1).map(|_| chunk(&mib)).collect();
    let t = Transport::builder(answering_in_pieces(head, pieces).await)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = t.send(Request::get("/big")).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

/// A request's future holds the request, its URL and the answer once each. A caller that
/// boxes or spawns it pays for every byte; past about 1 KiB, glibc's allocator leaves its
/// per-thread cache for a slower path (a trigger future of 2 216 bytes cost Channels measurable
/// CPU). An `async fn` between the steps would hold its arguments a second time. The attempt's
/// timer (a tokio `Sleep`, 96 bytes) is in it too: 896 bytes in a debug build.
#[test]
fn a_request_future_stays_small() {
    let transport = Transport::builder("http://127.0.0.1:1").build().unwrap();
    let future = transport.send(Request::post("/x").json_body("{}"));
    let size = std::mem::size_of_val(&future);
    assert!(size <= 910, "the transport's future is {size} bytes");
}

/// Every request carries one `Accept`: `*/*` unless the provider or the request sets its own,
/// where reqwest puts the one it adds (after the defaults and the request's own headers). The
/// transport's defaults carry it, so that reqwest need not grow each request's header map.
#[tokio::test]
async fn one_accept_header_in_the_order_reqwest_would_send_it() {
    use push_test_support::faults::{Server, answer};
    let order = async |configure: fn(TransportBuilder) -> TransportBuilder, request: Request| {
        let server = Server::script(vec![answer(200, "{}")]).await;
        let t = configure(Transport::builder(server.uri()).header("X-Lib", "l"))
            .build()
            .unwrap();
        t.send(request).await.unwrap();
        let seen = server.seen().remove(0);
        seen.headers
            .into_iter()
            .filter(|(name, _)| name != "host" && name != "content-length")
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
    };
    let plain = |b| b;
    assert_eq!(
        order(plain, Request::post("/e").json_body("{}")).await,
        [
            format!("user-agent: {USER_AGENT}"),
            "x-lib: l".into(),
            "content-type: application/json".into(),
            "accept: */*".into(),
        ]
    );
    assert_eq!(
        order(plain, Request::get("/e").header("X-Req", "r")).await,
        [
            format!("user-agent: {USER_AGENT}"),
            "x-lib: l".into(),
            "x-req: r".into(),
            "accept: */*".into(),
        ]
    );
    assert_eq!(
        order(plain, Request::get("/e").header("Accept", "text/plain")).await,
        [
            format!("user-agent: {USER_AGENT}"),
            "x-lib: l".into(),
            "accept: text/plain".into(),
        ]
    );
    assert_eq!(
        order(
            |b| b.header("Accept", "application/json"),
            Request::get("/e")
        )
        .await,
        [
            format!("user-agent: {USER_AGENT}"),
            "x-lib: l".into(),
            "accept: application/json".into(),
        ]
    );
}
