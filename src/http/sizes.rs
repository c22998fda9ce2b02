//! Request and response body sizes for the `/metrics` histograms: a body wrapper that
//! counts the bytes passing through it and reports the total once, when it is dropped
//! (read to the end, refused unread, or a stream that ended or was cut off). It forwards
//! the size hint, so a response keeps its `Content-Length`.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};

/// `body`, counted: `report` gets its data bytes when it is dropped.
pub(super) fn counted(body: Body, report: impl FnOnce(u64) + Send + 'static) -> Body {
    Body::new(Counted {
        inner: body,
        bytes: 0,
        report: Some(Box::new(report)),
    })
}

struct Counted {
    inner: Body,
    bytes: u64,
    report: Option<Box<dyn FnOnce(u64) + Send>>,
}

impl http_body::Body for Counted {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.bytes += data.len() as u64;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        if let Some(report) = self.report.take() {
            report(self.bytes);
        }
    }
}
