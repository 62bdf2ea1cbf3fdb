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
    let mut c = Collector::default();
    for p in params {
        c.scope.bind(p);
    }
    c.visit_body(body);
    c.scope
}

/// Analyses a lambda (its body is one expression).
pub(super) fn analyze_lambda(params: &[&str], body: &Expr) -> Scope {
    let mut c = Collector::default();
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
    let mut c = Collector::default();
    c.scope.bind(".0");
    for (i, g) in generators.iter().enumerate() {
        if i > 0 {
            c.visit_expr(&g.iter);
        }
        c.visit_expr(&g.target);
        for cond in &g.ifs {
            c.visit_expr(cond);
        }
    }
    for e in elements {
        c.visit_expr(e);
    }
    c.scope
}

#[derive(Default)]
struct Collector {
    scope: Scope,
}

impl Collector {
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
            Expr::ListComp(x) => self.comprehension(&x.generators, &[&x.elt]),
            Expr::SetComp(x) => self.comprehension(&x.generators, &[&x.elt]),
            Expr::Generator(x) => self.comprehension(&x.generators, &[&x.elt]),
            Expr::DictComp(x) => {
                let mut elements: Vec<&Expr> = vec![&x.value];
                if let Some(k) = &x.key {
                    elements.push(k);
                }
                self.comprehension(&x.generators, &elements)
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
    fn comprehension(&mut self, generators: &[ast::Comprehension], elements: &[&Expr]) {
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let inner = analyze_comprehension(generators, elements);
        self.nested(inner.free_names());
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
        let b = body("ys = [x * k for x in xs]\nyield ys\n");
        let s = analyze_function(&["k"], &b);
        assert!(s.is_generator);
        assert!(s.child_free.contains("k"));
        assert!(!s.bound.contains(&"x".to_string()));
        assert!(s.used.contains("xs"));
    }
}
