//! The inverted index, written as small static files that the search page fetches a
//! few at a time.
//!
//! # Layout (under [`super::BUNDLE_DIR`])
//!
//! - `meta.json`: the number of documents, how many share a document file, the keys of
//!   the word shards, every filter value with its count, and a `stamp` that changes
//!   whenever any index file does (the page adds it to every fetch, so a browser never
//!   mixes files of two builds).
//! - `terms/t<hex>.json`: one shard of the word list, `{"word": [doc, score, doc,
//!   score, …]}` with document numbers delta-encoded. A shard's key is a word prefix
//!   (hex of its UTF-8 in the file name; the root shard's key is empty). A word lives
//!   in the shard whose key is the **longest** key that begins the word: shards are
//!   split by the next character until each fits [`SHARD_BUDGET`], biggest groups
//!   first, so frequent prefixes get shards of their own and rare ones stay together.
//! - `docs/<n>.json`: documents `n × DOCS_PER_FILE …`, each its URL and record
//!   metadata (title, source, date, the URL of its `text.txt` for excerpts, summary).
//! - `filters/<key>/<n>.json`: the documents (delta-encoded) with the `n`-th value of
//!   a filter, in the order `meta.json` lists the values.
//!
//! A query fetches `meta.json`, one or a few shards per word, and the document files
//! of the results it shows: its download grows with the number of words it looks up,
//! not with the archive.
//!
//! # Scores
//!
//! Each (word, document) pair stores its BM25 weight (k1 = 1.2, b = 0.75) times ten,
//! rounded, at least 1; a title occurrence counts as [`TITLE_WEIGHT`] occurrences. The
//! page adds the scores of the query's words, so ranking needs no other data.
//!
//! # Memory and time
//!
//! Records are made, cut into words and dropped in parallel batches of [`CHUNK`]
//! documents; what stays is each word's postings, packed four bytes each (document
//! number × 256 + capped term frequency), and the documents' lengths. The packing
//! allows [`MAX_DOCS`] documents (articles plus entities), far past any archive
//! gloss is built for. Scoring and encoding run in parallel over the words.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use super::tokens::for_each_word;
use super::{Record, BUNDLE_DIR};
use crate::render::OutputFile;

/// Largest shard, in bytes of JSON, unless one word's postings alone are larger.
pub const SHARD_BUDGET: usize = 40 * 1024;
/// Documents per `docs/<n>.json` file.
pub const DOCS_PER_FILE: usize = 16;
/// A word in the title counts as this many occurrences in the text.
const TITLE_WEIGHT: u32 = 3;
/// Documents cut into words by one parallel task.
const CHUNK: usize = 256;
/// BM25 parameters (the usual ones).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Term frequencies are capped to fit the low byte of a packed posting.
const MAX_TF: u32 = 255;
/// Document numbers fill the other three bytes.
pub const MAX_DOCS: usize = 1 << 24;

/// Documents 0..count, in that order (`record(i)` is document `i`), as index files.
pub fn build<R, F>(count: usize, record: F) -> Vec<OutputFile>
where
    R: Borrow<Record>,
    F: Fn(usize) -> R + Sync,
{
    build_with_budget(count, record, SHARD_BUDGET)
}

/// Like [`build`], but hands each file to `emit` as soon as it is made, so that a
/// build writes the index without holding all of it (it is hundreds of MB at 100,000
/// articles). `meta.json` comes last: its stamp covers the files before it.
pub fn write<R, F, E: Send>(
    count: usize,
    record: F,
    emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
) -> Result<(), E>
where
    R: Borrow<Record>,
    F: Fn(usize) -> R + Sync,
{
    write_with_budget(count, record, SHARD_BUDGET, emit)
}

fn build_with_budget<R, F>(count: usize, record: F, budget: usize) -> Vec<OutputFile>
where
    R: Borrow<Record>,
    F: Fn(usize) -> R + Sync,
{
    collect_files(|emit| write_with_budget(count, record, budget, emit))
}

