//! Finds templates that would recurse for ever: a macro that calls itself, or a
//! template that includes itself, directly or through others.
//!
//! Tera has no limit on either: the render recurses until the thread's stack
//! overflows, and the process aborts (no error, no clean-up of the staging folder).
//! Whether a recursion would end depends on the data, which gloss cannot know when it
//! loads the templates, so any cycle is refused, with the call that closes it.
//!
//! This walks Tera's syntax tree (`tera::ast`), which Tera exports but documents as
//! hidden and free to change in a minor version: a change shows as a compile error
//! here, never as a silent miss.

use std::collections::HashMap;

use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// A piece of a template that rendering may enter: a whole template (through
/// `extends` or `include`), or one macro of a template file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Callee {
    Template(String),
    Macro { file: String, name: String },
}

impl Callee {
    fn label(&self) -> String {
        match self {
            Self::Template(name) | Self::Macro { name, .. } => name.clone(),
        }
    }
}

/// A call, include or extends in the template `file`, as written (`self::date`,
/// `"nav.html"`), so that it can be found in the file's text.
#[derive(Debug, Clone)]
struct Call {
    callee: Callee,
    file: String,
    written: String,
}

/// A cycle: the call that closes it, and the chain of names around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cycle {
    /// The template file holding the closing call.
    pub(super) file: String,
    /// The closing call as written in that file.
    pub(super) written: String,
    /// Whether the cycle runs through macros (else through includes).
    pub(super) through_macros: bool,
    /// Names from the first to the first again: `["a", "b", "a"]`.
    pub(super) chain: Vec<String>,
}

/// The first cycle, in the order of template names and macro names, if any.
pub(super) fn find_cycle(tera: &Tera) -> Option<Cycle> {
    let mut starts: Vec<Callee> = Vec::new();
    let mut names: Vec<&String> = tera.templates.keys().collect();
    names.sort();
    for name in names {
        starts.push(Callee::Template(name.clone()));
        let mut macros: Vec<&String> = tera.templates[name].macros.keys().collect();
        macros.sort();
        starts.extend(macros.into_iter().map(|m| Callee::Macro {
            file: name.clone(),
            name: m.clone(),
        }));
    }
    let mut search = Search {
        tera,
        state: HashMap::new(),
        stack: Vec::new(),
    };
    starts.iter().find_map(|start| search.visit(start))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    OnStack,
    Done,
}

/// A depth-first search that keeps the path it is on; an edge back into the path
/// is a cycle. The path lives in `stack` rather than in Rust's call stack, so a long
/// chain of templates cannot overflow it either.
struct Search<'t> {
    tera: &'t Tera,
    state: HashMap<Callee, State>,
    /// The path: each callee with the calls out of it still to follow.
    stack: Vec<(Callee, std::vec::IntoIter<Call>)>,
}

impl Search<'_> {
    fn visit(&mut self, start: &Callee) -> Option<Cycle> {
        if self.state.contains_key(start) {
            return None;
        }
        self.enter(start.clone());
        while let Some((_, calls)) = self.stack.last_mut() {
            let Some(call) = calls.next() else {
                if let Some((done, _)) = self.stack.pop() {
                    self.state.insert(done, State::Done);
                }
                continue;
            };
            match self.state.get(&call.callee) {
                Some(State::Done) => {}
                Some(State::OnStack) => return Some(self.cycle(&call)),
                None => self.enter(call.callee.clone()),
            }
        }
        None
    }

    fn enter(&mut self, callee: Callee) {
        let calls = calls_of(self.tera, &callee);
        self.state.insert(callee.clone(), State::OnStack);
        self.stack.push((callee, calls.into_iter()));
    }

    /// The cycle closed by `call`, whose callee is on the path.
    fn cycle(&self, call: &Call) -> Cycle {
        let from = self
            .stack
            .iter()
            .position(|(callee, _)| *callee == call.callee)
            .unwrap_or(0);
        let mut chain: Vec<String> = self.stack[from..]
            .iter()
            .map(|(callee, _)| callee.label())
            .collect();
        chain.push(call.callee.label());
        Cycle {
            file: call.file.clone(),
            written: call.written.clone(),
            through_macros: matches!(call.callee, Callee::Macro { .. }),
            chain,
        }
    }
}

/// What rendering `callee` may enter next.
fn calls_of(tera: &Tera, callee: &Callee) -> Vec<Call> {
    let (file, body) = match callee {
        Callee::Template(name) => {
            let Some(template) = tera.templates.get(name) else {
                return Vec::new();
            };
            (name, &template.ast)
        }
        Callee::Macro { file, name } => {
            let Some(definition) = tera.templates.get(file).and_then(|t| t.macros.get(name)) else {
                return Vec::new();
            };
            (file, &definition.body)
        }
    };
    let mut walker = Walker {
        tera,
        file,
        calls: Vec::new(),
    };
    if let Callee::Template(name) = callee {
        // A child template renders its parent's tree around its blocks.
        if let Some(parent) = tera.templates.get(name).and_then(|t| t.parent.clone()) {
            walker.calls.push(Call {
                written: format!("\"{parent}\""),
                callee: Callee::Template(parent),
                file: file.clone(),
            });
        }
    }
    walker.nodes(body);
    walker.calls
}

/// Collects the calls and includes in one template's or macro's tree.
struct Walker<'t> {
    tera: &'t Tera,
    file: &'t String,
    calls: Vec<Call>,
}

