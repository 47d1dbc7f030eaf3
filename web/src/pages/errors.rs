//! 404, 400 and 500 pages.

use leptos::prelude::*;

use crate::layout::document;

pub(crate) fn not_found(message: &str) -> String {
    let message = message.to_string();
    document(
        "Not found",
        view! {
            <h1>"Not found"</h1>
            <p>{message}</p>
            <p>"Try " <a href="/search">"searching the servers"</a> " or go to the " <a href="/">"home page"</a> "."</p>
        }
        .into_any(),
    )
}

pub(crate) fn bad_request(message: &str) -> String {
    let message = message.to_string();
    document(
        "Bad request",
        view! {
            <h1>"That request did not work"</h1>
            <p>{message}</p>
            <p><a href="/search">"Start a new search"</a></p>
        }
        .into_any(),
    )
}

pub(crate) fn internal() -> String {
    document(
        "Error",
        view! {
            <h1>"Something went wrong"</h1>
            <p>"The registry could not build this page. Try again in a moment; the error is logged."</p>
        }
        .into_any(),
    )
}