/// The files `write` hands to the `emit` it is given, in memory, sorted by path:
/// the index's writers hand them over from several threads, in no fixed order.
pub fn collect_files(
    write: impl FnOnce(&(dyn Fn(OutputFile) -> Result<(), Infallible> + Sync)) -> Result<(), Infallible>,
) -> Vec<OutputFile> {
    let files = Mutex::new(Vec::new());
    let Ok(()) = write(&|file| {
        files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(file);
        Ok(())
    });
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    files
}

fn write_with_budget<R, F, E: Send>(
    count: usize,
    record: F,
    budget: usize,
    emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
) -> Result<(), E>
where
    R: Borrow<Record>,
    F: Fn(usize) -> R + Sync,
{
    write_gathered(gather(count, record), budget, emit)
}

/// The words, lengths, documents and filters of `count` records: everything the
/// index files are made of, without the records (see [`write_gathered`]).
pub fn gather<R, F>(count: usize, record: F) -> Collected
where
    R: Borrow<Record>,
    F: Fn(usize) -> R + Sync,
{
    Collected::of_range(0..count, record)
}

impl Collected {
    /// The records of documents `docs`, gathered apart, to be [`append`](Self::append)ed
    /// after the documents before them. Documents from [`MAX_DOCS`] on are left out.
    pub fn of_range<R, F>(docs: Range<usize>, record: F) -> Self
    where
        R: Borrow<Record>,
        F: Fn(usize) -> R + Sync,
    {
        let docs = docs.start..docs.end.min(MAX_DOCS);
        if docs.is_empty() {
            Self::default()
        } else {
            Self::gather(docs, &record)
        }
    }

    /// How many documents have been gathered.
    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }
}

/// Writes the index files of what [`gather`] collected. Apart from [`write`], so a
/// build can free the archive the records were made from before the words' postings
/// are scored and encoded. Files are made and handed to `emit` in parallel (at
/// 100,000 articles they are 200 MB in 13,000 files, a second of one thread's work);
/// `meta.json` comes last.
pub fn write_gathered<E: Send>(
    collected: Collected,
    budget: usize,
    emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let count = collected.lengths.len();
    let mut terms = encode_terms(collected.postings, &collected.lengths);
    let shards = shard(&terms, budget);
    // Each shard takes its words' entries, so the encoded index is freed as the
    // shards are written.
    let entries: Vec<Vec<String>> = shards
        .iter()
        .map(|shard| shard_entries(&mut terms, shard))
        .collect();
    drop(terms);
    let shard_digests: Vec<u128> = shards
        .par_iter()
        .zip(entries)
        .map(|(shard, entries)| {
            emit_hashed(
                &emit,
                OutputFile {
                    path: format!("{BUNDLE_DIR}terms/t{}.json", hex(shard.key.as_bytes())),
                    contents: shard_json(entries).into_bytes(),
                },
            )
        })
        .collect::<Result<_, E>>()?;
    let doc_digests: Vec<u128> = collected
        .docs
        .par_chunks(DOCS_PER_FILE)
        .enumerate()
        .map(|(n, chunk)| emit_hashed(&emit, doc_file(n, chunk)))
        .collect::<Result<_, E>>()?;
    let filters = filter_values(&collected.filters);
    let filter_files: Vec<_> = collected.filters.iter().zip(&filters.numbers).collect();
    let filter_digests: Vec<u128> = filter_files
        .par_iter()
        .map(|(((key, _), docs), n)| {
            let file = OutputFile {
                path: format!("{BUNDLE_DIR}filters/{key}/{n}.json"),
                contents: deltas(docs).into_bytes(),
            };
            emit_hashed(&emit, file)
        })
        .collect::<Result<_, E>>()?;
    let meta = Meta {
        version: 1,
        docs: count,
        docs_per_file: DOCS_PER_FILE,
        stamp: stamp(&[shard_digests, doc_digests, filter_digests]),
        shards: shards.iter().map(|s| s.key.as_str()).collect(),
        filters: filters.values,
    };
    emit(OutputFile {
        path: format!("{BUNDLE_DIR}meta.json"),
        contents: serde_json::to_vec(&meta).unwrap_or_default(),
    })
}

