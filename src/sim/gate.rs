//! The Kubernetes API's network gate: when closed (`kubeUnreachable` in the faults, or a scenario
//! whose cluster endpoint is private-only), new connections are reset as they arrive and open ones
//! fail on their next read or write, as for a client outside the VPC or an API server restarting.
//! Requests never see the gate: it sits below HTTP, on the listener and its streams.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

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

/// A listener that resets connections while the gate is closed (and sets TCP_NODELAY).
pub struct GatedListener {
    pub inner: TcpListener,
    pub gate: KubeGate,
}

impl Listener for GatedListener {
    type Io = GatedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (tcp, addr) = Listener::accept(&mut self.inner).await;
            if self.gate.is_unreachable() {
                // A zero linger turns the close into a reset: the client sees the connection refused
                // mid-handshake rather than a clean, empty answer.
                let _ = tcp.set_zero_linger();
                drop(tcp);
                continue;
            }
            let _ = tcp.set_nodelay(true);
            return (
                GatedStream {
                    inner: tcp,
                    gate: self.gate.clone(),
                },
                addr,
            );
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that fails once the gate closes.
pub struct GatedStream {
    inner: TcpStream,
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
        Pin::new(&mut self.inner).poll_read(cx, buf)
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
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
