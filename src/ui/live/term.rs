//! The terminal for the live views: raw mode on the alternate screen with the cursor hidden,
//! frames drawn in place (one write per frame, inside a synchronized update so nothing flickers),
//! keys read on their own thread (`q`/Esc quit, Ctrl-C interrupts, a resize redraws). The
//! terminal is restored on every way out: drop, Ctrl-C, and panic.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{queue, ExecutableCommand};
use tokio::sync::mpsc;

use super::Screen;

/// A key that matters to a live view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Quit,
    Interrupt,
    Resize,
}

/// The live terminal; restores it when dropped.
pub struct Terminal {
    out: io::Stdout,
}

impl Terminal {
    pub fn enter() -> io::Result<Terminal> {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        terminal::enable_raw_mode()?;
        ENTERED.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        out.execute(EnterAlternateScreen)?.execute(Hide)?;
        Ok(Terminal { out })
    }

    /// The screen's size now.
    pub fn screen() -> Screen {
        let (w, h) = terminal::size().unwrap_or((80, 24));
        Screen {
            width: w.max(20) as usize,
            height: h.max(5) as usize,
        }
    }

    /// Draws one frame from the top-left corner; the last line is the key hint.
    pub fn draw(&mut self, lines: &[String], hint: &str) -> io::Result<()> {
        let screen = Self::screen();
        let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
        queue!(buf, BeginSynchronizedUpdate, MoveTo(0, 0))?;
        let body = screen.height.saturating_sub(1);
        for (i, l) in lines.iter().take(body).enumerate() {
            queue!(buf, MoveTo(0, i as u16))?;
            buf.extend_from_slice(super::crop(l, screen.width).as_bytes());
            queue!(buf, Clear(ClearType::UntilNewLine))?;
        }
        let drawn = lines.len().min(body) as u16;
        queue!(buf, MoveTo(0, drawn), Clear(ClearType::FromCursorDown))?;
        queue!(buf, MoveTo(0, screen.height.saturating_sub(1) as u16))?;
        buf.extend_from_slice(super::crop(hint, screen.width).as_bytes());
        queue!(buf, EndSynchronizedUpdate)?;
        self.out.write_all(&buf)?;
        self.out.flush()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether the live terminal is entered (restoring writes nothing otherwise, so logs and pipes
/// get no escape sequences).
static ENTERED: AtomicBool = AtomicBool::new(false);

/// Leaves the alternate screen, shows the cursor and ends raw mode (nothing when not entered).
pub fn restore() {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = out.execute(Show);
    let _ = out.execute(LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// The keys pressed, read on a thread of their own.
pub fn keys() -> mpsc::UnboundedReceiver<Key> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || loop {
        let key = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => Key::Interrupt,
                KeyCode::Char('q') | KeyCode::Char('Q') | KeyCode::Esc => Key::Quit,
                _ => continue,
            },
            Ok(Event::Resize(..)) => Key::Resize,
            Ok(_) => continue,
            Err(_) => return,
        };
        if tx.send(key).is_err() {
            return;
        }
    });
    rx
}