/// Hands `file` to `emit`, returning a hash of its path and bytes for the stamp.
fn emit_hashed<E>(
    emit: &(impl Fn(OutputFile) -> Result<(), E> + Sync),
    file: OutputFile,
) -> Result<u128, E> {
    let mut hasher = Xxh3::new();
    hasher.update(file.path.as_bytes());
    hasher.update(&[0]);
    hasher.update(&file.contents);
    let digest = hasher.digest128();
    emit(file)?;
    Ok(digest)
}

/// The stamp of the index: a hash of every file's hash but meta.json's, in the order
/// the files are made. It only tells builds apart (browsers cache by it), so a fast
/// non-cryptographic hash does.
fn stamp(digests: &[Vec<u128>]) -> String {
    let mut hasher = Xxh3::new();
    for digest in digests.iter().flatten() {
        hasher.update(&digest.to_le_bytes());
    }
    hex(&hasher.digest().to_be_bytes())
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: usize,
    docs_per_file: usize,
    stamp: String,
    shards: Vec<&'a str>,
    /// Filter key → [value, number of documents], values in the order of their files.
    filters: BTreeMap<String, Vec<(String, usize)>>,
}

/// What a document contributes besides its words.
#[derive(Serialize)]
struct DocEntry<'a> {
    url: &'a str,
    meta: &'a BTreeMap<String, String>,
}

/// Postings of one word: `doc << 8 | tf`, documents ascending.
type Postings = Vec<u32>;

/// Everything gathered from the records.
#[derive(Default)]
pub struct Collected {
    /// Each document's entry, as JSON.
    docs: Vec<String>,
    /// Each document's length in words (title words weighted).
    lengths: Vec<u32>,
    postings: FxHashMap<Box<str>, Postings>,
    /// (filter key, value) → documents.
    filters: BTreeMap<(String, String), Vec<u32>>,
}

impl Collected {
    /// Cuts the records into words, a batch of chunks at a time so that only one
    /// batch of records is alive at once, and merges the chunks in document order.
    fn gather<R, F>(docs: Range<usize>, record: &F) -> Self
    where
        R: Borrow<Record>,
        F: Fn(usize) -> R + Sync,
    {
        let end = docs.end;
        let chunks: Vec<Range<usize>> = docs
            .step_by(CHUNK)
            .map(|start| start..(start + CHUNK).min(end))
            .collect();
        let batch = rayon::current_num_threads().max(1) * 2;
        let mut all = Self::default();
        for group in chunks.chunks(batch) {
            // Neighbouring parts are merged in parallel as they are made, so only the
            // last merge of a batch runs alone.
            let part = group
                .par_iter()
                .map(|range| Self::of_chunk(range.clone(), record))
                .reduce(Self::default, |mut before, after| {
                    before.append(after);
                    before
                });
            all.append(part);
        }
        all
    }

    fn of_chunk<R, F>(range: Range<usize>, record: &F) -> Self
    where
        R: Borrow<Record>,
        F: Fn(usize) -> R + Sync,
    {
        let mut part = Self::default();
        let mut words = ChunkWords::default();
        for doc in range {
            let record = record(doc);
            let record = record.borrow();
            // Below MAX_DOCS (see `write_with_budget`), so this fits in 24 bits.
            let doc = u32::try_from(doc).unwrap_or(u32::MAX);
            let mut length = 0_u32;
            let title = record.meta.get("title").map_or("", String::as_str);
            for (text, weight) in [(record.content.as_str(), 1), (title, TITLE_WEIGHT)] {
                for_each_word(text, |word| {
                    length = length.saturating_add(weight);
                    words.count(word, weight);
                });
            }
            words.end_document(doc);
            part.lengths.push(length);
            part.docs.push(
                serde_json::to_string(&DocEntry {
                    url: &record.url,
                    meta: &record.meta,
                })
                .unwrap_or_default(),
            );
            for (key, values) in &record.filters {
                for value in values {
                    part.filters
                        .entry((key.clone(), value.clone()))
                        .or_default()
                        .push(doc);
                }
            }
        }
        part.postings = words.into_postings();
        part
    }

