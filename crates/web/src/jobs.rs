//! Work that takes longer than a request: writing every capitalisation sheet of a workspace
//! into one ZIP. The job runs in the background; the page that started it shows its
//! progress and, once done, the download.
//!
//! Jobs live in memory (a restart forgets them; the person starts again) and belong to the
//! person and the workspace that started them: anyone else asking for a job's id gets the
//! same "not found" as for an id that never existed. Finished jobs are dropped after an
//! hour; one person runs at most one job per workspace at a time.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use axum::body::Bytes;
use partinnov_store::{UserId, WorkspaceId};

/// How long a finished job's file stays available.
const KEEP: Duration = Duration::from_secs(3600);

/// The shared registry, cheap to clone.
#[derive(Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<String, Job>>>);

/// A finished job's file.
#[derive(Clone)]
pub struct Output {
    pub bytes: Bytes,
    pub name: String,
    pub content_type: &'static str,
}

#[derive(Clone)]
pub enum State {
    Running,
    Done(Output),
    /// The error was logged; the person sees that it failed.
    Failed,
}

#[derive(Clone)]
pub struct Job {
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub done: usize,
    pub total: usize,
    pub state: State,
    finished_at: Option<Instant>,
}

impl Jobs {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Job>> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a job for `user` in `workspace` and returns its id and whether it is new:
    /// when the person already runs one there, that one's id comes back instead.
    pub fn start(&self, user: UserId, workspace: WorkspaceId) -> (String, bool) {
        let mut jobs = self.lock();
        jobs.retain(|_, j| j.finished_at.is_none_or(|t| t.elapsed() < KEEP));
        if let Some((id, _)) = jobs
            .iter()
            .find(|(_, j)| j.user == user && j.workspace == workspace && j.finished_at.is_none())
        {
            return (id.clone(), false);
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        jobs.insert(
            id.clone(),
            Job {
                user,
                workspace,
                done: 0,
                total: 0,
                state: State::Running,
                finished_at: None,
            },
        );
        (id, true)
    }

    pub fn progress(&self, id: &str, done: usize, total: usize) {
        if let Some(j) = self.lock().get_mut(id) {
            j.done = done;
            j.total = total;
        }
    }

    pub fn finish(&self, id: &str, outcome: Option<Output>) {
        if let Some(j) = self.lock().get_mut(id) {
            j.state = outcome.map_or(State::Failed, State::Done);
            j.finished_at = Some(Instant::now());
        }
    }

    /// The job, if it is this person's in this workspace.
    pub fn get(&self, id: &str, user: UserId, workspace: WorkspaceId) -> Option<Job> {
        self.lock()
            .get(id)
            .filter(|j| j.user == user && j.workspace == workspace)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_seen_only_by_its_person_in_its_workspace() {
        let jobs = Jobs::default();
        let (id, new) = jobs.start(UserId(1), WorkspaceId(10));
        assert!(new);
        assert!(jobs.get(&id, UserId(1), WorkspaceId(10)).is_some());
        assert!(jobs.get(&id, UserId(2), WorkspaceId(10)).is_none());
        assert!(jobs.get(&id, UserId(1), WorkspaceId(11)).is_none());
        assert!(jobs.get("nope", UserId(1), WorkspaceId(10)).is_none());
    }

    #[test]
    fn a_second_start_while_running_returns_the_running_job() {
        let jobs = Jobs::default();
        let (a, _) = jobs.start(UserId(1), WorkspaceId(10));
        let (b, new) = jobs.start(UserId(1), WorkspaceId(10));
        assert_eq!(a, b);
        assert!(!new);
        jobs.progress(&a, 3, 5);
        jobs.finish(&a, None);
        let j = jobs.get(&a, UserId(1), WorkspaceId(10)).unwrap();
        assert_eq!((j.done, j.total), (3, 5));
        assert!(matches!(j.state, State::Failed));
        let (c, new) = jobs.start(UserId(1), WorkspaceId(10));
        assert!(new);
        assert_ne!(a, c);
    }
}
