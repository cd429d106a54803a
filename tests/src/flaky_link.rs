//! A loopback TCP proxy between devices and the server that can cut a
//! connection after a chosen number of bytes in either direction, so tests
//! see connections die mid-frame, as they do when a tablet leaves the
//! ward's one spot with signal.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Byte budgets for the next connection: it is cut once either is spent.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    /// Bytes let through from the device to the server.
    pub up: usize,
    /// Bytes let through from the server to the device.
    pub down: usize,
}

/// The proxy; dropping it stops accepting.
pub struct FlakyLink {
    /// Where devices connect (127.0.0.1, a free port).
    pub addr: SocketAddr,
    target: Arc<Mutex<SocketAddr>>,
    next_cut: Arc<Mutex<Option<Cut>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl FlakyLink {
    /// Starts forwarding to `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let target = Arc::new(Mutex::new(target));
        let next_cut: Arc<Mutex<Option<Cut>>> = Arc::new(Mutex::new(None));
        let (t, c) = (target.clone(), next_cut.clone());
        let accept = tokio::spawn(async move {
            while let Ok((device, _)) = listener.accept().await {
                let server = *t.lock().expect("target lock");
                let cut = c.lock().expect("cut lock").take();
                tokio::spawn(forward(device, server, cut));
            }
        });
        Ok(FlakyLink {
            addr,
            target,
            next_cut,
            accept,
        })
    }

    /// `http://` address of the proxy.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Points new connections at a (restarted) server.
    pub fn retarget(&self, target: SocketAddr) {
        *self.target.lock().expect("target lock") = target;
    }

    /// Cuts the next connection after these budgets.
    pub fn cut_next(&self, cut: Cut) {
        *self.next_cut.lock().expect("cut lock") = Some(cut);
    }
}

impl Drop for FlakyLink {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn forward(device: TcpStream, server: SocketAddr, cut: Option<Cut>) {
    let Ok(server) = TcpStream::connect(server).await else {
        return;
    };
    let (device_read, device_write) = device.into_split();
    let (server_read, server_write) = server.into_split();
    let budget = |n: Option<usize>| n.unwrap_or(usize::MAX);
    let up = pump(device_read, server_write, budget(cut.map(|c| c.up)));
    let down = pump(server_read, device_write, budget(cut.map(|c| c.down)));
    // When either direction ends (closed, or cut), the whole connection goes.
    tokio::select! {
        () = up => {},
        () = down => {},
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut budget: usize,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let pass = n.min(budget);
        if to.write_all(&buffer[..pass]).await.is_err() {
            return;
        }
        budget -= pass;
        if budget == 0 {
            return;
        }
    }
}