    /// Adds a part whose documents come right after this one's.
    pub fn append(&mut self, part: Self) {
        if self.lengths.is_empty() {
            // Nothing gathered yet (no document, so no word or filter either).
            *self = part;
            return;
        }
        self.docs.extend(part.docs);
        self.lengths.extend(part.lengths);
        for (word, postings) in part.postings {
            self.postings.entry(word).or_default().extend(postings);
        }
        for (key, docs) in part.filters {
            self.filters.entry(key).or_default().extend(docs);
        }
    }
}

/// The words of one chunk of documents, each numbered when first seen, so that a
/// word is allocated once a chunk rather than once a document, and counted in a
/// document by its number.
#[derive(Default)]
struct ChunkWords {
    numbers: FxHashMap<Box<str>, u32>,
    /// By word number.
    postings: Vec<Postings>,
    /// By word number: its weighted count in the current document (0: not in it).
    counts: Vec<u32>,
    /// The numbers of the words in the current document, as first seen.
    in_document: Vec<u32>,
}

impl ChunkWords {
    fn count(&mut self, word: &str, weight: u32) {
        let number = if let Some(&number) = self.numbers.get(word) {
            number
        } else {
            let number = u32::try_from(self.postings.len()).unwrap_or(u32::MAX);
            self.numbers.insert(word.into(), number);
            self.postings.push(Postings::new());
            self.counts.push(0);
            number
        };
        let count = &mut self.counts[number as usize];
        if *count == 0 {
            self.in_document.push(number);
        }
        *count = count.saturating_add(weight);
    }

    /// Adds the current document's postings and starts the next document.
    fn end_document(&mut self, doc: u32) {
        for number in self.in_document.drain(..) {
            let count = std::mem::take(&mut self.counts[number as usize]);
            self.postings[number as usize].push(doc << 8 | count.min(MAX_TF));
        }
    }

    fn into_postings(mut self) -> FxHashMap<Box<str>, Postings> {
        self.numbers
            .into_iter()
            .map(|(word, number)| (word, std::mem::take(&mut self.postings[number as usize])))
            .collect()
    }
}

/// A word and its JSON entry in a shard (`"word":[…]`).
struct Term {
    word: Box<str>,
    entry: String,
}

/// Every word, sorted by its UTF-8 bytes, with its scored postings encoded.
// Document counts are far below 2^52, where the conversion to f64 would round.
#[allow(clippy::cast_precision_loss)]
fn encode_terms(postings: FxHashMap<Box<str>, Postings>, lengths: &[u32]) -> Vec<Term> {
    let docs = lengths.len().max(1) as f64;
    let average = (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs).max(1.0);
    let mut words: Vec<(Box<str>, Postings)> = postings.into_iter().collect();
    words.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    words
        .into_par_iter()
        .map(|(word, postings)| {
            let df = postings.len() as f64;
            let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
            let mut entry = serde_json::to_string(&*word).unwrap_or_default();
            entry.push_str(":[");
            let mut previous = 0_u32;
            for (i, packed) in postings.iter().enumerate() {
                let doc = packed >> 8;
                let tf = f64::from(packed & 0xff);
                let length = f64::from(lengths.get(doc as usize).copied().unwrap_or(1));
                let weight = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / average));
                // Scores are small positive numbers; the cast cannot truncate.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let score = (weight * 10.0).round().max(1.0) as u32;
                if i > 0 {
                    entry.push(',');
                }
                push_number(&mut entry, doc - previous);
                entry.push(',');
                push_number(&mut entry, score);
                previous = doc;
            }
            entry.push(']');
            Term { word, entry }
        })
        .collect()
}

/// A shard: its key and the ranges of `terms` it holds.
#[derive(Debug, PartialEq, Eq)]
struct Shard {
    key: String,
    ranges: Vec<Range<usize>>,
}