impl Walker<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::Include(_, names, _) => {
                for name in names {
                    if self.tera.templates.contains_key(name) {
                        self.calls.push(Call {
                            callee: Callee::Template(name.clone()),
                            file: self.file.clone(),
                            written: format!("\"{name}\""),
                        });
                    }
                }
            }
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                self.args(section.filter.args.values());
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container);
                self.nodes(&forloop.body);
                if let Some(empty) = &forloop.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    self.expr(condition);
                    self.nodes(body);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body);
                }
            }
            // Macro definitions are callees of their own, entered when called.
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn args<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        for arg in args {
            self.expr(arg);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        self.value(&expr.val);
        for filter in &expr.filters {
            self.args(filter.args.values());
        }
    }

    fn value(&mut self, value: &ExprVal) {
        match value {
            ExprVal::MacroCall(call) => {
                if let Some(file) = self.macro_file(&call.namespace) {
                    self.calls.push(Call {
                        callee: Callee::Macro {
                            file,
                            name: call.name.clone(),
                        },
                        file: self.file.clone(),
                        written: format!("{}::{}", call.namespace, call.name),
                    });
                }
                self.args(call.args.values());
            }
            ExprVal::Math(math) => {
                self.expr(&math.lhs);
                self.expr(&math.rhs);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs);
                self.expr(&logic.rhs);
            }
            ExprVal::In(test) => {
                self.expr(&test.lhs);
                self.expr(&test.rhs);
            }
            ExprVal::Test(test) => self.args(test.args.iter()),
            ExprVal::FunctionCall(call) => self.args(call.args.values()),
            ExprVal::Array(items) => self.args(items.iter()),
            ExprVal::StringConcat(concat) => {
                for part in &concat.values {
                    self.value(part);
                }
            }
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }

    /// The file a macro namespace names in this file: `self`, or an import of this
    /// file or of a template it extends.
    fn macro_file(&self, namespace: &str) -> Option<String> {
        if namespace == "self" {
            return Some(self.file.clone());
        }
        let template = self.tera.templates.get(self.file)?;
        std::iter::once(self.file)
            .chain(template.parents.iter())
            .filter_map(|name| self.tera.templates.get(name))
            .flat_map(|t| t.imported_macro_files.iter())
            .find(|(_, alias)| alias == namespace)
            .map(|(file, _)| file.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .expect("the test templates parse");
        tera
    }

    #[test]
    fn a_macro_that_calls_itself_is_a_cycle() {
        let cycle = find_cycle(&tera(&[
            (
                "macros.html",
                "{% macro down(n) %}{{ self::down(n=n) }}{% endmacro down %}",
            ),
            (
                "page.html",
                "{% import \"macros.html\" as m %}{{ m::down(n=3) }}",
            ),
        ]))
        .expect("a cycle");
        assert_eq!(cycle.file, "macros.html");
        assert_eq!(cycle.written, "self::down");
        assert!(cycle.through_macros);
        assert_eq!(cycle.chain, ["down", "down"]);
    }

    #[test]
    fn macros_that_call_each_other_through_imports_are_a_cycle() {
        let cycle = find_cycle(&tera(&[
            (
                "a.html",
                "{% import \"b.html\" as b %}{% macro ping() %}{% if true %}{{ b::pong() }}{% endif %}{% endmacro ping %}",
            ),
            (
                "b.html",
                "{% import \"a.html\" as a %}{% macro pong() %}{% for x in [1] %}{{ a::ping() | upper }}{% endfor %}{% endmacro pong %}",
            ),
        ]))
        .expect("a cycle");
        assert_eq!(cycle.chain, ["ping", "pong", "ping"]);
        assert_eq!(cycle.file, "b.html");
        assert_eq!(cycle.written, "a::ping");
    }

    #[test]
    fn a_template_that_includes_itself_through_another_is_a_cycle() {
        let cycle = find_cycle(&tera(&[
            ("one.html", "1{% include \"two.html\" %}"),
            (
                "two.html",
                "2{% if x %}{% include \"one.html\" %}{% endif %}",
            ),
        ]))
        .expect("a cycle");
        assert!(!cycle.through_macros);
        assert_eq!(cycle.chain, ["one.html", "two.html", "one.html"]);
        assert_eq!(cycle.written, "\"one.html\"");
    }

    #[test]
    fn a_parent_that_includes_its_child_is_a_cycle() {
        let cycle = find_cycle(&tera(&[
            (
                "base.html",
                "<main>{% block content %}{% endblock content %}{% include \"page.html\" %}</main>",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}x{% endblock content %}",
            ),
        ]))
        .expect("a cycle");
        assert_eq!(cycle.chain, ["base.html", "page.html", "base.html"]);
    }

    #[test]
    fn calls_that_meet_again_without_a_loop_are_not_a_cycle() {
        // page calls outer twice and inner once; outer calls inner: a diamond.
        assert_eq!(
            find_cycle(&tera(&[
                (
                    "m.html",
                    "{% macro inner() %}i{% endmacro inner %}{% macro outer() %}{{ self::inner() }}{{ self::inner() }}{% endmacro outer %}",
                ),
                (
                    "page.html",
                    "{% import \"m.html\" as m %}{{ m::outer() }}{{ m::outer() }}{{ m::inner() }}{% include \"part.html\" %}{% include \"part.html\" %}",
                ),
                ("part.html", "{% import \"m.html\" as m %}{{ m::inner() }}"),
            ])),
            None
        );
    }

    #[test]
    fn the_built_in_theme_has_no_cycle() {
        assert_eq!(
            find_cycle(&tera(
                &super::super::builtin_templates().collect::<Vec<_>>()
            )),
            None
        );
    }
}
