//! Scope analysis: which names a body binds, which it reads from enclosing
//! scopes, and which of its own locals nested scopes capture (cells).
//!
//! A scope is analysed on its own; nested function, lambda, class and
//! comprehension bodies are analysed recursively only to learn which
//! names they need from outside (their *free* names). The compiler then
//! resolves each free name against the enclosing function scopes.

use std::collections::HashSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};

/// What the compiler needs to know about one scope.
#[derive(Debug, Default, Clone)]
pub(super) struct Scope {
    /// Names bound in the scope (parameters first, in order of binding).
    pub bound: Vec<String>,
    /// Names read in the scope itself.
    pub used: HashSet<String>,
    /// Names declared `global`.
    pub globals: HashSet<String>,
    /// Names declared `nonlocal`.
    pub nonlocals: HashSet<String>,
    /// Names nested scopes need from outside themselves.
    pub child_free: HashSet<String>,
    /// Whether the body contains `yield` (a generator function).
    pub is_generator: bool,
    /// Names bound by assignment expressions (`:=`), which an inlined
    /// comprehension's enclosing function binds (PEP 572).
    pub walrus: HashSet<String>,
}

impl Scope {
    /// The names this scope binds as its own locals.
    pub fn locals(&self) -> impl Iterator<Item = &String> {
        self.bound
            .iter()
            .filter(|n| !self.globals.contains(*n) && !self.nonlocals.contains(*n))
    }

    fn is_local(&self, name: &str) -> bool {
        !self.globals.contains(name)
            && !self.nonlocals.contains(name)
            && self.bound.iter().any(|b| b == name)
    }

    /// The names a function-like scope needs from enclosing scopes.
    pub fn free_names(&self) -> HashSet<String> {
        self.used
            .iter()
            .chain(self.child_free.iter())
            .chain(self.nonlocals.iter())
            .filter(|n| !self.globals.contains(*n) && !self.is_local(n))
            .cloned()
            .collect()
    }

    /// The names a class body passes through to enclosing scopes: what it
    /// reads without binding (an enclosing function's local is then a cell
    /// it reads, as CPython's `LOAD_CLASSDEREF`; otherwise the read falls
    /// back to globals), nested scopes' needs (minus the implicit
    /// `__class__` cell) and explicit nonlocals.
    pub fn class_free_names(&self) -> HashSet<String> {
        self.child_free
            .iter()
            .chain(self.nonlocals.iter())
            .chain(self.used.iter().filter(|n| !self.bound.contains(*n)))
            .filter(|n| !self.globals.contains(*n) && n.as_str() != "__class__")
            .cloned()
            .collect()
    }

    fn bind(&mut self, name: &str) {
        if !self.bound.iter().any(|b| b == name) {
            self.bound.push(name.to_string());
        }
    }
}

/// Every parameter name of `p`, in frame order: positional, `*args`,
/// keyword-only, `**kwargs`.
pub(super) fn parameter_names(p: &ast::Parameters) -> Vec<&str> {
    let mut names: Vec<&str> = p
        .posonlyargs
        .iter()
        .chain(p.args.iter())
        .map(|a| a.parameter.name.id.as_str())
        .collect();
    names.extend(p.kwonlyargs.iter().map(|a| a.parameter.name.id.as_str()));
    if let Some(v) = &p.vararg {
        names.push(v.name.id.as_str());
    }
    if let Some(k) = &p.kwarg {
        names.push(k.name.id.as_str());
    }
    names
}

/// Analyses a function body with parameters `params`.
pub(super) fn analyze_function(params: &[&str], body: &[Stmt]) -> Scope {
    let mut c = Collector::in_function();
    for p in params {
        c.scope.bind(p);
    }
    c.visit_body(body);
    c.scope
}

/// Analyses a lambda (its body is one expression).
pub(super) fn analyze_lambda(params: &[&str], body: &Expr) -> Scope {
    let mut c = Collector::in_function();
    for p in params {
        c.scope.bind(p);
    }
    c.visit_expr(body);
    c.scope
}

/// Analyses a class body.
pub(super) fn analyze_class(body: &[Stmt]) -> Scope {
    let mut c = Collector::default();
    c.visit_body(body);
    c.scope
}

/// Analyses a comprehension's own scope: the first iterable is evaluated
/// outside (passed in as the parameter `.0`); everything else is inside.
pub(super) fn analyze_comprehension(
    generators: &[ast::Comprehension],
    elements: &[&Expr],
) -> Scope {
    let mut c = Collector::in_function();
    c.scope.bind(".0");
    visit_comprehension_inside(&mut c, generators, elements);
    c.scope
}