/// Cuts the sorted terms into shards of at most `budget` bytes (see the module docs).
/// The root shard (empty key) is always there, even if empty.
fn shard(terms: &[Term], budget: usize) -> Vec<Shard> {
    let sizes: Vec<usize> = terms.iter().map(|t| t.entry.len() + 1).collect();
    let mut shards = Vec::new();
    split(
        terms,
        &sizes,
        String::new(),
        0..terms.len(),
        budget,
        &mut shards,
    );
    shards.sort_by(|a, b| a.key.cmp(&b.key));
    shards
}

fn split(
    terms: &[Term],
    sizes: &[usize],
    key: String,
    range: Range<usize>,
    budget: usize,
    shards: &mut Vec<Shard>,
) {
    let total: usize = sizes[range.clone()].iter().sum();
    if total <= budget {
        if !range.is_empty() || key.is_empty() {
            shards.push(Shard {
                key,
                ranges: vec![range],
            });
        }
        return;
    }
    // Terms are sorted, so the word equal to the key (if any) comes first and each
    // next character's words are contiguous.
    let mut groups: Vec<(char, Range<usize>, usize)> = Vec::new();
    for i in range.clone() {
        let Some(next) = terms[i].word[key.len()..].chars().next() else {
            continue;
        };
        match groups.last_mut() {
            Some((c, group, size)) if *c == next => {
                group.end = i + 1;
                *size += sizes[i];
            }
            _ => groups.push((next, i..i + 1, sizes[i])),
        }
    }
    let mut by_size: Vec<usize> = (0..groups.len()).collect();
    by_size.sort_by(|&a, &b| groups[b].2.cmp(&groups[a].2).then(a.cmp(&b)));
    let mut kept = total;
    let mut moved = vec![false; groups.len()];
    for g in by_size {
        if kept <= budget {
            break;
        }
        moved[g] = true;
        kept -= groups[g].2;
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut push = |r: Range<usize>| match ranges.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ if !r.is_empty() => ranges.push(r),
        _ => {}
    };
    // The word equal to the key, if any.
    push(range.start..groups.first().map_or(range.end, |g| g.1.start));
    for (g, (_, group, _)) in groups.iter().enumerate() {
        if !moved[g] {
            push(group.clone());
        }
    }
    if !ranges.is_empty() || key.is_empty() {
        shards.push(Shard {
            key: key.clone(),
            ranges,
        });
    }
    for (g, (next, group, _)) in groups.into_iter().enumerate() {
        if moved[g] {
            let mut child = key.clone();
            child.push(next);
            split(terms, sizes, child, group, budget, shards);
        }
    }
}

/// The JSON entries of the words in `shard`, taken out of `terms` (every word is in
/// one shard).
fn shard_entries(terms: &mut [Term], shard: &Shard) -> Vec<String> {
    shard
        .ranges
        .iter()
        .flat_map(Clone::clone)
        .map(|i| std::mem::take(&mut terms[i].entry))
        .collect()
}

/// A shard's JSON, from its words' entries.
fn shard_json(entries: Vec<String>) -> String {
    let size: usize = entries.iter().map(|entry| entry.len() + 1).sum();
    let mut json = String::with_capacity(size + 2);
    json.push('{');
    for (i, entry) in entries.into_iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&entry);
    }
    json.push('}');
    json
}

/// `docs/<n>.json`: the entries of documents `n × DOCS_PER_FILE …`.
fn doc_file(n: usize, chunk: &[String]) -> OutputFile {
    OutputFile {
        path: format!("{BUNDLE_DIR}docs/{n}.json"),
        contents: format!("[{}]", chunk.join(",")).into_bytes(),
    }
}

/// What `meta.json` lists of the filters, and each (key, value)'s number among its
/// key's values, which names its file.
struct FilterValues {
    values: BTreeMap<String, Vec<(String, usize)>>,
    numbers: Vec<usize>,
}

