//! A native device: the same sans-IO client session the browser runs,
//! over a real WebSocket, with the app's device store, kept in memory.

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tsunagu_sync::protocol::ClientMessage;
use tsunagu_sync::session::client::ClientSession;
use tsunagu_sync::session::device_store::DeviceStore;

/// What one sync exchanged, counted at the device.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncStats {
    /// WebSocket payload bytes sent.
    pub bytes_up: usize,
    /// WebSocket payload bytes received.
    pub bytes_down: usize,
    /// Frames sent.
    pub frames_up: usize,
    /// Frames received.
    pub frames_down: usize,
    /// Flights that carried a request (`Hello`, `Push`) the server answers;
    /// a `CaseloadApplied` notice gets no answer and costs none.
    pub round_trips: usize,
}

/// A device with a sync token and its local store.
pub struct NativeDevice {
    /// The device's records and pending changes.
    pub store: DeviceStore,
    session: ClientSession,
    token: String,
}

/// The `ws://` address of a server's sync endpoint.
pub fn sync_url(base_url: &str) -> String {
    format!("{}/sync", base_url.replacen("http://", "ws://", 1))
}

impl NativeDevice {
    /// A device presenting `token`, writing with automerge actor `actor`.
    pub fn new(token: &str, actor: &str) -> Self {
        NativeDevice {
            store: DeviceStore::new(actor.as_bytes()),
            session: ClientSession::new(),
            token: token.to_owned(),
        }
    }

    /// How many notes the device holds: its records other than person
    /// profiles and cards (which devices assigned to a person receive too).
    pub fn note_count(&mut self) -> usize {
        let ids: Vec<String> = self.store.ids().cloned().collect();
        ids.iter()
            .filter(|id| {
                self.store
                    .record_mut(id)
                    .is_some_and(|r| !r.meta().kind.is_profile())
            })
            .count()
    }

    /// Opens the WebSocket; the HTTP status when the server refuses it.
    pub async fn connect(base_url: &str, token: &str) -> Result<Result<SyncSocket, u16>> {
        let mut request = sync_url(base_url).into_client_request()?;
        request
            .headers_mut()
            .insert("Authorization", format!("Bearer {token}").parse()?);
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "tsunagu.v1".parse()?);
        // A small read buffer (tungstenite zero-fills all of it before each
        // read) and no Nagle delay on small frames.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(8 * 1024)
            .max_message_size(Some(tsunagu_sync::frame::MAX_FRAME_BYTES))
            .max_frame_size(Some(tsunagu_sync::frame::MAX_FRAME_BYTES));
        match tokio_tungstenite::connect_async_with_config(request, Some(config), true).await {
            Ok((ws, _)) => Ok(Ok(ws)),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Ok(Err(response.status().as_u16()))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Connects, syncs until caught up with nothing in flight, and closes.
    pub async fn sync(&mut self, base_url: &str) -> Result<SyncStats> {
        let mut ws = match Self::connect(base_url, &self.token).await? {
            Ok(ws) => ws,
            Err(status) => bail!("sync refused with HTTP {status}"),
        };
        let mut stats = SyncStats::default();
        let result = match self.session.on_connect(&mut self.store) {
            Ok(out) => self.exchange(&mut ws, out.frames, &mut stats).await,
            Err(error) => Err(error.into()),
        };
        self.session.on_disconnect();
        let _ = ws.close(None).await;
        // Wait for the server's close: it answers only after it has handled
        // every frame sent before (a `CaseloadApplied` needs no reply), so
        // the next sync never races this one's last write.
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(Ok(_)) = ws.next().await {}
        })
        .await;
        result.map(|()| stats)
    }

    /// Sends `outgoing`, then answers the server's frames until the session
    /// is idle (caught up, nothing in flight), counting what went each way.
    async fn exchange(
        &mut self,
        ws: &mut SyncSocket,
        mut outgoing: Vec<Vec<u8>>,
        stats: &mut SyncStats,
    ) -> Result<()> {
        loop {
            if outgoing
                .iter()
                .any(|f| ClientMessage::frame_expects_reply(f))
            {
                stats.round_trips += 1;
            }
            for frame in outgoing.drain(..) {
                stats.frames_up += 1;
                stats.bytes_up += frame.len();
                ws.send(Message::Binary(frame.into())).await?;
            }
            if self.session.is_idle() {
                return Ok(());
            }
            let message = tokio::time::timeout(Duration::from_secs(30), ws.next())
                .await
                .context("no answer from the server within 30 s")?
                .context("the server closed the connection")??;
            if let Message::Binary(bytes) = message {
                stats.frames_down += 1;
                stats.bytes_down += bytes.len();
                outgoing = self.session.on_frame(&bytes, &mut self.store)?.frames;
            }
        }
    }
}

/// The WebSocket a device syncs over.
type SyncSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A device that stays connected, as a tablet in range does: each local
/// change is pushed at once and its acknowledgement awaited (load tests).
pub struct LiveDevice {
    /// The device and its store.
    pub device: NativeDevice,
    ws: SyncSocket,
}

impl LiveDevice {
    /// Runs `revoke` (a `device revoke` on the command line, say) and
    /// waits up to four seconds for the server to end this connection:
    /// how it ended (the error's text, which names the reason) and how
    /// long after `revoke` began. A connection left open is an error.
    pub async fn ended_by(
        &mut self,
        revoke: impl FnOnce() -> Result<()>,
    ) -> Result<(String, Duration)> {
        let started = std::time::Instant::now();
        revoke()?;
        match self.receive_until(Duration::from_secs(4), |_| false).await {
            Ok(()) => bail!("the connection stayed open"),
            Err(ended) => Ok((format!("{ended:?}"), started.elapsed())),
        }
    }

    /// Connects and syncs until caught up.
    pub async fn open(mut device: NativeDevice, base_url: &str) -> Result<Self> {
        let ws = match NativeDevice::connect(base_url, &device.token).await? {
            Ok(ws) => ws,
            Err(status) => bail!("sync refused with HTTP {status}"),
        };
        let hello = device.session.on_connect(&mut device.store)?.frames;
        let mut live = LiveDevice { device, ws };
        live.exchange(hello).await?;
        Ok(live)
    }

    /// Pushes what the store holds unsent and waits until the server
    /// acknowledged it (and the device is caught up again).
    pub async fn push(&mut self) -> Result<()> {
        let frames = self
            .device
            .session
            .on_local_change(&mut self.device.store)?
            .frames;
        self.exchange(frames).await
    }

    async fn exchange(&mut self, outgoing: Vec<Vec<u8>>) -> Result<()> {
        let mut stats = SyncStats::default();
        self.device
            .exchange(&mut self.ws, outgoing, &mut stats)
            .await?;
        let rejected = self.device.store.rejected();
        anyhow::ensure!(rejected.is_empty(), "the server refused {rejected:?}");
        Ok(())
    }

    /// Answers what the server sends, without pushing, until `done` holds
    /// for the store; fails after `timeout`.
    pub async fn receive_until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&mut DeviceStore) -> bool,
    ) -> Result<()> {
        let deadline = tokio::time::Instant::now() + timeout;
        while !done(&mut self.device.store) {
            let message = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .context("the awaited news did not come")?
                .context("the server closed the connection")??;
            if let Message::Binary(bytes) = message {
                let frames = self
                    .device
                    .session
                    .on_frame(&bytes, &mut self.device.store)?
                    .frames;
                for frame in frames {
                    self.ws.send(Message::Binary(frame.into())).await?;
                }
            }
        }
        Ok(())
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        self.device.session.on_disconnect();
        let _ = self.ws.close(None).await;
    }
}
