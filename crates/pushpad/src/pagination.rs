//! Walking a paged listing: [`PageStream`], what `notifications().stream(..)` and
//! `subscriptions().stream(..)` return, and the page walker behind both.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use push_core::Result;

/// Every item of a paged listing, in order, fetched one page at a time as the stream is
/// polled.
///
/// The walk ends after an empty page, after a page the listing knows to be the last, or at
/// the first error, which is yielded as the stream's last item. The stream is `Unpin` and
/// `Send`: call `.next().await` on it directly, or spawn it.
///
/// ```no_run
/// # async fn demo(client: push_pushpad::Client) -> push_pushpad::Result<()> {
/// use futures_util::StreamExt;
/// use push_pushpad::SubscriptionQuery;
///
/// let mut subscriptions = client.subscriptions().stream(SubscriptionQuery::new().per_page(100));
/// while let Some(subscription) = subscriptions.next().await {
///     println!("{}", subscription?.id);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing until it is polled"]
pub struct PageStream<'a, T> {
    items: BoxStream<'a, Result<T>>,
}

impl<'a, T: Send + 'a> PageStream<'a, T> {
    /// Walks pages `first`, `first + 1`, ...: `fetch(page)` answers a page's items and whether
    /// that page is known to be the last.
    pub(crate) fn walk<F, Fut>(first: u32, fetch: F) -> Self
    where
        F: Fn(u32) -> Fut + Send + 'a,
        Fut: Future<Output = Result<(Vec<T>, bool)>> + Send + 'a,
    {
        let pages = stream::unfold((fetch, Some(first)), |(fetch, next)| async move {
            let page = next?;
            let (items, next) = match fetch(page).await {
                Ok((items, last)) => {
                    let next = if items.is_empty() || last {
                        None
                    } else {
                        page.checked_add(1)
                    };
                    (items.into_iter().map(Ok).collect(), next)
                }
                Err(err) => (vec![Err(err)], None),
            };
            Some((stream::iter(items), (fetch, next)))
        });
        Self {
            items: pages.flatten().boxed(),
        }
    }
}

impl<T> Stream for PageStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PageStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use push_core::Error;

    use super::*;

    /// A walk over `pages` (page 1 first) recording which pages it asked for.
    fn over(
        pages: Vec<Vec<u32>>,
        first: u32,
        last_when_shorter_than: usize,
    ) -> (PageStream<'static, u32>, Arc<Mutex<Vec<u32>>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream = PageStream::walk(first, move |page| {
            log.lock().unwrap().push(page);
            let items = pages.get(page as usize - 1).cloned().unwrap_or_default();
            async move {
                let last = items.len() < last_when_shorter_than;
                Ok((items, last))
            }
        });
        (stream, asked)
    }

    #[tokio::test]
    async fn stops_at_an_empty_page_or_a_last_one() {
        let (stream, asked) = over(vec![vec![1, 2], vec![3, 4], vec![]], 1, 0);
        assert_eq!(
            stream.map(Result::unwrap).collect::<Vec<_>>().await,
            [1, 2, 3, 4]
        );
        assert_eq!(*asked.lock().unwrap(), [1, 2, 3]);

        let (stream, asked) = over(vec![vec![1, 2], vec![3], vec![9]], 1, 2);
        assert_eq!(
            stream.map(Result::unwrap).collect::<Vec<_>>().await,
            [1, 2, 3]
        );
        assert_eq!(*asked.lock().unwrap(), [1, 2]);
    }

    #[tokio::test]
    async fn starts_at_the_page_given() {
        let (stream, asked) = over(vec![vec![1], vec![2], vec![3]], 2, 0);
        assert_eq!(stream.map(Result::unwrap).collect::<Vec<_>>().await, [2, 3]);
        assert_eq!(*asked.lock().unwrap(), [2, 3, 4]);
    }

    #[tokio::test]
    async fn the_first_error_is_the_last_item_and_next_works_unpinned() {
        let mut stream = PageStream::walk(1, |page| async move {
            if page == 1 {
                Ok((vec![7], false))
            } else {
                Err(Error::decode("page two is broken"))
            }
        });
        // `next` needs `Unpin`: no pinning here.
        assert_eq!(stream.next().await.unwrap().unwrap(), 7);
        assert!(matches!(
            stream.next().await,
            Some(Err(Error::Decode { .. }))
        ));
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn the_walk_ends_at_the_last_page_number() {
        let (stream, asked) = over(Vec::new(), u32::MAX, 0);
        assert!(stream.collect::<Vec<_>>().await.is_empty());
        assert_eq!(*asked.lock().unwrap(), [u32::MAX]);
        let mut full = PageStream::walk(u32::MAX, |_| async { Ok((vec![1], false)) });
        assert_eq!(full.next().await.unwrap().unwrap(), 1);
        assert!(full.next().await.is_none(), "no page after u32::MAX");
    }
}