/// Visits what runs inside a comprehension's scope: all but the first
/// iterable (evaluated outside), the targets, the conditions and the
/// elements.
fn visit_comprehension_inside<'a>(
    visitor: &mut impl Visitor<'a>,
    generators: &'a [ast::Comprehension],
    elements: &[&'a Expr],
) {
    for (i, g) in generators.iter().enumerate() {
        if i > 0 {
            visitor.visit_expr(&g.iter);
        }
        visitor.visit_expr(&g.target);
        for cond in &g.ifs {
            visitor.visit_expr(cond);
        }
    }
    for e in elements {
        visitor.visit_expr(e);
    }
}

/// Names whose calls see the calling frame (its locals, its code): a
/// comprehension that mentions one keeps a frame of its own.
const FRAME_READERS: [&str; 7] = ["locals", "vars", "dir", "eval", "exec", "super", "sys"];

/// Whether a list, set or dict comprehension inside a function is
/// compiled into that function's own code (as CPython 3.12 does, PEP 709)
/// instead of into a nested function called at once: nothing in it may
/// need a scope or frame of its own. Its targets then live in hidden
/// locals of the function ([`hidden_local`]), and the names it reads are
/// the function's own. Scope analysis and the compiler both ask here.
pub(super) fn inlined_comprehension(generators: &[ast::Comprehension], elements: &[&Expr]) -> bool {
    if generators.iter().any(|g| g.is_async) {
        return false;
    }
    let mut check = InlineCheck { inlinable: true };
    visit_comprehension_inside(&mut check, generators, elements);
    check.inlinable
}

/// The name of the hidden local that holds an inlined comprehension's
/// target `name` (a name no program can write; [`is_hidden_local`]).
pub(super) fn hidden_local(name: &str) -> String {
    format!(".{name}")
}

/// Whether a local's name is an inlined comprehension's hidden target
/// (`locals()` leaves it out; `.0`, a comprehension function's iterator
/// parameter, is not one).
pub fn is_hidden_local(name: &str) -> bool {
    name.strip_prefix('.')
        .is_some_and(|rest| rest.starts_with(|c: char| !c.is_ascii_digit()))
}

/// Looks for what keeps a comprehension from being inlined: a nested
/// scope, `yield` or `await`, or a name that reads its frame.
struct InlineCheck {
    inlinable: bool,
}

impl<'a> Visitor<'a> for InlineCheck {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_)
            | Expr::Yield(_)
            | Expr::YieldFrom(_)
            | Expr::Await(_) => self.inlinable = false,
            Expr::Name(n) if FRAME_READERS.contains(&n.id.as_str()) => self.inlinable = false,
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[derive(Default)]
struct Collector {
    scope: Scope,
    /// Whether the scope is a function's (its comprehensions may be
    /// inlined).
    function: bool,
}

impl Collector {
    fn in_function() -> Collector {
        Collector {
            function: true,
            ..Collector::default()
        }
    }

    fn nested(&mut self, free: HashSet<String>) {
        self.scope.child_free.extend(free);
    }

    fn visit_defaults(&mut self, p: &ast::Parameters) {
        for a in p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .chain(p.kwonlyargs.iter())
        {
            if let Some(d) = &a.default {
                self.visit_expr(d);
            }
        }
    }
}

