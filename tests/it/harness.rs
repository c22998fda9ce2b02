//! One way to set a test up, and one of each small helper the test files used to write
//! out for themselves: a sandbox with logged-in profiles in an isolated [`TestEnv`]
//! ([`Setup::demo`], [`TestEnv::builder`]), whose temp folder is checked empty when the
//! test ends ([`CheckedEnv`], also [`TestEnv::checked`] alone); runners with piped stdin
//! ([`TestEnv::run_stdin`]) and at a terminal ([`TestEnv::run_at_terminal`]); the
//! messages an account sent ([`sent_by`]); and the clock in Unix seconds ([`unix_now`]).
//! Golden files are compared in `golden.rs` ([`crate::golden::compare`]).

use std::process::Stdio;

use tgmcp::sandbox::{Message, Sandbox, World};
use tokio::io::AsyncWriteExt;

use crate::common::{Run, TestEnv, within};

/// Who a profile of a [`Setup`] is logged in as.
enum Login {
    /// [`Setup::me`].
    Me,
    /// A fresh key nobody is logged in with.
    Nobody,
}

/// Builds a [`Setup`]: `TestEnv::builder().profile("default").build().await` is the demo
/// world with the demo account logged in on profile `default`.
#[must_use]
pub struct SetupBuilder {
    world: Option<World>,
    me: Option<i64>,
    profiles: Vec<(String, Login)>,
}

impl TestEnv {
    pub fn builder() -> SetupBuilder {
        SetupBuilder {
            world: None,
            me: None,
            profiles: Vec::new(),
        }
    }
}

impl SetupBuilder {
    /// The world the sandbox plays (the demo world by default).
    pub fn world(mut self, world: World) -> Self {
        self.world = Some(world);
        self
    }

    /// The account the profiles are logged in as (the world's demo user by default).
    pub fn user(mut self, id: i64) -> Self {
        self.me = Some(id);
        self
    }

    /// A profile logged in as [`Setup::me`].
    pub fn profile(mut self, name: &str) -> Self {
        self.profiles.push((name.to_owned(), Login::Me));
        self
    }

    /// A profile pointing at the sandbox with a key nobody is logged in with.
    pub fn logged_out(mut self, name: &str) -> Self {
        self.profiles.push((name.to_owned(), Login::Nobody));
        self
    }

    pub async fn build(self) -> Setup {
        let world = self.world.unwrap_or_else(World::demo);
        let me = self.me.or_else(|| world.demo_user());
        let sandbox = Sandbox::start(world).await.expect("sandbox starts");
        let env = TestEnv::checked();
        for (name, login) in &self.profiles {
            let user = match login {
                Login::Me => Some(me.expect("a logged-in profile needs .user(id) or a demo user")),
                Login::Nobody => None,
            };
            env.profile_at(&sandbox, name, user).await;
        }
        Setup {
            sandbox,
            env,
            me: me.unwrap_or_default(),
        }
    }
}

/// A sandbox, an isolated environment with profiles pointing at it, and the account they
/// are logged in as.
pub struct Setup {
    pub sandbox: Sandbox,
    pub env: CheckedEnv,
    pub me: i64,
}

/// A [`TestEnv`] whose temp folder must be empty when it is dropped (after every process
/// the test started, which are declared after it): a `--sandbox` profile, an upload or a
/// lock left there is a bug.
pub struct CheckedEnv {
    env: TestEnv,
}

impl TestEnv {
    /// An environment checked like a [`Setup`]'s, for tests without an in-process sandbox
    /// (`--sandbox` runs, usage errors).
    pub fn checked() -> CheckedEnv {
        CheckedEnv {
            env: TestEnv::new(),
        }
    }
}

impl std::ops::Deref for CheckedEnv {
    type Target = TestEnv;
    fn deref(&self) -> &TestEnv {
        &self.env
    }
}

