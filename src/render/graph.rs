//! The archive as a graph, drawn at build time as SVG (no JavaScript): sources on the
//! left, articles in the middle (oldest at the top), entities on the right grouped by
//! kind; lines join each article to its source and to the entities it mentions.
//! The layout is a pure function of the archive, so builds stay reproducible.

use std::fmt::Write as _;

use serde_json::json;

use crate::link::EntityKind;

use super::html::escape;
use super::views::{mention_counts, Views};

/// Bounds so a 10,000-article archive still draws a readable picture.
/// The graph shows the newest this many articles (and what they mention).
pub const MAX_ARTICLES: usize = 60;
const MAX_ENTITIES: usize = 80;
const ROW: f64 = 26.0;
const WIDTH: f64 = 1100.0;
/// Column positions: source labels are right-aligned to the left of their nodes and
/// entity labels left-aligned to the right, so both columns keep room for long names.
const SOURCE_X: f64 = 260.0;
const ARTICLE_X: f64 = 560.0;
const ENTITY_X: f64 = 840.0;

struct Node {
    x: f64,
    y: f64,
    label: String,
    url: String,
    class: &'static str,
}

/// The SVG markup and its legend.
pub fn graph_svg(views: &Views<'_>) -> (String, serde_json::Value) {
    let archive = views.archive;
    let mut articles = archive.newest_first();
    articles.truncate(MAX_ARTICLES);
    articles.reverse();
    let mut counts: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for &a in &articles {
        for e in mention_counts(&archive.articles[a]).keys() {
            *counts.entry(*e).or_insert(0) += 1;
        }
    }
    let mut entities: Vec<usize> = counts.keys().copied().collect();
    entities.sort_by(|a, b| counts[b].cmp(&counts[a]).then(a.cmp(b)));
    entities.truncate(MAX_ENTITIES);
    let kind_of = |e: usize| archive.registry.entities[e].kind;
    entities.sort_by(|a, b| {
        kind_of(*a).cmp(&kind_of(*b)).then(
            archive.registry.entities[*a]
                .name
                .cmp(&archive.registry.entities[*b].name),
        )
    });
    let sources: Vec<usize> = (0..archive.registry.sources.len())
        .filter(|s| {
            articles
                .iter()
                .any(|&a| archive.articles[a].source == Some(*s))
        })
        .collect();

    let rows = articles.len().max(entities.len()).max(sources.len()).max(1);
    #[allow(clippy::cast_precision_loss)]
    let height = rows as f64 * ROW + 60.0;
    let column = |count: usize, index: usize| -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let spread = (height - 60.0) / count.max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        let y = 40.0 + spread * (index as f64 + 0.5);
        y
    };
    let source_nodes: Vec<Node> = sources
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let source = &archive.registry.sources[s];
            Node {
                x: SOURCE_X,
                y: column(sources.len(), i),
                label: source.name.clone(),
                url: views.url(&format!("sources/{}/", source.id)),
                class: "node-source",
            }
        })
        .collect();
    let article_nodes: Vec<Node> = articles
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let article = &archive.articles[a];
            Node {
                x: ARTICLE_X,
                y: column(articles.len(), i),
                label: truncate(&article.title, 42),
                url: views.url(&article.path()),
                class: "node-article",
            }
        })
        .collect();
    let entity_nodes: Vec<Node> = entities
        .iter()
        .enumerate()
        .map(|(i, &e)| {
            let entity = &archive.registry.entities[e];
            let class = match entity.kind {
                EntityKind::Person => "node-person",
                EntityKind::Place => "node-place",
                EntityKind::Organization => "node-organization",
                EntityKind::Event => "node-event",
            };
            Node {
                x: ENTITY_X,
                y: column(entities.len(), i),
                label: entity.name.clone(),
                url: views.url(&views.entity_path(e)),
                class,
            }
        })
        .collect();

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"archive-graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"graph-title\"><title id=\"graph-title\">Sources, articles and the entities they mention</title><g class=\"edges\">"
    );
    for (i, &a) in articles.iter().enumerate() {
        let article = &archive.articles[a];
        let node = &article_nodes[i];
        if let Some(s) = article
            .source
            .and_then(|s| sources.iter().position(|x| *x == s))
        {
            edge(&mut svg, &source_nodes[s], node);
        }
        for e in mention_counts(article).keys() {
            if let Some(j) = entities.iter().position(|x| x == e) {
                edge(&mut svg, node, &entity_nodes[j]);
            }
        }
    }
    svg.push_str("</g><g class=\"nodes\">");
    for (node, anchor) in source_nodes
        .iter()
        .map(|n| (n, "end"))
        .chain(article_nodes.iter().map(|n| (n, "middle")))
        .chain(entity_nodes.iter().map(|n| (n, "start")))
    {
        let label_x = match anchor {
            "end" => node.x - 10.0,
            "start" => node.x + 10.0,
            _ => node.x,
        };
        let label_y = if anchor == "middle" {
            node.y - 8.0
        } else {
            node.y + 4.0
        };
        let _ = write!(
            svg,
            "<a href=\"{}\"><circle class=\"node {}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text></a>",
            escape(&node.url), node.class, node.x, node.y, label_x, label_y, escape(&node.label)
        );
    }
    svg.push_str("</g></svg>");
    let legend = json!([
        { "label": "Source", "class": "node-source" },
        { "label": "Article", "class": "node-article" },
        { "label": "Person", "class": "node-person" },
        { "label": "Place", "class": "node-place" },
        { "label": "Organization", "class": "node-organization" },
        { "label": "Event", "class": "node-event" },
    ]);
    (svg, legend)
}

fn edge(svg: &mut String, from: &Node, to: &Node) {
    let _ = write!(
        svg,
        "<line class=\"edge\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
        from.x, from.y, to.x, to.y
    );
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}