impl<'a> Visitor<'a> for Collector {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.visit_expr(&d.expression);
                }
                self.visit_defaults(&f.parameters);
                self.scope.bind(f.name.id.as_str());
                let params = parameter_names(&f.parameters);
                let inner = analyze_function(&params, &f.body);
                self.nested(inner.free_names());
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.visit_expr(&d.expression);
                }
                if let Some(args) = &c.arguments {
                    self.visit_arguments(args);
                }
                self.scope.bind(c.name.id.as_str());
                let inner = analyze_class(&c.body);
                self.nested(inner.class_free_names());
            }
            Stmt::Global(g) => {
                for n in &g.names {
                    self.scope.globals.insert(n.id.to_string());
                }
            }
            Stmt::Nonlocal(n) => {
                for n in &n.names {
                    self.scope.nonlocals.insert(n.id.to_string());
                }
            }
            Stmt::Try(t) => {
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(n) = &h.name {
                        self.scope.bind(n.id.as_str());
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let name = match &alias.asname {
                        Some(a) => a.id.as_str(),
                        None => alias.name.id.split('.').next().unwrap_or_default(),
                    };
                    self.scope.bind(name);
                }
            }
            Stmt::ImportFrom(i) => {
                for alias in &i.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.scope.bind(name.id.as_str());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(n) => match n.ctx {
                ExprContext::Load => {
                    if n.id.as_str() == "super" {
                        // Zero-argument super() reads the `__class__` cell.
                        self.scope.used.insert("__class__".into());
                    }
                    self.scope.used.insert(n.id.to_string());
                }
                _ => self.scope.bind(n.id.as_str()),
            },
            Expr::Lambda(l) => {
                let params = match &l.parameters {
                    Some(p) => {
                        self.visit_defaults(p);
                        parameter_names(p)
                    }
                    None => Vec::new(),
                };
                let inner = analyze_lambda(&params, &l.body);
                self.nested(inner.free_names());
            }
            Expr::ListComp(x) => self.comprehension(&x.generators, &[&x.elt], false),
            Expr::SetComp(x) => self.comprehension(&x.generators, &[&x.elt], false),
            Expr::Generator(x) => self.comprehension(&x.generators, &[&x.elt], true),
            Expr::DictComp(x) => {
                let mut elements: Vec<&Expr> = Vec::new();
                elements.extend(x.key.as_deref());
                elements.push(&x.value);
                self.comprehension(&x.generators, &elements, false)
            }
            Expr::Named(x) => {
                if let Expr::Name(n) = &*x.target {
                    self.scope.walrus.insert(n.id.to_string());
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                self.scope.is_generator = true;
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl Collector {
    fn comprehension(
        &mut self,
        generators: &[ast::Comprehension],
        elements: &[&Expr],
        generator: bool,
    ) {
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let inner = analyze_comprehension(generators, elements);
        if self.function && !generator && inlined_comprehension(generators, elements) {
            // Compiled into this scope: what it reads from outside, it
            // reads here, and what it assigns with `:=` is bound here (its
            // loop targets are hidden locals of this scope).
            for name in &inner.walrus {
                self.scope.bind(name);
            }
            self.scope.used.extend(inner.free_names());
        } else {
            self.nested(inner.free_names());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(src: &str) -> Vec<Stmt> {
        ruff_python_parser::parse_module(src)
            .unwrap()
            .into_syntax()
            .body
            .to_vec()
    }

    #[test]
    fn finds_cells_and_free_names() {
        let b = body("x = 1\ndef g(y):\n    return x + y + z\nk = lambda: x\n");
        let s = analyze_function(&["a"], &b);
        assert_eq!(s.bound, vec!["a", "x", "g", "k"]);
        assert!(s.child_free.contains("x") && s.child_free.contains("z"));
        assert!(!s.child_free.contains("y"));
        let free = s.free_names();
        assert!(free.contains("z") && !free.contains("x"));
    }

    #[test]
    fn nonlocal_and_global_declarations() {
        let b = body("nonlocal n\nglobal g\nn = 1\ng = 2\nm = 3\n");
        let s = analyze_function(&[], &b);
        let locals: Vec<&String> = s.locals().collect();
        assert_eq!(locals, vec!["m"]);
        assert!(s.free_names().contains("n"));
        assert!(!s.free_names().contains("g"));
    }

    #[test]
    fn generators_and_comprehension_scopes() {
        // A generator expression keeps its scope: `k` is a cell.
        let b = body("ys = list(x * k for x in xs)\nyield ys\n");
        let s = analyze_function(&["k"], &b);
        assert!(s.is_generator);
        assert!(s.child_free.contains("k"));
        assert!(!s.bound.contains(&"x".to_string()));
        assert!(s.used.contains("xs"));
    }

    #[test]
    fn inlined_comprehensions_read_the_function_s_names() {
        // Compiled into the function: `k` is read as a plain local, and
        // the target `x` is not one of the function's names.
        let b = body("ys = [x * k for x in xs]\n");
        let s = analyze_function(&["k"], &b);
        assert!(!s.child_free.contains("k") && s.used.contains("k"));
        assert!(!s.bound.contains(&"x".to_string()) && !s.used.contains("x"));
        // What it assigns with `:=` is the function's (PEP 572).
        let s = analyze_function(&[], &body("ys = [(t := x) for x in xs]\n"));
        assert!(s.bound.contains(&"t".to_string()) && !s.bound.contains(&"x".to_string()));
        // A lambda inside keeps the comprehension's own scope.
        let b = body("ys = [lambda: x * k for x in xs]\n");
        let s = analyze_function(&["k"], &b);
        assert!(s.child_free.contains("k"));
        // So does a module's or a class body's comprehension.
        let s = analyze_class(&body("ys = [x * k for x in xs]\n"));
        assert!(s.child_free.contains("k"));
    }

    #[test]
    fn what_keeps_a_comprehension_out_of_line() {
        let inlined = |src: &str| {
            let b = body(src);
            let Stmt::Expr(e) = &b[0] else {
                panic!("an expression")
            };
            match &*e.value {
                Expr::ListComp(x) => inlined_comprehension(&x.generators, &[&x.elt]),
                other => panic!("a list comprehension, not {other:?}"),
            }
        };
        assert!(inlined("[x + y for x in a for y in b if x]"));
        assert!(
            inlined("[x for x in [y for y in b]]"),
            "the first iterable is outside"
        );
        assert!(!inlined("[[y for y in x] for x in a]"));
        assert!(inlined("[(y := x) for x in a]"), "`y` is the function's");
        assert!(!inlined("[locals() for x in a]"));
        assert!(!inlined("[super().f(x) for x in a]"));
    }

    #[test]
    fn hidden_locals_are_recognized() {
        assert!(is_hidden_local(&hidden_local("x")));
        assert!(!is_hidden_local(".0") && !is_hidden_local("x"));
    }
}