fn filter_values(filters: &BTreeMap<(String, String), Vec<u32>>) -> FilterValues {
    let mut values: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    let mut numbers = Vec::with_capacity(filters.len());
    for ((key, value), docs) in filters {
        let listed = values.entry(key.clone()).or_default();
        numbers.push(listed.len());
        listed.push((value.clone(), docs.len()));
    }
    FilterValues { values, numbers }
}

/// `[3,1,4]` for documents 3, 4 and 8.
fn deltas(docs: &[u32]) -> String {
    let mut json = String::from("[");
    let mut previous = 0;
    for (i, &doc) in docs.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_number(&mut json, doc - previous);
        previous = doc;
    }
    json.push(']');
    json
}

/// Appends `n` in decimal. The index writes a number or two for every posting, tens
/// of millions in a large archive, and `write!` cost about 450 instructions each.
fn push_number(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Lower-case hex: file names for any word prefix, whatever its script.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, title: &str, content: &str) -> Record {
        Record {
            url: url.to_owned(),
            content: content.to_owned(),
            meta: BTreeMap::from([("title".to_owned(), title.to_owned())]),
            filters: BTreeMap::from([("tag".to_owned(), vec!["t".to_owned()])]),
        }
    }

    fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
        let file = files
            .iter()
            .find(|f| f.path == format!("{BUNDLE_DIR}{path}"))
            .unwrap_or_else(|| panic!("no {path}"));
        std::str::from_utf8(&file.contents).expect("utf-8")
    }

    fn json(files: &[OutputFile], path: &str) -> serde_json::Value {
        serde_json::from_str(file(files, path)).expect("json")
    }

    /// Every shard as (key, its words → postings).
    fn shards(files: &[OutputFile]) -> Vec<(String, serde_json::Map<String, serde_json::Value>)> {
        let meta = json(files, "meta.json");
        meta["shards"]
            .as_array()
            .expect("shards")
            .iter()
            .map(|key| {
                let key = key.as_str().expect("key").to_owned();
                let shard = json(files, &format!("terms/t{}.json", hex(key.as_bytes())));
                (key, shard.as_object().expect("object").clone())
            })
            .collect()
    }

    /// The documents of `word`, decoded, with their scores.
    fn postings(files: &[OutputFile], word: &str) -> Vec<(u64, u64)> {
        let shards = shards(files);
        let (_, home) = shards
            .iter()
            .filter(|(key, _)| word.starts_with(key.as_str()))
            .max_by_key(|(key, _)| key.len())
            .expect("root shard");
        let Some(list) = home.get(word) else {
            return Vec::new();
        };
        let numbers: Vec<u64> = list
            .as_array()
            .expect("array")
            .iter()
            .map(|n| n.as_u64().expect("number"))
            .collect();
        let mut doc = 0;
        numbers
            .chunks(2)
            .map(|pair| {
                doc += pair[0];
                (doc, pair[1])
            })
            .collect()
    }

    /// Many documents over a vocabulary with shared prefixes, so that a small budget
    /// forces shards at several depths.
    fn corpus() -> Vec<Record> {
        let stems = [
            "ka", "kan", "kane", "kaneko", "kari", "mo", "mos", "moscow", "ü",
        ];
        (0..120)
            .map(|d| {
                let words: Vec<String> = (0..40)
                    .map(|w| format!("{}{}", stems[(d * 7 + w) % stems.len()], (d * w) % 13))
                    .chain(stems.iter().map(|s| (*s).to_owned()))
                    .collect();
                record(&format!("/d{d}/"), "t", &words.join(" "))
            })
            .collect()
    }

    #[test]
    fn every_word_is_in_exactly_the_shard_its_longest_prefix_names() {
        let records = corpus();
        let files = build_with_budget(records.len(), |d| &records[d], 600);
        let shards = shards(&files);
        assert!(shards.len() > 5, "a small budget splits: {}", shards.len());
        assert!(
            shards.iter().any(|(key, _)| key.chars().count() >= 3),
            "frequent prefixes split deeper"
        );
        let mut seen = std::collections::BTreeSet::new();
        for (key, words) in &shards {
            for word in words.keys() {
                assert!(seen.insert(word.clone()), "{word} is in two shards");
                let home = shards
                    .iter()
                    .map(|(k, _)| k)
                    .filter(|k| word.starts_with(k.as_str()))
                    .max_by_key(|k| k.len())
                    .expect("root");
                assert_eq!(home, key, "{word} is in shard {key:?}, not {home:?}");
            }
            let size = file(&files, &format!("terms/t{}.json", hex(key.as_bytes()))).len();
            assert!(
                size <= 600 || words.len() == 1,
                "shard {key:?} is {size} bytes with {} words",
                words.len()
            );
        }
        // Every distinct word of the corpus is indexed.
        let mut expected = std::collections::BTreeSet::new();
        for r in &records {
            super::super::tokens::for_each_word(&r.content, |w| {
                expected.insert(w.to_owned());
            });
        }
        expected.insert("t".to_owned());
        assert_eq!(seen, expected);
    }

    #[test]
    fn postings_list_each_document_once_in_order() {
        let records = [
            record("/a/", "Alpha", "kaneko went to moscow"),
            record("/b/", "Beta", "nothing here"),
            record("/c/", "Gamma", "Kaneko, kaneko and KANEKO"),
        ];
        let files = build(records.len(), |d| &records[d]);
        let kaneko = postings(&files, "kaneko");
        assert_eq!(kaneko.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 2]);
        assert!(
            kaneko[1].1 > kaneko[0].1,
            "three hits outscore one: {kaneko:?}"
        );
        assert!(postings(&files, "xyzzy").is_empty());
        let docs = json(&files, "docs/0.json");
        assert_eq!(docs[2]["url"], "/c/");
        assert_eq!(docs[2]["meta"]["title"], "Gamma");
    }

    #[test]
    fn a_title_word_outscores_the_same_word_in_the_text() {
        let records = [
            record("/a/", "Izium", "the town in the report"),
            record("/b/", "Report", "the town of izium in the report"),
            record("/c/", "Other", "unrelated words only here"),
        ];
        let files = build(records.len(), |d| &records[d]);
        let izium = postings(&files, "izium");
        assert_eq!(izium.len(), 2);
        assert!(izium[0].1 > izium[1].1, "{izium:?}");
    }

    #[test]
    fn filters_list_values_with_counts_and_their_documents() {
        let mut records = [
            record("/a/", "A", "x"),
            record("/b/", "B", "y"),
            record("/c/", "C", "z"),
        ];
        records[0]
            .filters
            .insert("source".into(), vec!["RT".into()]);
        records[2]
            .filters
            .insert("source".into(), vec!["RT".into()]);
        records[1]
            .filters
            .insert("source".into(), vec!["NHK".into()]);
        let files = build(records.len(), |d| &records[d]);
        let meta = json(&files, "meta.json");
        assert_eq!(
            meta["filters"]["source"],
            serde_json::json!([["NHK", 1], ["RT", 2]])
        );
        assert_eq!(file(&files, "filters/source/1.json"), "[0,2]");
        assert_eq!(file(&files, "filters/tag/0.json"), "[0,1,1]");
    }

    #[test]
    fn output_is_the_same_whatever_the_thread_count_and_the_stamp_follows_content() {
        let records = corpus();
        let build_on = |threads: usize, records: &[Record]| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| build_with_budget(records.len(), |d| &records[d], 600))
        };
        let one = build_on(1, &records);
        let four = build_on(4, &records);
        assert_eq!(one, four);
        let mut edited = records.clone();
        edited[3].content.push_str(" newword");
        let other = build_on(2, &edited);
        assert_ne!(
            json(&one, "meta.json")["stamp"],
            json(&other, "meta.json")["stamp"]
        );
    }

    #[test]
    fn an_empty_index_still_has_its_meta_and_root_shard() {
        let files = build(0, |_| record("/", "", ""));
        assert_eq!(json(&files, "meta.json")["shards"], serde_json::json!([""]));
        assert_eq!(file(&files, "terms/t.json"), "{}");
    }
}
