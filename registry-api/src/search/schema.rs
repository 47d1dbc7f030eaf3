//! The index's fields and analyzers. Changing any of this changes what a stored index means:
//! bump [`SCHEMA_VERSION`] and every replica rebuilds its index on start.

use protocol::trust::TrustLevel;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// Version of the index layout; an index written with another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 4;

/// Splits on everything that is not a letter or digit (`/ . - _ @` and spaces) and lower-cases:
/// `io.github.owner/postgres-mcp_server` → `io github owner postgres mcp server`.
pub const NAME_ANALYZER: &str = "mcp_name";
/// English prose: the name analyzer plus stop words and stemming.
pub const TEXT_ANALYZER: &str = "mcp_text";

/// Registry types with a facet bit, in bit order; anything else counts as `other`.
pub const REGISTRY_TYPES: &[&str] = &["npm", "pypi", "oci", "nuget", "mcpb", "other"];
/// Transports with a facet bit, in bit order (package transports and remote types).
pub const TRANSPORTS: &[&str] = &["stdio", "streamable-http", "sse", "other"];

pub fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn text_analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .dynamic();
    let builder = match StopWordFilter::new(Language::English) {
        Some(stop) => builder.filter_dynamic(stop),
        None => builder,
    };
    builder
        .filter_dynamic(Stemmer::new(Language::English))
        .build()
}

/// The bit of a registry type or transport in its facet mask.
pub fn bit_of(values: &[&str], value: &str) -> u64 {
    let i = values
        .iter()
        .position(|v| *v == value)
        .unwrap_or(values.len() - 1);
    1u64 << i
}

/// Trust levels as stored in the `trust_rank` fast field: their position in
/// [`TrustLevel::ALL`] (lowest first).
pub fn trust_rank(level: TrustLevel) -> u64 {
    TrustLevel::ALL
        .iter()
        .position(|l| *l == level)
        .map_or(0, |p| p as u64)
}

pub fn trust_from_rank(rank: u64) -> TrustLevel {
    usize::try_from(rank)
        .ok()
        .and_then(|r| TrustLevel::ALL.get(r).copied())
        .unwrap_or(TrustLevel::Unknown)
}

/// The `facets` fast field of a document.
pub fn pack_facets(trust_rank: u64, registry_mask: u64, transport_mask: u64) -> u64 {
    (trust_rank & 0xff) | ((registry_mask & 0xff) << 8) | ((transport_mask & 0xff) << 16)
}

/// (trust rank, registry type mask, transport mask) of a `facets` value.
pub fn unpack_facets(v: u64) -> (u64, u64, u64) {
    (v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff)
}

/// Every field, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    pub server_id: Field,
    /// The name's words (namespace owner excluded: see `owner`).
    pub name: Field,
    /// The whole name, raw and lower-case, for exact look-ups and name prefixes; also the part
    /// after `/` and that part without `mcp`/`server` affixes.
    pub name_keys: Field,
    /// Package identifiers (raw, lower-case), their last path part, and `owner/repo`.
    pub ident_keys: Field,
    /// Package identifiers' words.
    pub packages: Field,
    pub title: Field,
    pub description: Field,
    /// Tool names and descriptions from the signed release extension.
    pub tools: Field,
    /// Repository owner and namespace words (`io.github.OWNER`, `com.EXAMPLE`).
    pub owner: Field,
    pub topics: Field,
    /// Trust level name (filterable).
    pub trust: Field,
    pub registry_types: Field,
    pub transports: Field,
    /// Fast: trust rank | registry type mask << 8 | transport mask << 16 (one read per hit
    /// for filters and facet counts; see [`pack_facets`]).
    pub facets: Field,
    /// Fast: the trust and popularity boost, as `f32` bits (see `query::boost`).
    pub boost: Field,
    pub stars: Field,
    pub updated: Field,
    /// Stored only: what a hit shows.
    pub display_name: Field,
    pub version: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = |analyzer: &str, stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        server_id: b.add_u64_field("server_id", INDEXED | STORED | FAST),
        name: b.add_text_field("name", words(NAME_ANALYZER, false)),
        name_keys: b.add_text_field("name_keys", STRING),
        ident_keys: b.add_text_field("ident_keys", STRING),
        packages: b.add_text_field("packages", words(NAME_ANALYZER, false)),
        title: b.add_text_field("title", words(TEXT_ANALYZER, true)),
        description: b.add_text_field("description", words(TEXT_ANALYZER, true)),
        tools: b.add_text_field("tools", words(TEXT_ANALYZER, false)),
        owner: b.add_text_field("owner", words(NAME_ANALYZER, false)),
        topics: b.add_text_field("topics", words(NAME_ANALYZER, false)),
        trust: b.add_text_field("trust", STRING | STORED),
        registry_types: b.add_text_field("registry_types", STRING | STORED),
        transports: b.add_text_field("transports", STRING | STORED),
        facets: b.add_u64_field("facets", FAST),
        boost: b.add_u64_field("boost", FAST),
        stars: b.add_u64_field("stars", STORED),
        updated: b.add_i64_field("updated", INDEXED | FAST | STORED),
        display_name: b.add_text_field("display_name", STORED),
        version: b.add_text_field("version", STORED),
    };
    (b.build(), fields)
}
