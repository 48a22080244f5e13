//! The bounded CPU pool: `workers` jobs run at once, `queue` more may wait, anything beyond is
//! refused at once (`RequestLimitExceeded`) so overload never turns into a stall or an OOM.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use ekyc_types::{EkycError, ErrorCode};

#[derive(Clone)]
pub struct WorkPool {
    inner: Arc<Inner>,
}

struct Inner {
    admission: Arc<Semaphore>,
    workers: Arc<Semaphore>,
    worker_count: usize,
    queue_len: usize,
    waiting: AtomicUsize,
    running: AtomicUsize,
}

/// A place in the pool, held from admission until the request is answered.
pub struct Admission {
    pool: WorkPool,
    _permit: OwnedSemaphorePermit,
}

impl WorkPool {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        WorkPool {
            inner: Arc::new(Inner {
                admission: Arc::new(Semaphore::new(workers + queue)),
                workers: Arc::new(Semaphore::new(workers)),
                worker_count: workers,
                queue_len: queue,
                waiting: AtomicUsize::new(0),
                running: AtomicUsize::new(0),
            }),
        }
    }

    /// Takes a place or fails at once.
    pub fn admit(&self) -> Result<Admission, EkycError> {
        let permit = self
            .inner
            .admission
            .clone()
            .try_acquire_owned()
            .map_err(|_| {
                EkycError::new(
                    ErrorCode::RequestLimitExceeded,
                    format!(
                        "the server is busy ({} requests running, {} waiting); retry shortly",
                        self.inner.worker_count, self.inner.queue_len
                    ),
                )
            })?;
        Ok(Admission {
            pool: self.clone(),
            _permit: permit,
        })
    }

    /// Requests admitted and waiting for a worker.
    pub fn queue_depth(&self) -> usize {
        self.inner.waiting.load(Ordering::Relaxed)
    }

    /// Jobs on a worker right now.
    pub fn in_flight(&self) -> usize {
        self.inner.running.load(Ordering::Relaxed)
    }

    pub fn capacity(&self) -> (usize, usize) {
        (self.inner.worker_count, self.inner.queue_len)
    }
}

impl Admission {
    /// Runs CPU work on a blocking thread once a worker is free. A panic inside `job` becomes an
    /// `InternalError` instead of taking the server down.
    pub async fn run<T, F>(&self, job: F) -> Result<T, EkycError>
    where
        F: FnOnce() -> Result<T, EkycError> + Send + 'static,
        T: Send + 'static,
    {
        let inner = &self.pool.inner;
        inner.waiting.fetch_add(1, Ordering::Relaxed);
        let worker = inner.workers.clone().acquire_owned().await;
        inner.waiting.fetch_sub(1, Ordering::Relaxed);
        let _worker = worker.map_err(|_| EkycError::internal("the work pool is closed"))?;
        inner.running.fetch_add(1, Ordering::Relaxed);
        let result = tokio::task::spawn_blocking(job).await;
        inner.running.fetch_sub(1, Ordering::Relaxed);
        match result {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "a pool job panicked");
                Err(EkycError::internal("a processing step failed unexpectedly"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refuses_at_once_when_full() {
        let pool = WorkPool::new(1, 1);
        let a = pool.admit().unwrap();
        let b = pool.admit().unwrap();
        let err = pool.admit().err().unwrap();
        assert_eq!(err.code, ErrorCode::RequestLimitExceeded);
        drop(a);
        let c = pool.admit().unwrap();
        drop((b, c));
    }

    #[tokio::test]
    async fn runs_jobs_and_counts() {
        let pool = WorkPool::new(1, 0);
        let admission = pool.admit().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let p2 = pool.clone();
        let job = tokio::spawn(async move {
            admission
                .run(move || rx.recv().map_err(|_| EkycError::internal("x")))
                .await
        });
        // Wait until the job is on the worker.
        for _ in 0..200 {
            if p2.in_flight() == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(p2.in_flight(), 1);
        assert_eq!(
            p2.admit().err().unwrap().code,
            ErrorCode::RequestLimitExceeded
        );
        tx.send(()).unwrap();
        job.await.unwrap().unwrap();
        assert_eq!(p2.in_flight(), 0);
    }

    #[tokio::test]
    async fn panics_become_internal_errors() {
        let pool = WorkPool::new(1, 0);
        let admission = pool.admit().unwrap();
        let err = admission.run::<(), _>(|| panic!("boom")).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalError);
    }
}
