//! The raw-HTTP floor: what a call costs with nothing but HTTP/1.1 on a keep-alive
//! connection. A prebuilt, unsigned request (the same body a metering client sends) is written
//! and the answer read (status line, Content-Length, body checked for the operation's proof),
//! on a tokio current_thread runtime (hyper's setting); K in flight = K connections.

#[path = "../http_common.rs"]
mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[global_allocator]
static A: Counting = Counting;

fn find(h: &[u8], pat: &[u8]) -> Option<usize> {
    h.windows(pat.len()).position(|w| w == pat)
}

struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn call(&mut self, req: &[u8], proof: &[u8]) {
        self.s.write_all(req).await.unwrap_or_else(|e| die(&format!("write: {e}")));
        self.buf.clear();
        let mut tmp = [0u8; 16 * 1024];
        loop {
            let n = self.s.read(&mut tmp).await.unwrap_or_else(|e| die(&format!("read: {e}")));
            if n == 0 {
                die("connection closed");
            }
            self.buf.extend_from_slice(&tmp[..n]);
            let Some(end) = find(&self.buf, b"\r\n\r\n") else { continue };
            let head = &self.buf[..end];
            if !head.starts_with(b"HTTP/1.1 200") {
                die(&format!("answer: {}", String::from_utf8_lossy(head)));
            }
            let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
            let len: usize = lower
                .split("content-length:")
                .nth(1)
                .and_then(|r| r.split("\r\n").next())
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| die("no content-length"));
            if self.buf.len() >= end + 4 + len {
                if find(&self.buf[end + 4..], proof).is_none() {
                    die("answer without the operation's proof");
                }
                return;
            }
        }
    }
}

fn main() {
    let args = parse_args();
    let hp = host_port(&args.endpoint);
    let body = match args.op {
        Op::Meter => meter_body(args.timestamp),
        Op::Batch => batch_body(args.timestamp),
    };
    let req = format!(
        "POST / HTTP/1.1\r\nhost: {hp}\r\ncontent-type: application/x-amz-json-1.1\r\n\
         x-amz-target: {}\r\ncontent-length: {}\r\n\r\n{body}",
        args.op.target(),
        body.len()
    )
    .into_bytes();
    let req = Rc::new(req);
    let proof: &'static [u8] = b"MeteringRecordId";
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let mut conns = Vec::new();
        for _ in 0..args.concurrency {
            let s = TcpStream::connect(&hp).await.unwrap_or_else(|e| die(&format!("connect: {e}")));
            s.set_nodelay(true).unwrap();
            conns.push(Conn { s, buf: Vec::with_capacity(16 * 1024) });
        }
        let run = |conns: Vec<Conn>, calls: usize, lat: Rc<RefCell<Vec<Duration>>>| {
            let next = Rc::new(Cell::new(0usize));
            let tasks: Vec<_> = conns
                .into_iter()
                .map(|mut c| {
                    let next = next.clone();
                    let lat = lat.clone();
                    let req = req.clone();
                    tokio::task::spawn_local(async move {
                        while next.get() < calls {
                            next.set(next.get() + 1);
                            let t0 = Instant::now();
                            c.call(&req, proof).await;
                            lat.borrow_mut().push(t0.elapsed());
                        }
                        c
                    })
                })
                .collect();
            async move {
                let mut back = Vec::new();
                for t in tasks {
                    back.push(t.await.unwrap());
                }
                back
            }
        };
        let warm = Rc::new(RefCell::new(Vec::new()));
        let conns = run(conns, args.warmup, warm).await;
        let lat = Rc::new(RefCell::new(Vec::with_capacity(args.calls)));
        let m = Meter::start();
        let _conns = run(conns, args.calls, lat.clone()).await;
        let lat = std::mem::take(&mut *lat.borrow_mut());
        m.report("floor", &args, lat);
    });
}
