// SPDX-License-Identifier: GPL-2.0
//! The open device at work: poll stdin and the two eventfds, report
//! signals, answer commands, until `close`, end of input or a request.

use std::os::fd::AsRawFd;

use crate::cli::OpenOptions;
use crate::command::{self, Request};
use crate::device;
use crate::say;
use crate::session::Session;
use crate::status::{self, Counters};
use crate::sys;
use crate::uapi::{VFIO_AP_CFG_CHG_IRQ_INDEX, VFIO_AP_REQ_IRQ_INDEX};

/// Bytes read from stdin that do not make a whole line yet.
#[derive(Default)]
pub struct LineBuffer {
    pending: Vec<u8>,
}

impl LineBuffer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The next complete line, without its newline.
    pub fn next_line(&mut self) -> Option<String> {
        let end = self.pending.iter().position(|b| *b == b'\n')?;
        let line: Vec<u8> = self.pending.drain(..=end).collect();
        let text = line.get(..end).unwrap_or_default();
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// What is left at end of input (a last line without a newline).
    pub fn rest(&mut self) -> Option<String> {
        if self.pending.is_empty() {
            return None;
        }
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        Some(text)
    }
}

enum Flow {
    Continue,
    Close,
}

/// Answers one command line with one line.
fn answer(session: &mut Session, line: &str) -> Flow {
    let request = match command::parse(line) {
        Ok(Some(request)) => request,
        Ok(None) => return Flow::Continue,
        Err(why) => {
            say!("error: {why}");
            return Flow::Continue;
        }
    };
    match request {
        Request::Reset => match device::reset(session.device()) {
            Ok(()) => say!("reset: ok"),
            Err(err) => say!("reset: failed: {err}"),
        },
        Request::Info => match device::info(session.device()) {
            Ok(info) => say!("info: ok {}", device::describe_info(&info)),
            Err(err) => say!("info: failed: {err}"),
        },
        Request::Unmap(range) => match session.unmap(range) {
            Ok((iova, size, unmapped)) => {
                say!("unmap: ok iova={iova:#x} size={size:#x} unmapped={unmapped:#x}");
            }
            Err(err) => say!("unmap: failed: {err}"),
        },
        Request::Map(iova, size) => match session.map(iova, size) {
            Ok(pages) => say!("map: ok iova={iova:#x} size={size:#x} pages={pages}"),
            Err(err) => say!("map: failed: {err}"),
        },
        Request::Irq(index, on) => {
            let state = if on { "on" } else { "off" };
            match session.set_irq(index, on) {
                Ok(Some(fd)) => say!("irq {index} {state}: ok eventfd={fd}"),
                Ok(None) => say!("irq {index} {state}: ok"),
                Err(err) => say!("irq {index} {state}: failed: {err}"),
            }
        }
        Request::Close => return Flow::Close,
    }
    Flow::Continue
}

/// Reads what an eventfd counted (0 if nothing).
fn take(session: &Session, index: u32) -> u64 {
    let Some(fd) = session.trigger(index as usize) else {
        return 0;
    };
    match sys::eventfd_take(fd) {
        Ok(count) => count,
        Err(err) => {
            say!("event: read failed: {err}");
            0
        }
    }
}

const READY: libc::c_short = libc::POLLIN | libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;

fn pollfd(fd: i32) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}

/// Serves until the end; the exit status.
pub fn serve(mut session: Session, options: &OpenOptions) -> i32 {
    let status_file = options.status.as_deref();
    let mut counters = Counters {
        open: true,
        ..Counters::default()
    };
    status::write(status_file, &counters);
    let mut input = LineBuffer::default();
    let stdin = std::io::stdin().as_raw_fd();
    loop {
        // An absent eventfd polls as fd -1: ignored by poll().
        let fd_of = |index: u32| {
            session
                .trigger(index as usize)
                .map_or(-1, |fd| fd.as_raw_fd())
        };
        let mut fds = [
            pollfd(fd_of(VFIO_AP_CFG_CHG_IRQ_INDEX)),
            pollfd(fd_of(VFIO_AP_REQ_IRQ_INDEX)),
            pollfd(stdin),
        ];
        if let Err(err) = sys::poll(&mut fds) {
            say!("serve: poll failed: {err}");
            session.close();
            return 1;
        }
        let [cfg_chg, req, input_ready] = fds.map(|p| p.revents & READY != 0);

        if cfg_chg {
            let count = take(&session, VFIO_AP_CFG_CHG_IRQ_INDEX);
            if count > 0 {
                counters.cfg_chg += count;
                say!("event cfg_chg total={}", counters.cfg_chg);
                status::write(status_file, &counters);
            }
        }
        if req {
            let count = take(&session, VFIO_AP_REQ_IRQ_INDEX);
            if count > 0 {
                counters.req += count;
                say!("event req total={}", counters.req);
                status::write(status_file, &counters);
                if !options.keep_open_on_request {
                    session.unplug();
                    counters.open = false;
                    status::write(status_file, &counters);
                    return 0;
                }
            }
        }
        if !input_ready {
            continue;
        }
        let mut buf = [0u8; 4096];
        let (lines, end) = match sys::read(stdin, &mut buf) {
            Ok(0) | Err(_) => (input.rest().into_iter().collect::<Vec<_>>(), true),
            Ok(n) => {
                input.push(buf.get(..n).unwrap_or_default());
                (std::iter::from_fn(|| input.next_line()).collect(), false)
            }
        };
        for line in lines {
            let flow = answer(&mut session, &line);
            if let Flow::Close = flow {
                session.close();
                counters.open = false;
                status::write(status_file, &counters);
                return 0;
            }
            status::write(status_file, &counters);
        }
        if end {
            session.close();
            counters.open = false;
            status::write(status_file, &counters);
            return 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_across_reads() {
        let mut input = LineBuffer::default();
        input.push(b"res");
        assert_eq!(input.next_line(), None);
        input.push(b"et\ninfo\nunm");
        assert_eq!(input.next_line().as_deref(), Some("reset"));
        assert_eq!(input.next_line().as_deref(), Some("info"));
        assert_eq!(input.next_line(), None);
        input.push(b"ap");
        assert_eq!(input.rest().as_deref(), Some("unmap"));
        assert_eq!(input.rest(), None);
    }
}
