//! Logging in with a phone number, a code and (maybe) a 2FA password, in steps that can
//! span processes: grammers' `LoginToken` cannot be saved, so the code step is a raw
//! `auth.signIn` with the phone_code_hash kept in [`PendingLogin`].

use grammers_client::client::PasswordToken;
use grammers_client::{InvocationError, SignInError};
use grammers_tl_types as tl;

use super::client::Telegram;
use super::login_state::{CodeDelivery, PendingLogin};
use super::model::{Account, full_name, mask_phone};
use crate::error::{Error, Result};

/// Where a login stands after a step.
#[derive(Debug)]
pub enum LoginStep {
    /// Logged in.
    Done(Account),
    /// The code was wrong; ask again.
    CodeInvalid,
    /// The account has two-step verification: the password is next.
    PasswordNeeded { hint: Option<String> },
    /// The password was wrong; ask again.
    PasswordInvalid { hint: Option<String> },
}

/// Runs `request`, following one `PHONE_MIGRATE_X`/`USER_MIGRATE_X`/`NETWORK_MIGRATE_X`
/// to the DC Telegram names, as a login must.
async fn invoke_migrating<R: tl::RemoteCall>(
    tg: &Telegram,
    request: &R,
) -> Result<R::Return, InvocationError> {
    match tg.client().invoke(request).await {
        Err(InvocationError::Rpc(e)) if e.code == 303 && e.value.is_some() => {
            let dc = e.value.unwrap_or_default() as i32;
            tracing::info!(dc, "Telegram moved this login to another data center");
            tg.migrate_home(dc)
                .await
                .map_err(|err| InvocationError::Session(Box::new(err)))?;
            tg.client().invoke(request).await
        }
        other => other,
    }
}

/// Asks Telegram to send a login code to `phone`.
pub async fn send_code(tg: &Telegram, phone: &str, api_hash: &str) -> Result<PendingLogin> {
    let request = tl::functions::auth::SendCode {
        phone_number: phone.to_owned(),
        api_id: tg.api_id(),
        api_hash: api_hash.to_owned(),
        settings: tl::types::CodeSettings {
            allow_flashcall: false,
            current_number: false,
            allow_app_hash: false,
            allow_missed_call: false,
            allow_firebase: false,
            unknown_number: false,
            logout_tokens: None,
            token: None,
            app_sandbox: None,
        }
        .into(),
    };
    let sent = tg
        .write("auth.sendCode", invoke_migrating(tg, &request))
        .await?;
    match sent {
        tl::enums::auth::SentCode::Code(code) => {
            use tl::enums::auth::SentCodeType as T;
            let sent_by = match code.r#type {
                T::App(_) => CodeDelivery::App,
                T::Sms(_) => CodeDelivery::Sms,
                T::Call(_) => CodeDelivery::Call,
                T::FlashCall(_) => CodeDelivery::FlashCall,
                T::MissedCall(_) => CodeDelivery::MissedCall,
                T::EmailCode(_) => CodeDelivery::Email,
                _ => CodeDelivery::Other,
            };
            tracing::info!(phone = %mask_phone(phone), ?sent_by, "login code requested");
            let mut pending = PendingLogin::new(phone, code.phone_code_hash);
            pending.sent_by = Some(sent_by);
            Ok(pending)
        }
        tl::enums::auth::SentCode::Success(_) | tl::enums::auth::SentCode::PaymentRequired(_) => {
            Err(Error::Rpc {
                code: 400,
                name: "SENT_CODE_UNSUPPORTED".into(),
                method: Some("auth.sendCode".into()),
            })
        }
    }
}

/// Tries `code` for the pending login.
pub async fn sign_in(tg: &Telegram, pending: &PendingLogin, code: &str) -> Result<LoginStep> {
    let request = tl::functions::auth::SignIn {
        phone_number: pending.phone.clone(),
        phone_code_hash: pending.phone_code_hash.clone(),
        phone_code: Some(code.trim().to_owned()),
        email_verification: None,
    };
    let answer = tg
        .write("auth.signIn", invoke_migrating(tg, &request))
        .await;
    match answer {
        Ok(tl::enums::auth::Authorization::Authorization(auth)) => {
            let tl::enums::User::User(user) = auth.user else {
                return Err(Error::Network("Telegram answered the login with an empty user".into()));
            };
            tg.remember_self(&user).await?;
            Ok(LoginStep::Done(Account::from(&user)))
        }
        Ok(tl::enums::auth::Authorization::SignUpRequired(_)) => Err(Error::InvalidInput(
            "no Telegram account uses this phone number — sign up in an official Telegram app first".into(),
        )),
        Err(e) => match e.rpc_name() {
            Some("SESSION_PASSWORD_NEEDED") => Ok(LoginStep::PasswordNeeded {
                hint: password_state(tg).await?.hint,
            }),
            Some("PHONE_CODE_INVALID" | "PHONE_CODE_EMPTY") => Ok(LoginStep::CodeInvalid),
            Some("PHONE_CODE_EXPIRED") => Err(Error::InvalidInput(
                "the login code expired — run `tgmcp setup` again to get a new one".into(),
            )),
            _ => Err(e),
        },
    }
}

async fn password_state(tg: &Telegram) -> Result<tl::types::account::Password> {
    let password = tg.command(&tl::functions::account::GetPassword {}).await?;
    let tl::enums::account::Password::Password(password) = password;
    Ok(password)
}