impl Setup {
    /// The demo world, with its account logged in on profile `default`.
    pub async fn demo() -> Setup {
        TestEnv::builder().profile("default").build().await
    }

    /// `world`, with `me` logged in on profile `default`.
    pub async fn logged_in(world: World, me: i64) -> Setup {
        TestEnv::builder()
            .world(world)
            .user(me)
            .profile("default")
            .build()
            .await
    }

    /// `world`, with profile `default` pointing at it, logged in as nobody.
    pub async fn logged_out(world: World) -> Setup {
        TestEnv::builder()
            .world(world)
            .logged_out("default")
            .build()
            .await
    }

    /// Every message [`Setup::me`] sent, oldest first.
    pub fn sent(&self) -> Vec<Message> {
        sent_by(&self.sandbox, self.me)
    }

    /// The last `n` messages [`Setup::me`] sent, oldest first.
    pub fn last_sent(&self, n: usize) -> Vec<Message> {
        let all = self.sent();
        all[all.len().saturating_sub(n)..].to_vec()
    }

    /// The id of the user with `username` in the sandbox's world.
    pub fn user_id(&self, username: &str) -> i64 {
        match self.sandbox.world().user_by_username(username) {
            Some(user) => user.id,
            None => panic!("no user @{username} in the world"),
        }
    }

    pub fn message_count(&self) -> usize {
        self.sandbox.world().messages.len()
    }
}

impl Drop for CheckedEnv {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let left = self.env.tmp_leftovers();
        assert!(
            left.is_empty(),
            "the test's runs left files in their temp folder: {left:?}"
        );
    }
}

/// The messages `user` sent (as the sender, or as the poster in a channel), oldest first.
pub fn sent_by(sandbox: &Sandbox, user: i64) -> Vec<Message> {
    sandbox
        .world()
        .messages
        .iter()
        .filter(|m| m.from == Some(user) || m.posted_by == Some(user))
        .cloned()
        .collect()
}

/// Now, in Unix seconds (Telegram's dates).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

impl Run {
    pub fn from_output(out: std::process::Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl TestEnv {
    /// `tgmcp <args>` with `stdin` piped in (fed from a task, so a reader that stops early
    /// neither blocks nor fails the run).
    pub async fn run_stdin(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
        let mut cmd = self.command();
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("tgmcp starts");
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let stdin = stdin.into();
        let feeder = tokio::spawn(async move {
            // The reader may stop early (a refused stdin): that is not an error here.
            let _ = pipe.write_all(&stdin).await;
        });
        let out = within(120, child.wait_with_output())
            .await
            .expect("tgmcp runs");
        let _ = feeder.await;
        Run::from_output(out)
    }
}

impl TestEnv {
    /// `tgmcp <args>` at a pseudo-terminal (tests/it/pty_drive.py), answering each prompt
    /// of `script` (`[[prompt, answer], …]`); the transcript is the run's stdout.
    pub async fn run_at_terminal(&self, script: &serde_json::Value, args: &[&str]) -> Run {
        self.run_at_terminal_with(script, args, |_| {}).await
    }

    pub async fn run_at_terminal_with(
        &self,
        script: &serde_json::Value,
        args: &[&str],
        tweak: impl FnOnce(&mut tokio::process::Command),
    ) -> Run {
        let mut python = self.command_for("python3");
        python
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/it/pty_drive.py"
            ))
            .arg(script.to_string())
            .arg(env!("CARGO_BIN_EXE_tgmcp"))
            .args(args);
        tweak(&mut python);
        let out = within(90, python.output())
            .await
            .expect("python3 runs the pty driver");
        Run::from_output(out)
    }
}

#[test]
fn a_checked_env_fails_when_a_run_leaves_something_in_its_temp_folder() {
    let env = TestEnv::checked();
    std::fs::write(env.tmp.path().join("left-behind"), b"x").unwrap();
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(env)));
    let message = dropped.expect_err("the leftover fails the test");
    let message = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("left-behind"), "{message}");
}
