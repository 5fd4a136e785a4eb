//! The Kubernetes API's network gate: when closed (`kubeUnreachable` in the faults, or a scenario
//! whose cluster endpoint is private-only), new connections are reset as they arrive and open ones
//! fail on their next read or write, as for a client outside the VPC or an API server restarting.
//! Requests never see the gate: it sits below HTTP, on the listener and its streams. The listener
//! also speaks HTTPS on the same port (a connection opening with a TLS handshake gets one, with
//! the emulator's certificate), as an EKS endpoint does, while plain HTTP keeps working.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// Open (the API answers) or closed (connections are reset). Cheap to clone and to read.
#[derive(Debug, Clone, Default)]
pub struct KubeGate(Arc<AtomicBool>);

impl KubeGate {
    pub fn set_unreachable(&self, unreachable: bool) {
        self.0.store(unreachable, Ordering::Relaxed);
    }

    pub fn is_unreachable(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A listener that resets connections while the gate is closed (and sets TCP_NODELAY), and
/// terminates TLS for connections that start with a handshake. Connections are accepted, sniffed
/// and handshaken by a task of their own, so a slow client holds up no other.
pub struct GatedListener {
    rx: mpsc::Receiver<(GatedStream, SocketAddr)>,
    addr: SocketAddr,
}

/// The first byte of a TLS record carrying a handshake.
const TLS_HANDSHAKE: u8 = 0x16;

impl GatedListener {
    /// Starts accepting on `inner` (within a tokio runtime); `tls` enables HTTPS.
    pub fn new(inner: TcpListener, gate: KubeGate, tls: Option<TlsAcceptor>) -> io::Result<Self> {
        let addr = inner.local_addr()?;
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = inner.accept() => a,
                    _ = tx.closed() => return,
                };
                let Ok((tcp, peer)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                if gate.is_unreachable() {
                    // A zero linger turns the close into a reset: the client sees the connection
                    // refused mid-handshake rather than a clean, empty answer.
                    let _ = tcp.set_zero_linger();
                    drop(tcp);
                    continue;
                }
                let _ = tcp.set_nodelay(true);
                let (tx, gate, tls) = (tx.clone(), gate.clone(), tls.clone());
                tokio::spawn(async move {
                    let mut first = [0u8; 1];
                    let is_tls =
                        matches!(tcp.peek(&mut first).await, Ok(1) if first[0] == TLS_HANDSHAKE);
                    let inner = match tls {
                        Some(acceptor) if is_tls => {
                            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp))
                                .await
                            {
                                Ok(Ok(stream)) => Conn::Tls(Box::new(stream)),
                                _ => return,
                            }
                        }
                        _ => Conn::Plain(tcp),
                    };
                    let _ = tx.send((GatedStream { inner, gate }, peer)).await;
                });
            }
        });
        Ok(GatedListener { rx, addr })
    }
}

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

impl Listener for GatedListener {
    type Io = GatedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // the accepting task is gone (it only ends when this listener is dropped)
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

/// A plain or a TLS connection.
enum Conn {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A connection that fails once the gate closes.
pub struct GatedStream {
    inner: Conn,
    gate: KubeGate,
}

fn reset() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "Kubernetes API unreachable")
}

impl AsyncRead for GatedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.gate.is_unreachable() {
            return Poll::Ready(Err(reset()));
        }
        match &mut self.inner {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for GatedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.gate.is_unreachable() {
            return Poll::Ready(Err(reset()));
        }
        match &mut self.inner {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
