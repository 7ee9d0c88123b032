//! The listings every plane has, one page at a time: its objects, one object's versions, and
//! its deleted objects (`/secrets`, `/secrets/{name}/versions`, `/deletedsecrets`; the same
//! under `keys`).

use super::error::{Error, Result};
use super::pipeline::{Method, Operation, Pipeline};
use super::text::{concat, int};
use super::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `GET /{collection}`
    Items,
    /// `GET /{collection}/{name}/versions`
    Versions,
    /// `GET /deleted{collection}`
    Deleted,
}

/// The request for one page: the first (of `max_page_size` items, 1-25), or the one a
/// continuation token names. The arguments are checked even when a token names the page.
pub fn page(
    pipeline: &Pipeline,
    collection: &str,
    listing: Listing,
    name: Option<&str>,
    max_page_size: Option<u32>,
    continuation_token: Option<&str>,
) -> Result<Operation> {
    let mut path = match (listing, name) {
        (Listing::Items, _) => concat(&["/", collection]),
        (Listing::Deleted, _) => concat(&["/deleted", collection]),
        (Listing::Versions, Some(name)) => {
            validate::name(name)?;
            concat(&["/", collection, "/", name, "/versions"])
        }
        (Listing::Versions, None) => return Err(Error::range_error("name is required")),
    };
    match max_page_size {
        None => {}
        Some(n @ 1..=25) => path.push_str(&concat(&["?maxresults=", &int(n.into())])),
        Some(n) => {
            return Err(Error::range_error(concat(&[
                "maxPageSize must be 1-25, not ",
                &int(n.into()),
            ])))
        }
    }
    match continuation_token {
        Some(link) => pipeline.next_page(link),
        None => Ok(Operation {
            method: Method::Get,
            path,
            body: None,
        }),
    }
}
