//! Following hidden text through its encodings: what a tag-character, base64 or escape
//! payload decodes to is checked again for hidden text and escapes, down to
//! [`MAX_LAYERS`] decodings (base64 inside percent-encoding inside `\u` escapes), and the
//! content rules run on every decoded layer. Every hit keeps the span of the encoded text in
//! the original string and the chain of decodings that revealed it.

use super::decode;
use super::fold::fold;
use super::hidden::{self, Hidden, Hit};
use super::matching::content_rules;

/// Most decodings in one chain. Each decoding shortens the text (rot13 keeps its length but is
/// only followed once it is named), so this bounds the work together with [`MAX_DECODED`].
const MAX_LAYERS: usize = 4;
/// Most decoded bytes followed for one string.
const MAX_DECODED: usize = 2 * 1024 * 1024;
/// Most decoded layers followed for one string.
const MAX_COUNT: usize = 64;

/// One decoded text: where its outermost encoding is in the original string, and how it was
/// reached.
struct Layer {
    start: usize,
    end: usize,
    text: String,
    chain: Vec<&'static str>,
}

/// The hits in everything hidden in `text`: the hidden texts `hidden::check` found, the
/// escapes of `text` itself (`first` are the hits and layers of `decode::escapes(text)`), and
/// whatever those decode to, recursively. Also returns the decoded texts, for the tool's
/// parameter references.
pub(super) fn reveal(found: Vec<Hidden>, escaped: Vec<Hidden>) -> (Vec<Hit>, Vec<String>) {
    let mut hits = Vec::new();
    let mut texts = Vec::new();
    let mut queue: Vec<Layer> = found
        .into_iter()
        .chain(escaped)
        .map(|h| Layer {
            start: h.start,
            end: h.end,
            text: h.text,
            chain: vec![h.how],
        })
        .collect();
    let mut budget = MAX_DECODED;
    let mut count = 0usize;
    // In order found, so findings keep document order before dedupe sorts them anyway.
    queue.reverse();
    while let Some(layer) = queue.pop() {
        count += 1;
        if count > MAX_COUNT || layer.text.len() > budget {
            break;
        }
        budget -= layer.text.len();
        let here = |mut h: Hit, suffix: bool| {
            if suffix {
                h.matched = layer.text.get(h.start..h.end).map(str::to_owned);
                h.message = format!(
                    "{} (in the hidden text, decoded from {})",
                    h.message,
                    layer.chain.join(" > ")
                );
            }
            h.start = layer.start;
            h.end = layer.end;
            h.decoded = h.decoded.take().or_else(|| Some(layer.text.clone()));
            let mut chain = layer.chain.clone();
            chain.extend(h.decoding.iter().copied());
            h.decoding = chain;
            h
        };
        let folded = fold(&layer.text);
        let mut inner = Vec::new();
        content_rules(&layer.text, &folded, &mut inner);
        super::multilingual::rules(&layer.text, &mut inner);
        hits.extend(inner.into_iter().map(|h| here(h, true)));
        texts.push(folded.text);
        if layer.chain.len() >= MAX_LAYERS {
            continue;
        }
        // Hidden text and escapes inside the decoded text: reported at the outer span.
        let (inner_hidden_hits, inner_hidden) = hidden::check(&layer.text);
        let (escape_hits, escape_layers) = decode::escapes(&layer.text);
        for h in inner_hidden_hits.into_iter().chain(escape_hits) {
            let mut h = here(h, false);
            h.message = format!(
                "{} (inside the hidden text decoded from {})",
                h.message,
                layer.chain.join(" > ")
            );
            hits.push(h);
        }
        for h in inner_hidden.into_iter().chain(escape_layers) {
            let mut chain = layer.chain.clone();
            chain.push(h.how);
            queue.push(Layer {
                start: layer.start,
                end: layer.end,
                text: h.text,
                chain,
            });
        }
    }
    (hits, texts)
}
