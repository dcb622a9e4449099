//! What a handler may ask of a request, each checked before the handler runs: the
//! signed-in person ([`SignedIn`]), a form they sent with their session's anti-forgery token
//! ([`SignedForm`]), the caller of a JSON write ([`ApiCaller`]) and the page's language
//! ([`Lang`]). A handler that takes one cannot forget its check.

use std::collections::BTreeMap;

use agenda_store::accounts::same_secret;
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

pub use crate::site::Lang;
pub use crate::site::admin::auth::{ApiCaller, SignedIn};

use crate::AppState;
use crate::error::PageError;

/// The query of a page, such as a list's filters. One that cannot be read is answered with the
/// bad-filter page in the visitor's language before the handler runs.
pub struct PageQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(q)| PageQuery(q))
            .map_err(|_| PageError::new(StatusCode::BAD_REQUEST, "error-bad-filter"))
    }
}

/// The fields of a form, by name (the last of repeated names wins).
pub type Fields = BTreeMap<String, String>;

/// A form sent by a signed-in person with the anti-forgery token of their session. Without
/// a session the request is refused as [`SignedIn`] refuses it; with a missing or wrong token
/// it is refused with 403 before the handler runs, whatever the handler would have done.
pub struct SignedForm {
    /// Who sent it.
    pub user: SignedIn,
    /// Its fields (the token included).
    pub fields: Fields,
    /// Every name and value as sent, repeated names included (the boxes ticked in a group).
    pub all: Vec<(String, String)>,
}

impl FromRequest<AppState> for SignedForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = SignedIn::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|_| PageError::unreadable_form().into_response())?;
        let fields: Fields = pairs.iter().cloned().collect();
        match fields.get("csrf") {
            Some(presented) if same_secret(presented, &user.0.csrf) => Ok(Self {
                user,
                fields,
                all: pairs,
            }),
            _ => Err(PageError::forged_form().into_response()),
        }
    }
}

/// A file sent by a signed-in person in a `multipart/form-data` form, with the anti-forgery
/// token of their session. Refused as [`SignedForm`] refuses a form: without a session, or
/// with a missing or wrong token, before the handler runs. The token field must come before
/// the file (as the form writes it), so that no file is read for a forged request.
pub struct SignedUpload {
    /// Who sent it.
    pub user: SignedIn,
    /// The other fields of the form, by name.
    pub fields: Fields,
    /// The file's name as the browser gave it, and its bytes (`None` when no file was chosen).
    pub file: Option<(String, Vec<u8>)>,
}

impl FromRequest<AppState> for SignedUpload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = SignedIn::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let unreadable = || PageError::unreadable_form().into_response();
        // A body that is not a multipart form presents no token: refused as forged.
        let mut form = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| PageError::forged_form().into_response())?;
        let mut fields = Fields::new();
        let mut file = None;
        while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_owned();
            if let Some(file_name) = field.file_name().map(str::to_owned) {
                match fields.get("csrf") {
                    Some(presented) if same_secret(presented, &user.0.csrf) => {}
                    _ => return Err(PageError::forged_form().into_response()),
                }
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    file = Some((file_name, bytes.to_vec()));
                }
            } else {
                let value = field.text().await.map_err(|_| unreadable())?;
                fields.insert(name, value);
            }
        }
        match fields.get("csrf") {
            Some(presented) if same_secret(presented, &user.0.csrf) => {
                Ok(Self { user, fields, file })
            }
            _ => Err(PageError::forged_form().into_response()),
        }
    }
}