/// Checks the 2FA password (by SRP: the password itself never leaves this process).
pub async fn check_password(tg: &Telegram, password: &str) -> Result<LoginStep> {
    let state = password_state(tg).await?;
    if !state.has_password || state.srp_id.is_none() {
        return Err(Error::InvalidInput(
            "Telegram is not waiting for a password — run `tgmcp setup` again from the start"
                .into(),
        ));
    }
    let token = PasswordToken::new(state);
    match tg
        .write("auth.checkPassword", async {
            Ok(tg.client().check_password(token, password).await)
        })
        .await?
    {
        Ok(user) => {
            let account = Account {
                id: user.id().bare_id().unwrap_or_default(),
                name: full_name(user.first_name(), user.last_name()),
                username: user.username().map(str::to_owned),
                phone: user.phone().map(mask_phone),
                bot: user.is_bot(),
                premium: false,
            };
            Ok(LoginStep::Done(account))
        }
        Err(SignInError::InvalidPassword(token)) => Ok(LoginStep::PasswordInvalid {
            hint: token.hint().map(str::to_owned),
        }),
        Err(SignInError::Other(e)) => Err(e.into()),
        Err(other) => Err(Error::InvalidInput(format!("login failed: {other}"))),
    }
}

/// Where a QR login stands after a step.
#[derive(Debug)]
pub enum QrStep {
    /// Show `url` as a QR code until `expires` (Unix seconds); ask again to learn whether
    /// it was scanned (a new token comes back while it was not).
    Token {
        url: String,
        token: Vec<u8>,
        expires: i64,
    },
    /// Logged in.
    Done(Account),
    /// Scanned, and the account has two-step verification: the password is next.
    PasswordNeeded { hint: Option<String> },
}

/// One step of a QR login (<https://core.telegram.org/api/qr-login>): a token to show,
/// or — once a logged-in device has scanned the last one — the login, following
/// `auth.loginTokenMigrateTo` to the account's DC.
pub async fn qr_step(tg: &Telegram, api_hash: &str) -> Result<QrStep> {
    let request = tl::functions::auth::ExportLoginToken {
        api_id: tg.api_id(),
        api_hash: api_hash.to_owned(),
        except_ids: Vec::new(),
    };
    // Asking again is harmless (a new token, or the same login), so it is a read.
    let answer = tg.query(&request).await;
    let answer = match answer {
        Ok(tl::enums::auth::LoginToken::MigrateTo(to)) => {
            tracing::info!(
                dc = to.dc_id,
                "the QR login continues on the account's data center"
            );
            tg.migrate_home(to.dc_id).await?;
            let import = tl::functions::auth::ImportLoginToken { token: to.token };
            tg.command(&import).await
        }
        other => other,
    };
    match answer {
        Ok(tl::enums::auth::LoginToken::Token(token)) => Ok(QrStep::Token {
            url: login_url(&token.token),
            token: token.token,
            expires: i64::from(token.expires),
        }),
        Ok(tl::enums::auth::LoginToken::Success(success)) => {
            let tl::enums::auth::Authorization::Authorization(auth) = success.authorization else {
                return Err(Error::InvalidInput(
                    "no Telegram account answered the QR login — sign up in an official Telegram app first".into(),
                ));
            };
            let tl::enums::User::User(user) = auth.user else {
                return Err(Error::Network(
                    "Telegram answered the login with an empty user".into(),
                ));
            };
            tg.remember_self(&user).await?;
            Ok(QrStep::Done(Account::from(&user)))
        }
        Ok(tl::enums::auth::LoginToken::MigrateTo(_)) => Err(Error::Network(
            "Telegram moved the QR login twice — run `tgmcp setup --qr` again".into(),
        )),
        Err(e) => match e.rpc_name() {
            Some("SESSION_PASSWORD_NEEDED") => Ok(QrStep::PasswordNeeded {
                hint: password_state(tg).await?.hint,
            }),
            Some("AUTH_TOKEN_EXPIRED" | "AUTH_TOKEN_INVALID") => Err(Error::InvalidInput(
                "the QR code expired before the login finished — run `tgmcp setup --qr` again"
                    .into(),
            )),
            _ => Err(e),
        },
    }
}

/// `tg://login?token=…`: what an official app's scanner reads (URL-safe base64, no
/// padding).
pub fn login_url(token: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "tg://login?token={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token)
    )
}

/// Waits until Telegram says the shown QR code was scanned (`updateLoginToken`), the
/// connection was replaced (a scan may have been missed), or `until` passes; then the
/// next [`qr_step`] tells what happened.
pub async fn wait_for_scan(
    updates: &mut tokio::sync::mpsc::Receiver<grammers_session::updates::UpdatesLike>,
    until: tokio::time::Instant,
) {
    use grammers_session::updates::UpdatesLike;
    loop {
        match tokio::time::timeout_at(until, updates.recv()).await {
            Ok(Some(UpdatesLike::Updates(tl::enums::Updates::UpdateShort(short))))
                if matches!(short.update, tl::enums::Update::LoginToken) =>
            {
                return;
            }
            Ok(Some(UpdatesLike::ConnectionClosed) | None) | Err(_) => return,
            Ok(Some(_)) => {}
        }
    }
}
