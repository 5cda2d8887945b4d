//! "Related articles": ranked by the entities two articles share, each weighted by its
//! rarity (inverse document frequency), so an entity every article mentions links
//! nothing. Computed through an inverted index (entity → articles), never all pairs.

use rayon::prelude::*;

use super::Article;

/// How many related articles a page lists.
pub const MAX_RELATED: usize = 5;

/// An entity mentioned by more articles than this (and by more than a tenth of the
/// archive) is skipped when ranking: its weight is low anyway, and walking its long
/// list of articles for each of them would make ranking quadratic.
const COMMON_ENTITY_ARTICLES: usize = 200;

/// A related article and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// Index into the article list.
    pub article: usize,
    pub score: f64,
    /// Entity indexes both articles mention, rarest first. A boxed slice, of exactly
    /// its length: every article keeps five of these until its pages are rendered.
    pub shared: Box<[usize]>,
}

/// Fills `related` on every article.
pub fn rank(articles: &mut [Article], entity_count: usize) {
    let entity_sets: Vec<Vec<usize>> = articles.iter().map(distinct_entities).collect();
    let mut postings: Vec<Vec<usize>> = vec![Vec::new(); entity_count];
    for (article, entities) in entity_sets.iter().enumerate() {
        for &entity in entities {
            postings[entity].push(article);
        }
    }
    let total = articles.len();
    let common = COMMON_ENTITY_ARTICLES.max(total / 10);
    #[allow(clippy::cast_precision_loss)]
    let weights: Vec<f64> = postings
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > common {
                0.0
            } else {
                (total as f64 / p.len() as f64).ln()
            }
        })
        .collect();
    let ranked: Vec<Vec<Related>> = (0..total)
        .into_par_iter()
        .map_init(
            || (vec![0.0_f64; total], Vec::new()),
            |(scores, touched), article| {
                rank_one(article, &entity_sets, &postings, &weights, scores, touched)
            },
        )
        .collect();
    for (article, related) in articles.iter_mut().zip(ranked) {
        article.related = related;
    }
}

/// The related articles of one article. `scores` (all zero) and `touched` (empty)
/// are scratch space, left as they were found.
fn rank_one(
    article: usize,
    entity_sets: &[Vec<usize>],
    postings: &[Vec<usize>],
    weights: &[f64],
    scores: &mut [f64],
    touched: &mut Vec<usize>,
) -> Vec<Related> {
    let entities = &entity_sets[article];
    for &entity in entities {
        if weights[entity] <= 0.0 {
            continue;
        }
        for &other in &postings[entity] {
            if other != article {
                if scores[other] == 0.0 {
                    touched.push(other);
                }
                scores[other] += weights[entity];
            }
        }
    }
    let order = |a: &usize, b: &usize| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b));
    // Only the best few are sorted, and the result is a fresh vector of at most
    // MAX_RELATED: one sized for every touched article, truncated, would keep its
    // capacity (tens of KB per article at 100,000 articles).
    if touched.len() > MAX_RELATED {
        touched.select_nth_unstable_by(MAX_RELATED, order);
    }
    let mut best: Vec<usize> = touched.iter().copied().take(MAX_RELATED).collect();
    best.sort_by(order);
    let ranked: Vec<Related> = best
        .into_iter()
        .map(|other| Related {
            article: other,
            score: scores[other],
            shared: shared_entities(entities, &entity_sets[other], weights),
        })
        .collect();
    for &other in touched.iter() {
        scores[other] = 0.0;
    }
    touched.clear();
    ranked
}

/// The distinct entities an article mentions, sorted: all that ranking looks at.
pub fn distinct_entities(article: &Article) -> Vec<usize> {
    let mut entities: Vec<usize> = article
        .mentions
        .iter()
        .map(super::Mention::entity)
        .collect();
    entities.sort_unstable();
    entities.dedup();
    // Every article's set is held while all are ranked; a few entities, not the
    // room for every mention.
    crate::model::exact_size(entities)
}

/// Entities in both sorted sets that carry weight, rarest first.
fn shared_entities(a: &[usize], b: &[usize], weights: &[f64]) -> Box<[usize]> {
    let mut shared: Vec<usize> = a
        .iter()
        .filter(|e| weights[**e] > 0.0 && b.binary_search(e).is_ok())
        .copied()
        .collect();
    shared.sort_by(|x, y| weights[*y].total_cmp(&weights[*x]).then(x.cmp(y)));
    // A fresh exact copy: mimalloc keeps a block in place on a small shrink.
    Box::from(shared.as_slice())
}
