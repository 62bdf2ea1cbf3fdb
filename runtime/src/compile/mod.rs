//! The compiler: ruff's AST → [`Compiled`] code (constants still as
//! [`Const`] trees; the interpreter turns them into heap objects when it
//! loads the code).
//!
//! Scopes: module-level names are globals; class bodies use a namespace
//! dict (`LoadName`/`StoreName`); function names assigned in the body (or
//! parameters) are fast locals unless declared `global`; everything else
//! is global-then-builtin. A function that reads a local of an enclosing
//! function would need a closure cell, which is not supported yet: it is a
//! `SyntaxError` naming the variable (cells have room in the code object).
//!
//! Every construct outside the supported language is a [`CompileError`]
//! with the position of the offending node; the compiler never panics on
//! input.
//!
//! Exception handling: each emitted instruction records the innermost
//! active handler; the exception table is built from those runs at the
//! end. `return`, `break` and `continue` unwind the enclosing blocks
//! statically (running `finally` bodies inline, with the handlers outside
//! the `try` active), as CPython's compiler does.

mod scope;
pub use scope::is_hidden_local;

use std::collections::{HashMap, HashSet};

use num_bigint::BigInt;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::bytecode::{
    BinaryOp, CodeKind, CompareOp, ExceptionEntry, InlinedComprehension, Instr, Location, Opcode,
    Operand, UnaryOp,
};

/// A compile-time constant.
#[derive(Debug, Clone)]
pub enum Const {
    /// `None`.
    None,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(BigInt),
    /// A float.
    Float(f64),
    /// A str.
    Str(Box<str>),
    /// A tuple of constants (keyword-name tuples).
    Tuple(Vec<Const>),
    /// A nested code object.
    Code(Box<Compiled>),
    /// `...` (the Ellipsis singleton).
    Ellipsis,
}

/// A compiled body, before its constants are materialized in the heap.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// `co_name`.
    pub name: Box<str>,
    /// `co_qualname`.
    pub qualname: Box<str>,
    /// The first line.
    pub first_line: u32,
    /// What kind of body this is.
    pub kind: CodeKind,
    /// The number of positional parameters.
    pub argcount: u32,
    /// The number of keyword-only parameters (after the positional ones).
    pub kwonlyargcount: u32,
    /// [`CodeFlags`](crate::bytecode::CodeFlags) bits.
    pub flags: u32,
    /// Local variable names (parameters first: positional, keyword-only,
    /// `*args`, `**kwargs`).
    pub varnames: Vec<Box<str>>,
    /// Locals captured by nested scopes (cells).
    pub cellvars: Vec<Box<str>>,
    /// Variables captured from enclosing scopes.
    pub freevars: Vec<Box<str>>,
    /// The instructions.
    pub instructions: Vec<Instr>,
    /// The constants.
    pub constants: Vec<Const>,
    /// Names used by name and attribute instructions.
    pub names: Vec<Box<str>>,
    /// The source position of each instruction.
    pub locations: Vec<Location>,
    /// The exception table.
    pub exception_table: Vec<ExceptionEntry>,
    /// The comprehensions compiled into this body.
    pub comprehensions: Vec<InlinedComprehension>,
    /// The deepest the value stack gets.
    pub max_stack: u32,
}

/// A syntax error: message and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The message (`invalid syntax`, `... is not supported yet`).
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters), as CPython's `SyntaxError.offset`.
    pub column: u32,
    /// The text of the offending line (without its newline).
    pub text: String,
    /// Whether this is an `IndentationError` rather than a `SyntaxError`.
    pub indentation: bool,
}

/// Positions in the source: byte offset → line and column.
struct SourceMap<'s> {
    source: &'s str,
    line_starts: Vec<usize>,
}

impl<'s> SourceMap<'s> {
    fn new(source: &'s str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        SourceMap {
            source,
            line_starts,
        }
    }

    /// (1-based line, 0-based column in characters).
    fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .source
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line as u32 + 1, col as u32)
    }

    fn line_text(&self, line: u32) -> String {
        let i = (line as usize).saturating_sub(1);
        let start = self
            .line_starts
            .get(i)
            .copied()
            .unwrap_or(self.source.len());
        let end = self
            .line_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.source.len());
        self.source[start..end]
            .trim_end_matches(['\n', '\r'])
            .to_string()
    }

    fn error(&self, message: impl Into<String>, offset: usize) -> CompileError {
        let (line, col) = self.position(offset);
        CompileError {
            message: message.into(),
            line,
            column: col + 1,
            text: self.line_text(line),
            indentation: false,
        }
    }
}

/// Compiles a module's source.
pub fn compile_module(source: &str) -> Result<Compiled, CompileError> {
    compile_top_level(source, TopLevel::Module)
}

/// Compiles one expression (`eval` mode): module-level code that returns
/// the expression's value. Anything but a single expression is a
/// SyntaxError.
pub fn compile_eval(source: &str) -> Result<Compiled, CompileError> {
    compile_top_level(source, TopLevel::Eval)
}

/// Compiles one input of the interactive prompt: like a module, but each
/// top-level expression statement prints its value's repr (unless None)
/// and binds it to `builtins._`, as CPython's `single` mode does.
pub fn compile_interactive(source: &str) -> Result<Compiled, CompileError> {
    compile_top_level(source, TopLevel::Interactive)
}

/// What top-level source is compiled as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TopLevel {
    Module,
    Interactive,
    Eval,
}

/// The last comparison, in source order, among the operands that a test
/// (`and`, `or`, `not` and comparisons) compiles to jumps.
fn last_comparison(test: &Expr) -> Option<&Expr> {
    match test {
        Expr::Compare(_) => Some(test),
        Expr::UnaryOp(x) if x.op == ast::UnaryOp::Not => last_comparison(&x.operand),
        Expr::BoolOp(b) => b.values.iter().rev().find_map(last_comparison),
        _ => None,
    }
}

/// Whether the interactive prompt should read another line before running
/// `source`: it opens a compound statement (which a blank line ends), or
/// it stops in the middle of a statement (an open bracket, an unfinished
/// string or block). Other syntax errors are complete: running reports them.
pub fn needs_more_input(source: &str) -> bool {
    match ruff_python_parser::parse_module(source) {
        Ok(parsed) => parsed.syntax().body.last().is_some_and(|last| {
            matches!(
                last,
                Stmt::FunctionDef(_)
                    | Stmt::ClassDef(_)
                    | Stmt::For(_)
                    | Stmt::While(_)
                    | Stmt::If(_)
                    | Stmt::With(_)
                    | Stmt::Match(_)
                    | Stmt::Try(_)
            )
        }),
        Err(e) => {
            let at_end = e.location.start().to_usize() >= source.trim_end().len();
            let unfinished = matches!(
                &e.error,
                ruff_python_parser::ParseErrorType::Lexical(
                    ruff_python_parser::LexicalErrorType::Eof
                        | ruff_python_parser::LexicalErrorType::UnclosedStringError
                        | ruff_python_parser::LexicalErrorType::LineContinuationError
                )
            );
            at_end || unfinished
        }
    }
}

fn compile_top_level(source: &str, mode: TopLevel) -> Result<Compiled, CompileError> {
    let map = SourceMap::new(source);
    let parsed = ruff_python_parser::parse_module(source).map_err(|e| {
        let indentation = matches!(
            &e.error,
            ruff_python_parser::ParseErrorType::Lexical(
                ruff_python_parser::LexicalErrorType::IndentationError
            )
        );
        let mut err = map.error(parse_error_message(&e.error), e.location.start().to_usize());
        err.indentation = indentation;
        err
    })?;
    let module = parsed.into_syntax();
    let eval_expr = match (mode, module.body.as_slice()) {
        (TopLevel::Eval, [Stmt::Expr(e)]) => Some(&*e.value),
        (TopLevel::Eval, body) => {
            let at = body.first().map_or(0, |s| s.range().start().to_usize());
            return Err(map.error("invalid syntax (an expression was expected)", at));
        }
        _ => None,
    };
    let mut compiler = Compiler {
        map: &map,
        enclosing: Vec::new(),
        interactive: mode == TopLevel::Interactive,
    };
    let scope = scope::analyze_class(&module.body);
    let body = &module.body;
    compiler.compile_unit(
        UnitSpec {
            name: "<module>",
            qualname: "<module>",
            kind: CodeKind::Module,
            first_line: 1,
            params: &[],
            argcount: 0,
            kwonlyargcount: 0,
            flags: 0,
            range: TextRange::default(),
        },
        scope,
        |c, u| match eval_expr {
            Some(expr) => {
                c.expr(u, expr)?;
                u.emit(Opcode::ReturnValue, 0);
                Ok(())
            }
            None => c.compile_body(u, body),
        },
    )
}

/// What [`Compiler::compile_unit`] builds.
struct UnitSpec<'p> {
    name: &'p str,
    qualname: &'p str,
    kind: CodeKind,
    first_line: u32,
    params: &'p [&'p str],
    argcount: u32,
    kwonlyargcount: u32,
    flags: u32,
    range: TextRange,
}

/// CPython's wording for the parse errors we can match; "invalid syntax"
/// for the rest.
fn parse_error_message(e: &ruff_python_parser::ParseErrorType) -> String {
    use ruff_python_parser::{LexicalErrorType, ParseErrorType};
    match e {
        ParseErrorType::Lexical(LexicalErrorType::IndentationError) => {
            "unindent does not match any outer indentation level".into()
        }
        ParseErrorType::Lexical(LexicalErrorType::UnclosedStringError) => {
            "unterminated string literal".into()
        }
        ParseErrorType::Lexical(LexicalErrorType::Eof) => "unexpected EOF while parsing".into(),
        _ => "invalid syntax".into(),
    }
}

struct Compiler<'s> {
    map: &'s SourceMap<'s>,
    /// The names each enclosing scope can provide to nested scopes as
    /// cells (a function's locals; a class body's `__class__`), innermost
    /// last.
    enclosing: Vec<HashSet<String>>,
    /// Compiling an interactive input ([`compile_interactive`]).
    interactive: bool,
}

type Label = usize;

/// `MakeFunction` flag: a defaults tuple is on the stack.
const MAKE_DEFAULTS: u32 = 1;
/// `MakeFunction` flag: a keyword-only defaults dict is on the stack.
const MAKE_KWDEFAULTS: u32 = 2;
/// `MakeFunction` flag: a closure tuple (of cells) is on the stack.
const MAKE_CLOSURE: u32 = 4;
/// `FormatValue` flag: a format spec str is on the stack above the value.
pub(crate) const FORMAT_WITH_SPEC: u32 = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

#[derive(Clone, Copy)]
enum NameOp {
    Store,
    Delete,
}

#[derive(Clone, Copy)]
struct Handler {
    label: Label,
    depth: u32,
}

#[derive(Clone, Copy)]
enum FBlock<'a> {
    Loop {
        continue_to: Label,
        break_to: Label,
        is_for: bool,
    },
    TryFinally {
        body: &'a [Stmt],
        handlers_len: usize,
        depth: u32,
    },
    ExceptHandler,
    FinallyHandler,
    /// A `with` body: the bound `__exit__` is on the stack at `depth`.
    With {
        handlers_len: usize,
    },
}

struct Unit<'a> {
    kind: CodeKind,
    instrs: Vec<Instr>,
    locs: Vec<Location>,
    handler_of: Vec<Option<Handler>>,
    labels: Vec<Option<u32>>,
    consts: Vec<Const>,
    names: Vec<Box<str>>,
    name_index: HashMap<Box<str>, u32>,
    varnames: Vec<Box<str>>,
    local_index: HashMap<String, u32>,
    globals: HashSet<String>,
    /// Cell and free variable names: deref index → name.
    derefs: Vec<Box<str>>,
    deref_index: HashMap<String, u32>,
    /// Names bound in a class body (they shadow free variables).
    class_bound: HashSet<String>,
    loc: Location,
    handlers: Vec<Handler>,
    fblocks: Vec<FBlock<'a>>,
    /// The value-stack depth at statement boundaries.
    depth: u32,
    qualname: String,
    comprehensions: Vec<InlinedComprehension>,
}

type CResult<T> = Result<T, CompileError>;

impl<'s> Compiler<'s> {
    fn err<T>(&self, message: impl Into<String>, range: TextRange) -> CResult<T> {
        Err(self.map.error(message, range.start().to_usize()))
    }

    fn unsupported<T>(&self, what: &str, range: TextRange) -> CResult<T> {
        self.err(format!("{what} is not supported yet"), range)
    }

    fn compile_unit<'a>(
        &mut self,
        spec: UnitSpec<'_>,
        scope: scope::Scope,
        body: impl FnOnce(&mut Self, &mut Unit<'a>) -> CResult<()>,
    ) -> CResult<Compiled> {
        let kind = spec.kind;
        let mut unit = Unit {
            kind,
            instrs: Vec::new(),
            locs: Vec::new(),
            handler_of: Vec::new(),
            labels: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            varnames: Vec::new(),
            local_index: HashMap::new(),
            globals: scope.globals.clone(),
            derefs: Vec::new(),
            deref_index: HashMap::new(),
            class_bound: HashSet::new(),
            loc: Location {
                line: spec.first_line,
                ..Location::default()
            },
            handlers: Vec::new(),
            fblocks: Vec::new(),
            depth: 0,
            qualname: spec.qualname.to_string(),
            comprehensions: Vec::new(),
        };
        let available: HashSet<&String> = self.enclosing.iter().flatten().collect();
        for n in &scope.nonlocals {
            if kind == CodeKind::Module {
                return self.err(
                    "nonlocal declaration not allowed at module level",
                    spec.range,
                );
            }
            if !available.contains(n) {
                return self.err(format!("no binding for nonlocal '{n}' found"), spec.range);
            }
            if scope.globals.contains(n) {
                return self.err(format!("name '{n}' is nonlocal and global"), spec.range);
            }
        }
        let mut cells: Vec<String> = Vec::new();
        let mut frees: Vec<String> = Vec::new();
        match kind {
            CodeKind::Function => {
                for p in spec.params {
                    if unit.local_index.contains_key(*p) {
                        return self.err(
                            format!("duplicate argument '{p}' in function definition"),
                            spec.range,
                        );
                    }
                    if unit.globals.contains(*p) {
                        return self.err(format!("name '{p}' is parameter and global"), spec.range);
                    }
                    if scope.nonlocals.contains(*p) {
                        return self
                            .err(format!("name '{p}' is parameter and nonlocal"), spec.range);
                    }
                    unit.add_local(p);
                }
                for name in scope.locals() {
                    unit.add_local(name);
                }
                cells = unit
                    .varnames
                    .iter()
                    .filter(|n| scope.child_free.contains(&***n))
                    .map(|n| n.to_string())
                    .collect();
                let mut f: Vec<String> = scope
                    .free_names()
                    .into_iter()
                    .filter(|n| available.contains(n))
                    .collect();
                f.sort();
                frees = f;
            }
            CodeKind::Class => {
                unit.class_bound = scope.bound.iter().cloned().collect();
                if scope.child_free.contains("__class__") {
                    cells.push("__class__".into());
                }
                let mut f: Vec<String> = scope
                    .class_free_names()
                    .into_iter()
                    .chain(
                        scope
                            .used
                            .iter()
                            .filter(|n| !unit.class_bound.contains(*n))
                            .cloned(),
                    )
                    .filter(|n| available.contains(n) && !scope.globals.contains(n))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                f.sort();
                frees = f;
            }
            CodeKind::Module => {}
        }
        for name in cells.iter().chain(frees.iter()) {
            let i = unit.derefs.len() as u32;
            unit.derefs.push(name.as_str().into());
            unit.deref_index.insert(name.clone(), i);
        }
        let provides: Option<HashSet<String>> = match kind {
            CodeKind::Function => Some(
                unit.local_index
                    .keys()
                    .cloned()
                    .chain(frees.iter().cloned())
                    .collect(),
            ),
            CodeKind::Class => Some(std::iter::once("__class__".to_string()).collect()),
            CodeKind::Module => None,
        };
        let pushed = provides.is_some();
        if let Some(p) = provides {
            self.enclosing.push(p);
        }
        let result = body(self, &mut unit);
        if pushed {
            self.enclosing.pop();
        }
        result?;
        // Implicit `return None` (a class body returns its `__class__`
        // cell, which the class construction fills in).
        if kind == CodeKind::Class && !cells.is_empty() {
            unit.emit(Opcode::LoadClosure, 0);
        } else {
            let none = unit.add_const(Const::None);
            unit.emit(Opcode::LoadConst, none);
        }
        unit.emit(Opcode::ReturnValue, 0);
        let mut flags = spec.flags;
        if scope.is_generator && kind == CodeKind::Function {
            flags |= crate::bytecode::CodeFlags::GENERATOR;
        }
        let mut compiled = self.finish(unit, spec.name, spec.first_line, spec.argcount)?;
        compiled.kwonlyargcount = spec.kwonlyargcount;
        compiled.flags = flags;
        compiled.cellvars = cells.into_iter().map(Into::into).collect();
        compiled.freevars = frees.into_iter().map(Into::into).collect();
        Ok(compiled)
    }

    fn compile_body<'a>(&mut self, u: &mut Unit<'a>, body: &'a [Stmt]) -> CResult<()> {
        for stmt in body {
            self.stmt(u, stmt)?;
        }
        Ok(())
    }

    fn finish(&self, u: Unit<'_>, name: &str, first_line: u32, argcount: u32) -> CResult<Compiled> {
        let resolve =
            |label: Label| -> u32 { u.labels[label].expect("every used label is placed") };
        let mut instructions = u.instrs;
        for instr in instructions.iter_mut() {
            if instr.op.operand() == Operand::Target {
                instr.arg = resolve(instr.arg as Label);
            }
        }
        let mut exception_table: Vec<ExceptionEntry> = Vec::new();
        for (pc, h) in u.handler_of.iter().enumerate() {
            let Some(h) = h else { continue };
            let handler = resolve(h.label);
            match exception_table.last_mut() {
                Some(e) if e.end == pc as u32 && e.handler == handler && e.depth == h.depth => {
                    e.end += 1;
                }
                _ => exception_table.push(ExceptionEntry {
                    start: pc as u32,
                    end: pc as u32 + 1,
                    handler,
                    depth: h.depth,
                }),
            }
        }
        let max_stack =
            max_stack_depth(&instructions, &exception_table).ok_or_else(|| CompileError {
                message: format!("internal compiler error: inconsistent stack in '{name}'"),
                line: first_line,
                column: 1,
                text: self.map.line_text(first_line),
                indentation: false,
            })?;
        Ok(Compiled {
            name: name.into(),
            qualname: u.qualname.into(),
            first_line,
            kind: u.kind,
            argcount,
            kwonlyargcount: 0,
            flags: 0,
            varnames: u.varnames,
            cellvars: Vec::new(),
            freevars: Vec::new(),
            instructions,
            constants: u.consts,
            names: u.names,
            locations: u.locs,
            exception_table,
            comprehensions: u.comprehensions,
            max_stack,
        })
    }

    /// No line for the instructions that follow (a loop's jump back, an
    /// exception handler's prologue): line tracing skips them, as CPython's
    /// artificial instructions.
    fn artificial_loc(u: &mut Unit<'_>) {
        u.loc = Location::default();
    }

    fn set_loc(&self, u: &mut Unit<'_>, range: TextRange) -> Location {
        let old = u.loc;
        let (line, col) = self.map.position(range.start().to_usize());
        let (end_line, end_col) = self.map.position(range.end().to_usize());
        u.loc = Location {
            line,
            col,
            end_line,
            end_col,
        };
        old
    }

    // ---------------------------------------------------------------- statements

    fn stmt<'a>(&mut self, u: &mut Unit<'a>, stmt: &'a Stmt) -> CResult<()> {
        self.set_loc(u, stmt.range());
        match stmt {
            Stmt::Expr(s) => {
                self.expr(u, &s.value)?;
                if self.interactive && u.kind == CodeKind::Module {
                    u.emit(Opcode::PrintExpr, 0);
                } else {
                    u.emit(Opcode::PopTop, 0);
                }
            }
            Stmt::Pass(_) => {}
            Stmt::Assign(s) => {
                self.expr(u, &s.value)?;
                for (i, target) in s.targets.iter().enumerate() {
                    if i + 1 < s.targets.len() {
                        u.emit(Opcode::Copy, 1);
                    }
                    self.store(u, target)?;
                }
            }
            Stmt::AnnAssign(s) => match &s.value {
                Some(v) if s.simple => {
                    self.expr(u, v)?;
                    self.store(u, &s.target)?;
                }
                _ => return self.unsupported("annotated assignment without a value", s.range),
            },
            Stmt::AugAssign(s) => self.aug_assign(u, s)?,
            Stmt::If(s) => {
                let end = u.new_label();
                let mut next = u.new_label();
                self.jump_if(u, &s.test, false, next)?;
                self.compile_body(u, &s.body)?;
                for clause in &s.elif_else_clauses {
                    u.emit_jump(Opcode::Jump, end);
                    u.place(next);
                    next = u.new_label();
                    self.set_loc(u, clause.range);
                    if let Some(test) = &clause.test {
                        self.jump_if(u, test, false, next)?;
                    }
                    self.compile_body(u, &clause.body)?;
                }
                u.place(next);
                u.place(end);
            }
            Stmt::While(s) => {
                let head = u.new_label();
                let orelse = u.new_label();
                let end = u.new_label();
                u.place(head);
                self.jump_if(u, &s.test, false, orelse)?;
                u.fblocks.push(FBlock::Loop {
                    continue_to: head,
                    break_to: end,
                    is_for: false,
                });
                self.compile_body(u, &s.body)?;
                u.fblocks.pop();
                Self::artificial_loc(u);
                u.emit_jump(Opcode::JumpBackward, head);
                u.place(orelse);
                self.compile_body(u, &s.orelse)?;
                u.place(end);
            }
            Stmt::For(s) => {
                if s.is_async {
                    return self.unsupported("'async for'", s.range);
                }
                let head = u.new_label();
                let exit = u.new_label();
                let end = u.new_label();
                self.expr(u, &s.iter)?;
                u.emit(Opcode::GetIter, 0);
                u.place(head);
                u.emit_jump(Opcode::ForIter, exit);
                u.depth += 1;
                self.store(u, &s.target)?;
                u.fblocks.push(FBlock::Loop {
                    continue_to: head,
                    break_to: end,
                    is_for: true,
                });
                self.compile_body(u, &s.body)?;
                u.fblocks.pop();
                u.depth -= 1;
                Self::artificial_loc(u);
                u.emit_jump(Opcode::JumpBackward, head);
                u.place(exit);
                self.compile_body(u, &s.orelse)?;
                u.place(end);
            }
            Stmt::Break(s) => self.break_or_continue(u, true, s.range)?,
            Stmt::Continue(s) => self.break_or_continue(u, false, s.range)?,
            Stmt::Return(s) => {
                if u.kind != CodeKind::Function {
                    return self.err("'return' outside function", s.range);
                }
                match &s.value {
                    Some(v) => self.expr(u, v)?,
                    None => {
                        let none = u.add_const(Const::None);
                        u.emit(Opcode::LoadConst, none);
                    }
                }
                self.unwind_for_return(u)?;
                u.emit(Opcode::ReturnValue, 0);
            }
            Stmt::FunctionDef(f) => self.function_def(u, f)?,
            Stmt::ClassDef(c) => self.class_def(u, c)?,
            Stmt::Global(g) => {
                if u.kind == CodeKind::Function {
                    for name in &g.names {
                        if u.local_index.contains_key(name.id.as_str())
                            && !u.globals.contains(name.id.as_str())
                        {
                            return self.err(
                                format!(
                                    "name '{}' is assigned to before global declaration",
                                    name.id
                                ),
                                g.range,
                            );
                        }
                    }
                }
            }
            Stmt::Raise(r) => {
                let mut n = 0;
                if let Some(exc) = &r.exc {
                    self.expr(u, exc)?;
                    n = 1;
                    if let Some(cause) = &r.cause {
                        self.expr(u, cause)?;
                        n = 2;
                    }
                }
                u.emit(Opcode::Raise, n);
            }
            Stmt::Assert(a) => {
                let end = u.new_label();
                self.jump_if(u, &a.test, true, end)?;
                // The raise has the position of the test's last comparison
                // (CPython's compiler keeps a comparison's position after
                // its jump), else the statement's.
                let saved = match last_comparison(&a.test) {
                    Some(c) => self.set_loc(u, c.range()),
                    None => u.loc,
                };
                u.emit(Opcode::LoadAssertionError, 0);
                if let Some(msg) = &a.msg {
                    self.expr(u, msg)?;
                    u.emit(Opcode::Call, 1);
                }
                u.emit(Opcode::Raise, 1);
                u.loc = saved;
                u.place(end);
            }
            Stmt::Try(t) => {
                if t.is_star {
                    return self.unsupported("'except*'", t.range);
                }
                if t.finalbody.is_empty() {
                    self.try_except(u, t)?;
                } else {
                    self.try_finally(u, t)?;
                }
            }
            Stmt::Delete(s) => {
                for target in &s.targets {
                    self.delete(u, target)?;
                }
            }
            Stmt::With(s) => {
                if s.is_async {
                    return self.unsupported("'async with'", s.range);
                }
                self.with(u, &s.items, &s.body, s.range)?;
            }
            Stmt::Match(s) => return self.unsupported("'match'", s.range),
            Stmt::Import(s) => self.import(u, s)?,
            Stmt::ImportFrom(s) => self.import_from(u, s)?,
            Stmt::Nonlocal(_) => {}
            Stmt::TypeAlias(s) => return self.unsupported("'type' aliases", s.range),
            Stmt::IpyEscapeCommand(s) => return self.err("invalid syntax", s.range),
        }
        Ok(())
    }

    fn aug_assign<'a>(&mut self, u: &mut Unit<'a>, s: &'a ast::StmtAugAssign) -> CResult<()> {
        let op = binary_op(s.op).inplace() as u32;
        match &*s.target {
            Expr::Name(n) => {
                self.load_name(u, n.id.as_str(), n.range)?;
                self.expr(u, &s.value)?;
                u.emit(Opcode::BinaryOp, op);
                self.store_name(u, n.id.as_str());
            }
            Expr::Attribute(a) => {
                self.expr(u, &a.value)?;
                u.emit(Opcode::Copy, 1);
                let name = u.add_name(a.attr.id.as_str());
                u.emit(Opcode::LoadAttr, name);
                self.expr(u, &s.value)?;
                u.emit(Opcode::BinaryOp, op);
                u.emit(Opcode::Swap, 2);
                u.emit(Opcode::StoreAttr, name);
            }
            Expr::Subscript(sub) => {
                self.expr(u, &sub.value)?;
                self.expr(u, &sub.slice)?;
                u.emit(Opcode::Copy, 2);
                u.emit(Opcode::Copy, 2);
                u.emit(Opcode::BinarySubscr, 0);
                self.expr(u, &s.value)?;
                u.emit(Opcode::BinaryOp, op);
                u.emit(Opcode::Swap, 3);
                u.emit(Opcode::Swap, 2);
                u.emit(Opcode::StoreSubscr, 0);
            }
            other => {
                return self.err(
                    "'expression' is an illegal expression for augmented assignment",
                    other.range(),
                )
            }
        }
        Ok(())
    }

    fn break_or_continue(
        &mut self,
        u: &mut Unit<'_>,
        is_break: bool,
        range: TextRange,
    ) -> CResult<()> {
        let saved_fblocks = u.fblocks.clone();
        let saved_handlers = u.handlers.clone();
        let saved_depth = u.depth;
        let mut depth = u.depth;
        let mut found = None;
        while let Some(block) = u.fblocks.pop() {
            match block {
                FBlock::Loop {
                    continue_to,
                    break_to,
                    is_for,
                } => {
                    found = Some((continue_to, break_to, is_for));
                    break;
                }
                FBlock::TryFinally {
                    body,
                    handlers_len,
                    depth: d,
                } => {
                    u.handlers.truncate(handlers_len);
                    u.depth = d;
                    depth = d;
                    self.compile_body(u, body)?;
                }
                FBlock::ExceptHandler => u.emit(Opcode::PopExcept, 0),
                FBlock::FinallyHandler => {
                    u.emit(Opcode::PopExcept, 0);
                    u.emit(Opcode::PopTop, 0);
                    depth -= 1;
                }
                FBlock::With { handlers_len } => {
                    u.handlers.truncate(handlers_len);
                    Self::call_exit_with_nones(u);
                    u.emit(Opcode::PopTop, 0);
                    depth -= 1;
                }
            }
        }
        let _ = depth;
        let result = match found {
            None => {
                let what = if is_break { "'break'" } else { "'continue'" };
                self.err(format!("{what} outside loop"), range)
            }
            Some((continue_to, break_to, is_for)) => {
                if is_break {
                    if is_for {
                        u.emit(Opcode::PopTop, 0);
                    }
                    u.emit_jump(Opcode::Jump, break_to);
                } else {
                    u.emit_jump(Opcode::JumpBackward, continue_to);
                }
                Ok(())
            }
        };
        u.fblocks = saved_fblocks;
        u.handlers = saved_handlers;
        u.depth = saved_depth;
        result
    }

    fn unwind_for_return(&mut self, u: &mut Unit<'_>) -> CResult<()> {
        // The return value is on top; every block below it is unwound.
        let saved_fblocks = u.fblocks.clone();
        let saved_handlers = u.handlers.clone();
        let saved_depth = u.depth;
        while let Some(block) = u.fblocks.pop() {
            match block {
                FBlock::Loop { is_for, .. } => {
                    if is_for {
                        u.emit(Opcode::Swap, 2);
                        u.emit(Opcode::PopTop, 0);
                    }
                }
                FBlock::TryFinally {
                    body,
                    handlers_len,
                    depth,
                } => {
                    u.handlers.truncate(handlers_len);
                    u.depth = depth + 1;
                    self.compile_body(u, body)?;
                }
                FBlock::ExceptHandler => u.emit(Opcode::PopExcept, 0),
                FBlock::FinallyHandler => {
                    u.emit(Opcode::PopExcept, 0);
                    u.emit(Opcode::Swap, 2);
                    u.emit(Opcode::PopTop, 0);
                }
                FBlock::With { handlers_len } => {
                    // [exit, value] -> [value]
                    u.handlers.truncate(handlers_len);
                    u.emit(Opcode::Swap, 2);
                    Self::call_exit_with_nones(u);
                    u.emit(Opcode::PopTop, 0);
                }
            }
        }
        u.fblocks = saved_fblocks;
        u.handlers = saved_handlers;
        u.depth = saved_depth;
        Ok(())
    }

    fn try_except<'a>(&mut self, u: &mut Unit<'a>, t: &'a ast::StmtTry) -> CResult<()> {
        let handler = u.new_label();
        let cleanup = u.new_label();
        let end = u.new_label();
        let depth = u.depth;
        // The `try` line itself (a line event, as in CPython).
        u.emit(Opcode::Nop, 0);
        u.handlers.push(Handler {
            label: handler,
            depth,
        });
        self.compile_body(u, &t.body)?;
        u.handlers.pop();
        self.compile_body(u, &t.orelse)?;
        u.emit_jump(Opcode::Jump, end);

        u.place(handler);
        Self::artificial_loc(u);
        u.emit(Opcode::PushExcInfo, 0);
        u.handlers.push(Handler {
            label: cleanup,
            depth,
        });
        let mut caught_all = false;
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            if caught_all {
                return self.err("default 'except:' must be last", h.range);
            }
            self.set_loc(u, h.range);
            let next = u.new_label();
            match &h.type_ {
                Some(ty) => {
                    self.expr(u, ty)?;
                    u.emit(Opcode::CheckExcMatch, 0);
                    u.emit_jump(Opcode::PopJumpIfFalse, next);
                }
                None => caught_all = true,
            }
            match &h.name {
                Some(name) => self.store_name(u, name.id.as_str()),
                None => u.emit(Opcode::PopTop, 0),
            }
            u.fblocks.push(FBlock::ExceptHandler);
            self.compile_body(u, &h.body)?;
            u.fblocks.pop();
            u.emit(Opcode::PopExcept, 0);
            if let Some(name) = &h.name {
                // CPython deletes the name after the handler.
                let none = u.add_const(Const::None);
                u.emit(Opcode::LoadConst, none);
                self.store_name(u, name.id.as_str());
                self.delete_name(u, name.id.as_str());
            }
            u.emit_jump(Opcode::Jump, end);
            u.place(next);
        }
        if !caught_all {
            u.emit(Opcode::Reraise, 0);
        }
        u.handlers.pop();
        u.place(cleanup);
        u.emit(Opcode::PopExcept, 0);
        u.emit(Opcode::Reraise, 0);
        u.place(end);
        Ok(())
    }

    /// `exit` on top → `exit(None, None, None)`.
    fn call_exit_with_nones(u: &mut Unit<'_>) {
        let none = u.add_const(Const::None);
        for _ in 0..3 {
            u.emit(Opcode::LoadConst, none);
        }
        u.emit(Opcode::Call, 3);
    }

    /// `with a as x, b: body` (several items nest, as in CPython).
    fn with<'a>(
        &mut self,
        u: &mut Unit<'a>,
        items: &'a [ast::WithItem],
        body: &'a [Stmt],
        range: TextRange,
    ) -> CResult<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.compile_body(u, body);
        };
        let handler = u.new_label();
        let cleanup = u.new_label();
        let suppress = u.new_label();
        let end = u.new_label();
        self.expr(u, &item.context_expr)?;
        u.emit(Opcode::BeforeWith, 0);
        let depth = u.depth + 1;
        let handlers_len = u.handlers.len();
        u.handlers.push(Handler {
            label: handler,
            depth,
        });
        u.depth = depth;
        match &item.optional_vars {
            Some(target) => self.store(u, target)?,
            None => u.emit(Opcode::PopTop, 0),
        }
        u.fblocks.push(FBlock::With { handlers_len });
        if rest.is_empty() {
            self.compile_body(u, body)?;
        } else {
            self.with(u, rest, body, range)?;
        }
        u.fblocks.pop();
        u.handlers.pop();
        u.depth = depth - 1;
        self.set_loc(u, range);
        Self::call_exit_with_nones(u);
        u.emit(Opcode::PopTop, 0);
        u.emit_jump(Opcode::Jump, end);

        // Stack here: exit, exc.
        u.place(handler);
        u.emit(Opcode::PushExcInfo, 0);
        u.handlers.push(Handler {
            label: cleanup,
            depth,
        });
        u.emit(Opcode::WithExceptStart, 0);
        u.emit_jump(Opcode::PopJumpIfTrue, suppress);
        u.emit(Opcode::Reraise, 0);
        u.handlers.pop();
        u.place(suppress);
        u.emit(Opcode::PopTop, 0);
        u.emit(Opcode::PopExcept, 0);
        u.emit(Opcode::PopTop, 0);
        u.emit_jump(Opcode::Jump, end);
        u.place(cleanup);
        u.emit(Opcode::PopExcept, 0);
        u.emit(Opcode::Reraise, 0);
        u.place(end);
        Ok(())
    }

    fn try_finally<'a>(&mut self, u: &mut Unit<'a>, t: &'a ast::StmtTry) -> CResult<()> {
        let handler = u.new_label();
        let cleanup = u.new_label();
        let end = u.new_label();
        let depth = u.depth;
        let handlers_len = u.handlers.len();
        u.handlers.push(Handler {
            label: handler,
            depth,
        });
        u.fblocks.push(FBlock::TryFinally {
            body: &t.finalbody,
            handlers_len,
            depth,
        });
        if t.handlers.is_empty() {
            u.emit(Opcode::Nop, 0);
            self.compile_body(u, &t.body)?;
            self.compile_body(u, &t.orelse)?;
        } else {
            self.try_except(u, t)?;
        }
        u.fblocks.pop();
        u.handlers.pop();
        self.compile_body(u, &t.finalbody)?;
        u.emit_jump(Opcode::Jump, end);

        u.place(handler);
        Self::artificial_loc(u);
        u.emit(Opcode::PushExcInfo, 0);
        u.handlers.push(Handler {
            label: cleanup,
            depth,
        });
        u.fblocks.push(FBlock::FinallyHandler);
        u.depth += 1;
        self.compile_body(u, &t.finalbody)?;
        u.depth -= 1;
        u.fblocks.pop();
        u.emit(Opcode::PopExcept, 0);
        u.emit(Opcode::Reraise, 0);
        u.handlers.pop();
        u.place(cleanup);
        u.emit(Opcode::PopExcept, 0);
        u.emit(Opcode::Reraise, 0);
        u.place(end);
        Ok(())
    }

    /// Evaluates a function's defaults (a tuple, then a keyword-only
    /// dict) and returns the `MakeFunction` flags for them.
    fn defaults<'a>(&mut self, u: &mut Unit<'a>, p: &'a ast::Parameters) -> CResult<u32> {
        let mut flags = 0;
        let mut n = 0;
        for param in p.posonlyargs.iter().chain(p.args.iter()) {
            if let Some(d) = &param.default {
                self.expr(u, d)?;
                n += 1;
            }
        }
        if n > 0 {
            u.emit(Opcode::BuildTuple, n);
            flags |= MAKE_DEFAULTS;
        }
        let mut k = 0;
        for param in p.kwonlyargs.iter() {
            if let Some(d) = &param.default {
                let c = u.add_const(Const::Str(param.parameter.name.id.as_str().into()));
                u.emit(Opcode::LoadConst, c);
                self.expr(u, d)?;
                k += 1;
            }
        }
        if k > 0 {
            u.emit(Opcode::BuildMap, k);
            flags |= MAKE_KWDEFAULTS;
        }
        Ok(flags)
    }

    /// Emits the closure tuple for `code` (if it has free variables) and
    /// `MakeFunction`; the defaults are already on the stack.
    fn make_function(&mut self, u: &mut Unit<'_>, code: Compiled, qualname: &str, flags: u32) {
        let mut flags = flags;
        if !code.freevars.is_empty() {
            for name in &code.freevars {
                let i = u.deref_index.get(&**name).copied().unwrap_or(0);
                u.emit(Opcode::LoadClosure, i);
            }
            u.emit(Opcode::BuildTuple, code.freevars.len() as u32);
            flags |= MAKE_CLOSURE;
        }
        let code = u.add_const(Const::Code(Box::new(code)));
        u.emit(Opcode::LoadConst, code);
        let qn = u.add_const(Const::Str(qualname.into()));
        u.emit(Opcode::LoadConst, qn);
        u.emit(Opcode::MakeFunction, flags);
    }

    fn param_spec(p: &ast::Parameters) -> (u32, u32, u32) {
        let argcount = (p.posonlyargs.len() + p.args.len()) as u32;
        let kwonly = p.kwonlyargs.len() as u32;
        let mut flags = 0;
        if p.vararg.is_some() {
            flags |= crate::bytecode::CodeFlags::VARARGS;
        }
        if p.kwarg.is_some() {
            flags |= crate::bytecode::CodeFlags::VARKEYWORDS;
        }
        (argcount, kwonly, flags)
    }

    fn function_def<'a>(&mut self, u: &mut Unit<'a>, f: &'a ast::StmtFunctionDef) -> CResult<()> {
        if f.is_async {
            return self.unsupported("'async def'", f.range);
        }
        if let Some(tp) = &f.type_params {
            return self.unsupported("type parameters", tp.range);
        }
        for d in &f.decorator_list {
            self.expr(u, &d.expression)?;
        }
        let flags = self.defaults(u, &f.parameters)?;
        let params = scope::parameter_names(&f.parameters);
        let (argcount, kwonlyargcount, code_flags) = Self::param_spec(&f.parameters);
        let name = f.name.id.as_str();
        let qualname = self.child_qualname(u, name);
        let line = self.map.position(f.range.start().to_usize()).0;
        let scope = scope::analyze_function(&params, &f.body);
        let body = &f.body;
        let code = self.compile_unit(
            UnitSpec {
                name,
                qualname: &qualname,
                kind: CodeKind::Function,
                first_line: line,
                params: &params,
                argcount,
                kwonlyargcount,
                flags: code_flags,
                range: f.range,
            },
            scope,
            |c, u| {
                // A docstring becomes constants[0] (CPython's layout).
                if let Some(doc) = docstring(body) {
                    u.add_const(Const::Str(doc.into()));
                }
                c.compile_body(u, body)
            },
        )?;
        let mut code = code;
        if docstring(body).is_some() {
            code.flags |= crate::bytecode::CodeFlags::HAS_DOCSTRING;
        }
        self.set_loc(u, f.range);
        self.make_function(u, code, &qualname, flags);
        self.apply_decorators(u, &f.decorator_list);
        self.store_name(u, name);
        Ok(())
    }

    fn lambda<'a>(&mut self, u: &mut Unit<'a>, l: &'a ast::ExprLambda) -> CResult<()> {
        let (flags, params, spec) = match &l.parameters {
            Some(p) => (
                self.defaults(u, p)?,
                scope::parameter_names(p),
                Self::param_spec(p),
            ),
            None => (0, Vec::new(), (0, 0, 0)),
        };
        let qualname = self.child_qualname(u, "<lambda>");
        let line = self.map.position(l.range.start().to_usize()).0;
        let scope = scope::analyze_lambda(&params, &l.body);
        if scope.is_generator {
            return self.unsupported("'yield' in lambda", l.range);
        }
        let body = &*l.body;
        let code = self.compile_unit(
            UnitSpec {
                name: "<lambda>",
                qualname: &qualname,
                kind: CodeKind::Function,
                first_line: line,
                params: &params,
                argcount: spec.0,
                kwonlyargcount: spec.1,
                flags: spec.2,
                range: l.range,
            },
            scope,
            |c, u| {
                c.expr(u, body)?;
                u.emit(Opcode::ReturnValue, 0);
                Ok(())
            },
        )?;
        self.make_function(u, code, &qualname, flags);
        Ok(())
    }

    /// A comprehension: a nested function over the first iterable
    /// (parameter `.0`), called at once.
    fn comprehension<'a>(
        &mut self,
        u: &mut Unit<'a>,
        kind: CompKind,
        generators: &'a [ast::Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
        range: TextRange,
    ) -> CResult<()> {
        if let Some(g) = generators.iter().find(|g| g.is_async) {
            return self.unsupported("asynchronous comprehensions", g.range);
        }
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Generator => "<genexpr>",
        };
        let mut elements = vec![elt];
        elements.extend(value);
        let scope = scope::analyze_comprehension(generators, &elements);
        if scope.is_generator {
            return self.err("'yield' inside comprehension", range);
        }
        if u.kind == CodeKind::Function
            && kind != CompKind::Generator
            && scope::inlined_comprehension(generators, &elements)
        {
            return self
                .inlined_comprehension(u, kind, name, &scope, generators, elt, value, range);
        }
        let qualname = self.child_qualname(u, name);
        let line = self.map.position(range.start().to_usize()).0;
        let flags = if kind == CompKind::Generator {
            crate::bytecode::CodeFlags::GENERATOR
        } else {
            0
        };
        let code = self.compile_unit(
            UnitSpec {
                name,
                qualname: &qualname,
                kind: CodeKind::Function,
                first_line: line,
                params: &[".0"],
                argcount: 1,
                kwonlyargcount: 0,
                flags,
                range,
            },
            scope,
            |c, u| {
                match kind {
                    CompKind::List => u.emit(Opcode::BuildList, 0),
                    CompKind::Set => u.emit(Opcode::BuildSet, 0),
                    CompKind::Dict => u.emit(Opcode::BuildMap, 0),
                    CompKind::Generator => {}
                }
                u.emit(Opcode::LoadFast, 0);
                c.comprehension_loop(u, kind, generators, 0, elt, value)?;
                if kind == CompKind::Generator {
                    let none = u.add_const(Const::None);
                    u.emit(Opcode::LoadConst, none);
                }
                u.emit(Opcode::ReturnValue, 0);
                Ok(())
            },
        )?;
        self.set_loc(u, range);
        self.make_function(u, code, &qualname, 0);
        self.expr(u, &generators[0].iter)?;
        u.emit(Opcode::GetIter, 0);
        u.emit(Opcode::Call, 1);
        Ok(())
    }

    /// A list, set or dict comprehension compiled into the function `u`
    /// (`scope::inlined_comprehension`): the result is built under the
    /// first iterable's iterator and the loop runs here, its targets in
    /// hidden locals so that the function's own names of the same
    /// spelling are untouched.
    #[allow(clippy::too_many_arguments)]
    fn inlined_comprehension<'a>(
        &mut self,
        u: &mut Unit<'a>,
        kind: CompKind,
        name: &'static str,
        scope: &scope::Scope,
        generators: &'a [ast::Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
        range: TextRange,
    ) -> CResult<()> {
        self.set_loc(u, range);
        let call = u.instrs.len() as u32;
        match kind {
            CompKind::List => u.emit(Opcode::BuildList, 0),
            CompKind::Set => u.emit(Opcode::BuildSet, 0),
            CompKind::Dict => u.emit(Opcode::BuildMap, 0),
            CompKind::Generator => unreachable!("generator expressions keep their frame"),
        }
        self.expr(u, &generators[0].iter)?;
        u.emit(Opcode::GetIter, 0);
        // Each target's name now means its hidden local; what it meant
        // before comes back after the loop.
        let targets: Vec<&String> = (scope.bound.iter())
            .filter(|n| *n != ".0" && !scope.walrus.contains(*n))
            .collect();
        let mut shadowed = Vec::with_capacity(targets.len());
        for &target in &targets {
            let hidden = scope::hidden_local(target);
            u.add_local(&hidden);
            let slot = u.local_index[&hidden];
            shadowed.push((
                u.local_index.insert(target.clone(), slot),
                u.deref_index.remove(target),
            ));
        }
        let start = u.instrs.len() as u32;
        let compiled = self.comprehension_loop(u, kind, generators, 0, elt, value);
        let end = u.instrs.len() as u32;
        for (&target, (local, deref)) in targets.iter().zip(shadowed) {
            match local {
                Some(slot) => u.local_index.insert(target.clone(), slot),
                None => u.local_index.remove(target),
            };
            if let Some(slot) = deref {
                u.deref_index.insert(target.clone(), slot);
            }
        }
        compiled?;
        u.comprehensions.push(InlinedComprehension {
            start,
            end,
            call,
            name,
        });
        Ok(())
    }

    /// A comprehension's loop over the iterator on top of the stack (the
    /// result under it), and its nested loops.
    fn comprehension_loop<'a>(
        &mut self,
        u: &mut Unit<'a>,
        kind: CompKind,
        generators: &'a [ast::Comprehension],
        level: usize,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> CResult<()> {
        let g = &generators[level];
        if level > 0 {
            self.expr(u, &g.iter)?;
            u.emit(Opcode::GetIter, 0);
        }
        let head = u.new_label();
        let next = u.new_label();
        let exit = u.new_label();
        u.place(head);
        u.emit_jump(Opcode::ForIter, exit);
        self.store(u, &g.target)?;
        for cond in &g.ifs {
            self.jump_if(u, cond, false, next)?;
        }
        if level + 1 < generators.len() {
            self.comprehension_loop(u, kind, generators, level + 1, elt, value)?;
        } else {
            // The result sits below one iterator per level.
            let depth = level as u32 + 2;
            match kind {
                CompKind::List => {
                    self.expr(u, elt)?;
                    u.emit(Opcode::ListAppend, depth);
                }
                CompKind::Set => {
                    self.expr(u, elt)?;
                    u.emit(Opcode::SetAdd, depth);
                }
                CompKind::Dict => {
                    self.expr(u, elt)?;
                    if let Some(v) = value {
                        self.expr(u, v)?;
                    }
                    u.emit(Opcode::MapAdd, depth);
                }
                CompKind::Generator => {
                    self.expr(u, elt)?;
                    u.emit(Opcode::YieldValue, 0);
                    u.emit(Opcode::PopTop, 0);
                }
            }
        }
        u.place(next);
        Self::artificial_loc(u);
        u.emit_jump(Opcode::JumpBackward, head);
        u.place(exit);
        Ok(())
    }

    fn child_qualname(&self, u: &Unit<'_>, name: &str) -> String {
        match u.kind {
            CodeKind::Module => name.to_string(),
            CodeKind::Class => format!("{}.{name}", u.qualname),
            CodeKind::Function => format!("{}.<locals>.{name}", u.qualname),
        }
    }

    fn class_def<'a>(&mut self, u: &mut Unit<'a>, c: &'a ast::StmtClassDef) -> CResult<()> {
        if let Some(tp) = &c.type_params {
            return self.unsupported("type parameters", tp.range);
        }
        for d in &c.decorator_list {
            self.expr(u, &d.expression)?;
        }
        let name = c.name.id.as_str();
        let qualname = self.child_qualname(u, name);
        let line = self.map.position(c.range.start().to_usize()).0;
        let scope = scope::analyze_class(&c.body);
        let body = &c.body;
        let code = self.compile_unit(
            UnitSpec {
                name,
                qualname: &qualname,
                kind: CodeKind::Class,
                first_line: line,
                params: &[],
                argcount: 0,
                kwonlyargcount: 0,
                flags: 0,
                range: c.range,
            },
            scope,
            |cc, u| {
                // CPython's class bodies start by storing the docstring.
                if let Some(doc) = docstring(body) {
                    cc.set_loc(u, body[0].range());
                    let k = u.add_const(Const::Str(doc.as_str().into()));
                    u.emit(Opcode::LoadConst, k);
                    cc.store_name(u, "__doc__");
                }
                cc.compile_body(u, body)
            },
        )?;
        self.set_loc(u, c.range);
        self.make_function(u, code, &qualname, 0);
        let n = u.add_const(Const::Str(name.into()));
        u.emit(Opcode::LoadConst, n);
        let mut nbases = 0;
        if let Some(args) = &c.arguments {
            if let Some(k) = args.keywords.first() {
                return self.unsupported("class keywords (metaclass=...)", k.range);
            }
            for base in args.args.iter() {
                if let Expr::Starred(s) = base {
                    return self.unsupported("starred bases", s.range);
                }
                self.expr(u, base)?;
                nbases += 1;
            }
        }
        u.emit(Opcode::MakeClass, nbases);
        self.apply_decorators(u, &c.decorator_list);
        self.store_name(u, name);
        Ok(())
    }

    /// Calls the decorators (already pushed) on the function or class on
    /// top of the stack, the nearest first; each call has its decorator's
    /// position, and the store that follows the first decorator's, as in
    /// CPython.
    fn apply_decorators(&mut self, u: &mut Unit<'_>, decorators: &[ast::Decorator]) {
        for d in decorators.iter().rev() {
            self.set_loc(u, d.expression.range());
            u.emit(Opcode::Call, 1);
        }
    }

    // ---------------------------------------------------------------- imports
    // (hook for crate::modules: ImportName / ImportFrom)

    fn import<'a>(&mut self, u: &mut Unit<'a>, s: &'a ast::StmtImport) -> CResult<()> {
        for alias in &s.names {
            let name = alias.name.as_str();
            if name.contains('.') {
                return self.unsupported("dotted module names in 'import'", alias.range);
            }
            let n = u.add_name(name);
            u.emit(Opcode::ImportName, n);
            let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
            self.store_name(u, bound);
        }
        Ok(())
    }

    fn import_from<'a>(&mut self, u: &mut Unit<'a>, s: &'a ast::StmtImportFrom) -> CResult<()> {
        let Some(module) = s.module.as_ref().filter(|_| s.level == 0) else {
            return self.unsupported("relative imports", s.range);
        };
        if module.as_str().contains('.') {
            return self.unsupported("dotted module names in 'from ... import'", s.range);
        }
        let n = u.add_name(module.as_str());
        u.emit(Opcode::ImportName, n);
        for alias in &s.names {
            if alias.name.as_str() == "*" {
                return self.unsupported("'from ... import *'", alias.range);
            }
            let n = u.add_name(alias.name.as_str());
            u.emit(Opcode::ImportFrom, n);
            let bound = alias
                .asname
                .as_ref()
                .map_or(alias.name.as_str(), |a| a.as_str());
            self.store_name(u, bound);
        }
        u.emit(Opcode::PopTop, 0);
        Ok(())
    }

    // ---------------------------------------------------------------- names

    fn load_name(&self, u: &mut Unit<'_>, name: &str, _range: TextRange) -> CResult<()> {
        match u.kind {
            CodeKind::Function => {
                if let Some(&i) = u.deref_index.get(name) {
                    u.emit(Opcode::LoadDeref, i);
                } else if let Some(&i) = u.local_index.get(name) {
                    u.emit(Opcode::LoadFast, i);
                } else {
                    let n = u.add_name(name);
                    u.emit(Opcode::LoadGlobal, n);
                }
            }
            CodeKind::Module => {
                let n = u.add_name(name);
                u.emit(Opcode::LoadGlobal, n);
            }
            CodeKind::Class => {
                if let Some(&i) = u.deref_index.get(name) {
                    if !u.class_bound.contains(name) && name != "__class__" {
                        u.emit(Opcode::LoadDeref, i);
                        return Ok(());
                    }
                }
                let n = u.add_name(name);
                if u.globals.contains(name) {
                    u.emit(Opcode::LoadGlobal, n);
                } else {
                    u.emit(Opcode::LoadName, n);
                }
            }
        }
        Ok(())
    }

    fn store_name(&self, u: &mut Unit<'_>, name: &str) {
        self.name_op(u, name, NameOp::Store);
    }

    fn delete_name(&self, u: &mut Unit<'_>, name: &str) {
        self.name_op(u, name, NameOp::Delete);
    }

    fn name_op(&self, u: &mut Unit<'_>, name: &str, op: NameOp) {
        let (fast, deref, global, named) = match op {
            NameOp::Store => (
                Opcode::StoreFast,
                Opcode::StoreDeref,
                Opcode::StoreGlobal,
                Opcode::StoreName,
            ),
            NameOp::Delete => (
                Opcode::DeleteFast,
                Opcode::DeleteDeref,
                Opcode::DeleteGlobal,
                Opcode::DeleteName,
            ),
        };
        match u.kind {
            CodeKind::Function => {
                if let Some(&i) = u.deref_index.get(name) {
                    u.emit(deref, i);
                } else if let Some(&i) = u.local_index.get(name) {
                    u.emit(fast, i);
                } else {
                    let n = u.add_name(name);
                    u.emit(global, n);
                }
            }
            CodeKind::Module => {
                let n = u.add_name(name);
                u.emit(global, n);
            }
            CodeKind::Class => {
                let n = u.add_name(name);
                if u.globals.contains(name) {
                    u.emit(global, n);
                } else {
                    u.emit(named, n);
                }
            }
        }
    }

    /// Deletes `target`, with its position (as `store`).
    fn delete<'a>(&mut self, u: &mut Unit<'a>, target: &'a Expr) -> CResult<()> {
        let saved = self.set_loc(u, target.range());
        let deleted = self.delete_at(u, target);
        u.loc = saved;
        deleted
    }

    fn delete_at<'a>(&mut self, u: &mut Unit<'a>, target: &'a Expr) -> CResult<()> {
        match target {
            Expr::Name(n) => self.delete_name(u, n.id.as_str()),
            Expr::Attribute(a) => {
                self.expr(u, &a.value)?;
                let name = u.add_name(a.attr.id.as_str());
                u.emit(Opcode::DeleteAttr, name);
            }
            Expr::Subscript(s) => {
                self.expr(u, &s.value)?;
                self.expr(u, &s.slice)?;
                u.emit(Opcode::DeleteSubscr, 0);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for e in elts {
                    self.delete(u, e)?;
                }
            }
            other => return self.err("cannot delete expression", other.range()),
        }
        Ok(())
    }

    /// Stores the value on top of the stack into `target`; the store's
    /// instructions carry the target's position, as CPython's.
    fn store<'a>(&mut self, u: &mut Unit<'a>, target: &'a Expr) -> CResult<()> {
        let saved = self.set_loc(u, target.range());
        let stored = self.store_at(u, target);
        u.loc = saved;
        stored
    }

    fn store_at<'a>(&mut self, u: &mut Unit<'a>, target: &'a Expr) -> CResult<()> {
        match target {
            Expr::Name(n) => self.store_name(u, n.id.as_str()),
            Expr::Attribute(a) => {
                self.expr(u, &a.value)?;
                let name = u.add_name(a.attr.id.as_str());
                u.emit(Opcode::StoreAttr, name);
            }
            Expr::Subscript(s) => {
                self.expr(u, &s.value)?;
                self.expr(u, &s.slice)?;
                u.emit(Opcode::StoreSubscr, 0);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let starred: Vec<usize> = elts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.is_starred_expr())
                    .map(|(i, _)| i)
                    .collect();
                match starred[..] {
                    [] => u.emit(Opcode::UnpackSequence, elts.len() as u32),
                    [i] => {
                        let after = elts.len() - i - 1;
                        if i > 0xff || after > 0xff {
                            return self.err(
                                "too many expressions in star-unpacking assignment",
                                target.range(),
                            );
                        }
                        u.emit(Opcode::UnpackEx, (i | (after << 8)) as u32);
                    }
                    _ => {
                        return self
                            .err("multiple starred expressions in assignment", target.range())
                    }
                }
                for e in elts {
                    match e {
                        Expr::Starred(s) => self.store(u, &s.value)?,
                        _ => self.store(u, e)?,
                    }
                }
            }
            Expr::Starred(s) => {
                return self.err(
                    "starred assignment target must be in a list or tuple",
                    s.range,
                );
            }
            other => return self.err("cannot assign to expression", other.range()),
        }
        Ok(())
    }

    // ---------------------------------------------------------------- expressions

    fn expr<'a>(&mut self, u: &mut Unit<'a>, e: &'a Expr) -> CResult<()> {
        let saved = self.set_loc(u, e.range());
        self.expr_inner(u, e)?;
        u.loc = saved;
        Ok(())
    }

    /// Compiles the test `e` as a branch: jumps to `target` when `e`'s truth
    /// is `when` and falls through otherwise, leaving the stack as it was.
    /// As CPython's compiler does for tests, `not`, `and` and `or` become
    /// jumps instead of values, so each operand's truth is taken once, by
    /// the jump that tests it. A chained comparison whose middle operands
    /// are fast locals or constants becomes one comparison and jump per
    /// link, reloading each middle operand instead of keeping it with
    /// `Swap`/`Copy`: a reload gives the same value, since no comparison
    /// can rebind its caller's fast locals. Any other chain keeps its
    /// middle operands but still tests each link's result once.
    fn jump_if<'a>(
        &mut self,
        u: &mut Unit<'a>,
        e: &'a Expr,
        when: bool,
        target: Label,
    ) -> CResult<()> {
        let saved = self.set_loc(u, e.range());
        match e {
            Expr::UnaryOp(x) if x.op == ast::UnaryOp::Not => {
                self.jump_if(u, &x.operand, !when, target)?;
            }
            Expr::BoolOp(b) => {
                let (last, rest) = b
                    .values
                    .split_last()
                    .expect("a boolean operation has operands");
                // `or` jumping when true, or `and` when false: any operand
                // decides. Otherwise an operand of the other truth skips
                // the rest and only the last one jumps to `target`.
                let decides = (b.op == ast::BoolOp::Or) == when;
                let skip = u.new_label();
                for v in rest {
                    if decides {
                        self.jump_if(u, v, when, target)?;
                    } else {
                        self.jump_if(u, v, !when, skip)?;
                    }
                }
                self.jump_if(u, last, when, target)?;
                u.place(skip);
            }
            Expr::Compare(c)
                if c.ops.len() > 1
                    && c.comparators[..c.ops.len() - 1]
                        .iter()
                        .all(|m| self.reloadable(u, m)) =>
            {
                let skip = u.new_label();
                let mut left = &*c.left;
                for (i, (op, right)) in c.ops.iter().zip(c.comparators.iter()).enumerate() {
                    self.expr(u, left)?;
                    self.expr(u, right)?;
                    u.emit(Opcode::CompareOp, compare_op(*op) as u32);
                    if i + 1 == c.ops.len() {
                        u.emit_jump(test_jump(when), target);
                    } else {
                        u.emit_jump(Opcode::PopJumpIfFalse, if when { skip } else { target });
                    }
                    left = right;
                }
                u.place(skip);
            }
            Expr::Compare(c) if c.ops.len() > 1 => {
                // The middle operands are kept: each link's result is
                // tested by its own jump, and a false link leaves its
                // right operand behind, popped on the way out.
                let cleanup = u.new_label();
                let end = u.new_label();
                self.expr(u, &c.left)?;
                self.compare_chain(u, c, Opcode::PopJumpIfFalse, cleanup)?;
                u.emit_jump(test_jump(when), target);
                u.emit_jump(Opcode::Jump, end);
                u.place(cleanup);
                u.emit(Opcode::PopTop, 0);
                if !when {
                    u.emit_jump(Opcode::Jump, target);
                }
                u.place(end);
            }
            _ => {
                self.expr_inner(u, e)?;
                u.emit_jump(test_jump(when), target);
            }
        }
        u.loc = saved;
        Ok(())
    }

    /// The links of the chained comparison `c`, its left operand already
    /// pushed: each but the last keeps its right operand under its result
    /// and leaves by `link_jump` to `cleanup` when false; the last pushes
    /// the last link's result.
    fn compare_chain<'a>(
        &mut self,
        u: &mut Unit<'a>,
        c: &'a ast::ExprCompare,
        link_jump: Opcode,
        cleanup: Label,
    ) -> CResult<()> {
        let n = c.ops.len();
        for (i, (op, right)) in c.ops.iter().zip(c.comparators.iter()).enumerate() {
            self.expr(u, right)?;
            if i + 1 < n {
                u.emit(Opcode::Swap, 2);
                u.emit(Opcode::Copy, 2);
                u.emit(Opcode::CompareOp, compare_op(*op) as u32);
                u.emit_jump(link_jump, cleanup);
            } else {
                u.emit(Opcode::CompareOp, compare_op(*op) as u32);
            }
        }
        Ok(())
    }

    /// Whether loading `e` twice is the same as loading it once and
    /// copying: a constant, or a fast local of a function.
    fn reloadable(&self, u: &Unit<'_>, e: &Expr) -> bool {
        match e {
            Expr::Name(n) => {
                u.kind == CodeKind::Function
                    && !u.deref_index.contains_key(n.id.as_str())
                    && u.local_index.contains_key(n.id.as_str())
            }
            _ => matches!(self.constant_of(e), Ok(Some(_))),
        }
    }

    /// The constant that `e` always evaluates to, folded at compile time
    /// as CPython's AST optimizer folds it: a literal, a signed number
    /// (`-1`), or a tuple of such (`((0, 1), (1, -1))`). A folded tuple
    /// is one shared object, loaded by one `LoadConst` instead of built on
    /// every evaluation. `None` for anything else.
    fn constant_of(&self, e: &Expr) -> CResult<Option<Const>> {
        Ok(Some(match e {
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => match i.as_i64() {
                    Some(v) => Const::Int(BigInt::from(v)),
                    None => Const::Int(self.big_int_literal(n.range)?),
                },
                ast::Number::Float(f) => Const::Float(*f),
                ast::Number::Complex { .. } => return self.unsupported("complex numbers", n.range),
            },
            Expr::StringLiteral(s) => Const::Str(s.value.to_str().into()),
            Expr::BooleanLiteral(b) => Const::Bool(b.value),
            Expr::NoneLiteral(_) => Const::None,
            Expr::EllipsisLiteral(_) => Const::Ellipsis,
            Expr::UnaryOp(x)
                if matches!(x.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd)
                    && x.operand.is_number_literal_expr() =>
            {
                let negate = x.op == ast::UnaryOp::USub;
                match self.constant_of(&x.operand)? {
                    Some(Const::Int(i)) if negate => Const::Int(-i),
                    Some(Const::Float(f)) if negate => Const::Float(-f),
                    Some(c @ (Const::Int(_) | Const::Float(_))) => c,
                    _ => return Ok(None),
                }
            }
            Expr::Tuple(t) => {
                let mut items = Vec::with_capacity(t.elts.len());
                for item in &t.elts {
                    match self.constant_of(item)? {
                        Some(c) => items.push(c),
                        None => return Ok(None),
                    }
                }
                Const::Tuple(items)
            }
            _ => return Ok(None),
        }))
    }

    fn expr_inner<'a>(&mut self, u: &mut Unit<'a>, e: &'a Expr) -> CResult<()> {
        if let Some(c) = self.constant_of(e)? {
            let c = u.add_const(c);
            u.emit(Opcode::LoadConst, c);
            return Ok(());
        }
        match e {
            Expr::NumberLiteral(_)
            | Expr::StringLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => unreachable!("literals are constants"),
            Expr::Name(n) => self.load_name(u, n.id.as_str(), n.range)?,
            Expr::BinOp(b) => {
                self.expr(u, &b.left)?;
                self.expr(u, &b.right)?;
                if matches!(b.op, ast::Operator::MatMult) {
                    return self.unsupported("the '@' operator", b.range);
                }
                u.emit(Opcode::BinaryOp, binary_op(b.op) as u32);
            }
            Expr::UnaryOp(x) => {
                self.expr(u, &x.operand)?;
                let op = match x.op {
                    ast::UnaryOp::USub => UnaryOp::Neg,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                };
                u.emit(Opcode::UnaryOp, op as u32);
            }
            Expr::BoolOp(b) => {
                let end = u.new_label();
                let jump = match b.op {
                    ast::BoolOp::And => Opcode::JumpIfFalseOrPop,
                    ast::BoolOp::Or => Opcode::JumpIfTrueOrPop,
                };
                for (i, v) in b.values.iter().enumerate() {
                    self.expr(u, v)?;
                    if i + 1 < b.values.len() {
                        u.emit_jump(jump, end);
                    }
                }
                u.place(end);
            }
            Expr::Compare(c) => {
                self.expr(u, &c.left)?;
                let n = c.ops.len();
                if n == 1 {
                    self.expr(u, &c.comparators[0])?;
                    u.emit(Opcode::CompareOp, compare_op(c.ops[0]) as u32);
                } else {
                    let cleanup = u.new_label();
                    let end = u.new_label();
                    self.compare_chain(u, c, Opcode::JumpIfFalseOrPop, cleanup)?;
                    u.emit_jump(Opcode::Jump, end);
                    u.place(cleanup);
                    u.emit(Opcode::Swap, 2);
                    u.emit(Opcode::PopTop, 0);
                    u.place(end);
                }
            }
            Expr::If(x) => {
                let orelse = u.new_label();
                let end = u.new_label();
                self.jump_if(u, &x.test, false, orelse)?;
                self.expr(u, &x.body)?;
                u.emit_jump(Opcode::Jump, end);
                u.place(orelse);
                self.expr(u, &x.orelse)?;
                u.place(end);
            }
            Expr::Call(call) => self.call(u, call)?,
            Expr::Attribute(a) => {
                let is_super = self.zero_arg_super(u, &a.value);
                if !is_super {
                    self.expr(u, &a.value)?;
                }
                let name = u.add_name(a.attr.id.as_str());
                let op = if is_super {
                    Opcode::LoadSuperAttr
                } else {
                    Opcode::LoadAttr
                };
                u.emit(op, name);
            }
            Expr::Subscript(s) => {
                self.expr(u, &s.value)?;
                self.expr(u, &s.slice)?;
                u.emit(Opcode::BinarySubscr, 0);
            }
            Expr::List(l) if l.elts.iter().any(|e| e.is_starred_expr()) => {
                self.starred_list(u, &l.elts)?;
            }
            Expr::Tuple(t) if t.elts.iter().any(|e| e.is_starred_expr()) => {
                self.starred_list(u, &t.elts)?;
                u.emit(Opcode::ListToTuple, 0);
            }
            Expr::Set(x) if x.elts.iter().any(|e| e.is_starred_expr()) => {
                u.emit(Opcode::BuildSet, 0);
                for e in &x.elts {
                    match e {
                        Expr::Starred(s) => {
                            self.expr(u, &s.value)?;
                            u.emit(Opcode::SetUpdate, 1);
                        }
                        _ => {
                            self.expr(u, e)?;
                            u.emit(Opcode::SetAdd, 1);
                        }
                    }
                }
            }
            Expr::Set(x) => {
                self.elements(u, &x.elts)?;
                u.emit(Opcode::BuildSet, x.elts.len() as u32);
            }
            Expr::List(l) => {
                self.elements(u, &l.elts)?;
                u.emit(Opcode::BuildList, l.elts.len() as u32);
            }
            Expr::Tuple(t) => {
                self.elements(u, &t.elts)?;
                u.emit(Opcode::BuildTuple, t.elts.len() as u32);
            }
            Expr::Dict(d) if d.items.iter().any(|i| i.key.is_none()) => {
                u.emit(Opcode::BuildMap, 0);
                for item in &d.items {
                    match &item.key {
                        Some(key) => {
                            self.expr(u, key)?;
                            self.expr(u, &item.value)?;
                            u.emit(Opcode::MapAdd, 1);
                        }
                        None => {
                            self.expr(u, &item.value)?;
                            u.emit(Opcode::DictUpdate, 1);
                        }
                    }
                }
            }
            Expr::Dict(d) => {
                for item in &d.items {
                    if let Some(key) = &item.key {
                        self.expr(u, key)?;
                    }
                    self.expr(u, &item.value)?;
                }
                u.emit(Opcode::BuildMap, d.items.len() as u32);
            }
            Expr::FString(f) => self.fstring(u, f)?,
            Expr::Lambda(x) => self.lambda(u, x)?,
            Expr::Named(x) => {
                self.expr(u, &x.value)?;
                u.emit(Opcode::Copy, 1);
                self.store(u, &x.target)?;
            }
            Expr::ListComp(x) => {
                self.comprehension(u, CompKind::List, &x.generators, &x.elt, None, x.range)?
            }
            Expr::SetComp(x) => {
                self.comprehension(u, CompKind::Set, &x.generators, &x.elt, None, x.range)?
            }
            Expr::DictComp(x) => {
                let Some(key) = &x.key else {
                    return self.unsupported("dict comprehensions with '**'", x.range);
                };
                self.comprehension(
                    u,
                    CompKind::Dict,
                    &x.generators,
                    key,
                    Some(&x.value),
                    x.range,
                )?
            }
            Expr::Generator(x) => {
                self.comprehension(u, CompKind::Generator, &x.generators, &x.elt, None, x.range)?
            }
            Expr::Await(x) => return self.unsupported("'await'", x.range),
            Expr::Yield(x) => {
                if u.kind != CodeKind::Function {
                    return self.err("'yield' outside function", x.range);
                }
                match &x.value {
                    Some(v) => self.expr(u, v)?,
                    None => {
                        let none = u.add_const(Const::None);
                        u.emit(Opcode::LoadConst, none);
                    }
                }
                u.emit(Opcode::YieldValue, 0);
            }
            Expr::YieldFrom(x) => {
                if u.kind != CodeKind::Function {
                    return self.err("'yield' outside function", x.range);
                }
                self.expr(u, &x.value)?;
                u.emit(Opcode::GetIter, 0);
                let none = u.add_const(Const::None);
                u.emit(Opcode::LoadConst, none);
                let head = u.new_label();
                let exit = u.new_label();
                u.place(head);
                u.emit_jump(Opcode::Send, exit);
                u.emit(Opcode::YieldValue, 0);
                // Not a loop back-edge (`JumpBackward`): each turn resumes
                // this frame, and a resume is a safepoint already, nor is
                // there a loop for tier 2 to count (its region ends at the
                // yield). CPython's JUMP_BACKWARD_NO_INTERRUPT, likewise.
                u.emit_jump(Opcode::Jump, head);
                u.place(exit);
            }
            Expr::TString(x) => return self.unsupported("template strings", x.range),
            Expr::BytesLiteral(x) => return self.unsupported("bytes literals", x.range),
            Expr::Starred(x) => return self.unsupported("starred expressions", x.range),
            Expr::Slice(x) => self.slice_expr(u, x)?,
            Expr::IpyEscapeCommand(x) => return self.err("invalid syntax", x.range),
        }
        Ok(())
    }

    fn big_int_literal(&self, range: TextRange) -> CResult<BigInt> {
        let text: String = self.map.source[range.start().to_usize()..range.end().to_usize()]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let lower = text.to_ascii_lowercase();
        let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
            (d, 16)
        } else if let Some(d) = lower.strip_prefix("0o") {
            (d, 8)
        } else if let Some(d) = lower.strip_prefix("0b") {
            (d, 2)
        } else {
            (lower.as_str(), 10)
        };
        match BigInt::parse_bytes(digits.as_bytes(), radix) {
            Some(b) => Ok(b),
            None => self.err("invalid integer literal", range),
        }
    }

    fn elements<'a>(&mut self, u: &mut Unit<'a>, elts: &'a [Expr]) -> CResult<()> {
        for e in elts {
            if let Expr::Starred(s) = e {
                return self.unsupported("starred expressions", s.range);
            }
            self.expr(u, e)?;
        }
        Ok(())
    }

    /// `lower:upper:step` (only valid in a subscript; the parser makes
    /// sure of that): a slice object.
    fn slice_expr<'a>(&mut self, u: &mut Unit<'a>, sl: &'a ast::ExprSlice) -> CResult<()> {
        for part in [&sl.lower, &sl.upper] {
            match part {
                Some(e) => self.expr(u, e)?,
                None => {
                    let none = u.add_const(Const::None);
                    u.emit(Opcode::LoadConst, none);
                }
            }
        }
        match &sl.step {
            Some(step) => {
                self.expr(u, step)?;
                u.emit(Opcode::BuildSlice, 3);
            }
            None => u.emit(Opcode::BuildSlice, 2),
        }
        Ok(())
    }

    /// A list built from elements some of which are starred (`[*xs, y]`).
    fn starred_list<'a>(&mut self, u: &mut Unit<'a>, elts: &'a [Expr]) -> CResult<()> {
        u.emit(Opcode::BuildList, 0);
        for e in elts {
            match e {
                Expr::Starred(s) => {
                    self.expr(u, &s.value)?;
                    u.emit(Opcode::ListExtend, 1);
                }
                _ => {
                    self.expr(u, e)?;
                    u.emit(Opcode::ListAppend, 1);
                }
            }
        }
        Ok(())
    }

    /// A call with `*` or `**` arguments: `callable, args list, kwargs
    /// dict` → `CallEx`.
    fn call_ex<'a>(&mut self, u: &mut Unit<'a>, call: &'a ast::ExprCall) -> CResult<()> {
        self.expr(u, &call.func)?;
        let args = &call.arguments;
        self.starred_list(u, &args.args)?;
        if args.keywords.is_empty() {
            u.emit(Opcode::CallEx, 0);
            return Ok(());
        }
        u.emit(Opcode::BuildMap, 0);
        for k in args.keywords.iter() {
            match &k.arg {
                Some(name) => {
                    let c = u.add_const(Const::Str(name.id.as_str().into()));
                    u.emit(Opcode::LoadConst, c);
                    self.expr(u, &k.value)?;
                    u.emit(Opcode::BuildMap, 1);
                    u.emit(Opcode::DictMerge, 1);
                }
                None => {
                    self.expr(u, &k.value)?;
                    u.emit(Opcode::DictMerge, 1);
                }
            }
        }
        u.emit(Opcode::CallEx, 1);
        Ok(())
    }

    fn call<'a>(&mut self, u: &mut Unit<'a>, call: &'a ast::ExprCall) -> CResult<()> {
        if call.arguments.args.iter().any(|a| a.is_starred_expr())
            || call.arguments.keywords.iter().any(|k| k.arg.is_none())
        {
            return self.call_ex(u, call);
        }
        let is_method = matches!(&*call.func, Expr::Attribute(_));
        if let Expr::Attribute(a) = &*call.func {
            let is_super = self.zero_arg_super(u, &a.value);
            if !is_super {
                self.expr(u, &a.value)?;
            }
            let saved = self.set_loc(u, a.range);
            let name = u.add_name(a.attr.id.as_str());
            let op = if is_super {
                Opcode::LoadSuperMethod
            } else {
                Opcode::LoadMethod
            };
            u.emit(op, name);
            u.loc = saved;
        } else {
            self.expr(u, &call.func)?;
            // `super()` used as a value: `super(__class__, self)`.
            if self.implicit_super_operands(u, call) {
                u.emit(Opcode::Call, 2);
                return Ok(());
            }
        }
        let args = &call.arguments;
        self.elements(u, &args.args)?;
        let mut kwnames = Vec::new();
        for k in args.keywords.iter() {
            let Some(arg) = &k.arg else {
                return self.unsupported("'**' in calls", k.range);
            };
            if kwnames
                .iter()
                .any(|n: &Const| matches!(n, Const::Str(s) if &**s == arg.id.as_str()))
            {
                return self.err(format!("keyword argument repeated: {}", arg.id), k.range);
            }
            self.expr(u, &k.value)?;
            kwnames.push(Const::Str(arg.id.as_str().into()));
        }
        let n = (args.args.len() + kwnames.len()) as u32;
        let op = if kwnames.is_empty() {
            if is_method {
                Opcode::CallMethod
            } else {
                Opcode::Call
            }
        } else {
            let c = u.add_const(Const::Tuple(kwnames));
            u.emit(Opcode::LoadConst, c);
            if is_method {
                Opcode::CallMethodKw
            } else {
                Opcode::CallKw
            }
        };
        u.emit(op, n);
        Ok(())
    }

    /// For `super()` (no arguments) inside a method, emits `__class__,
    /// first argument` and returns true: the caller then looks the
    /// attribute up with `LoadSuperMethod`/`LoadSuperAttr`.
    fn zero_arg_super(&self, u: &mut Unit<'_>, e: &Expr) -> bool {
        let Expr::Call(c) = e else { return false };
        self.implicit_super_operands(u, c)
    }

    /// For a call `super()` with no arguments inside a method (`super`
    /// not a local), emits the implicit operands `__class__, first
    /// argument` and returns true.
    fn implicit_super_operands(&self, u: &mut Unit<'_>, c: &ast::ExprCall) -> bool {
        let Expr::Name(n) = &*c.func else {
            return false;
        };
        if n.id.as_str() != "super"
            || !c.arguments.args.is_empty()
            || !c.arguments.keywords.is_empty()
            || u.kind != CodeKind::Function
            || u.varnames.is_empty()
            || u.local_index.contains_key("super")
        {
            return false;
        }
        let Some(&class_cell) = u.deref_index.get("__class__") else {
            return false;
        };
        u.emit(Opcode::LoadDeref, class_cell);
        u.emit(Opcode::LoadFast, 0);
        true
    }

    /// Pushes the pieces of an f-string (or of a format spec inside one);
    /// returns how many strs it pushed.
    fn fstring_elements<'a>(
        &mut self,
        u: &mut Unit<'a>,
        elements: &'a ast::InterpolatedStringElements,
    ) -> CResult<u32> {
        let mut count = 0;
        for element in elements.iter() {
            match element {
                ast::InterpolatedStringElement::Literal(lit) => {
                    let c = u.add_const(Const::Str(lit.value.clone()));
                    u.emit(Opcode::LoadConst, c);
                    count += 1;
                }
                ast::InterpolatedStringElement::Interpolation(x) => {
                    if let Some(debug) = &x.debug_text {
                        let range = x.expression.range();
                        let text = self
                            .map
                            .source
                            .get(range.start().to_usize()..range.end().to_usize())
                            .unwrap_or("");
                        let label = format!("{}{}{}", debug.leading(), text, debug.trailing());
                        let c = u.add_const(Const::Str(label.into()));
                        u.emit(Opcode::LoadConst, c);
                        count += 1;
                    }
                    self.expr(u, &x.expression)?;
                    let mut conversion = match x.conversion {
                        ast::ConversionFlag::None => 0,
                        ast::ConversionFlag::Repr => 1,
                        ast::ConversionFlag::Str => 2,
                        ast::ConversionFlag::Ascii => 3,
                    };
                    // `{x=}` defaults to the repr unless a spec is given.
                    if conversion == 0 && x.debug_text.is_some() && x.format_spec.is_none() {
                        conversion = 1;
                    }
                    if let Some(spec) = &x.format_spec {
                        let n = self.fstring_elements(u, &spec.elements)?;
                        match n {
                            0 => {
                                let c = u.add_const(Const::Str("".into()));
                                u.emit(Opcode::LoadConst, c);
                            }
                            1 => {}
                            n => u.emit(Opcode::BuildString, n),
                        }
                        conversion |= FORMAT_WITH_SPEC;
                    }
                    u.emit(Opcode::FormatValue, conversion);
                    count += 1;
                }
            }
        }
        Ok(count)
    }

    fn fstring<'a>(&mut self, u: &mut Unit<'a>, f: &'a ast::ExprFString) -> CResult<()> {
        let mut count = 0;
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(lit) => {
                    if !lit.value.is_empty() {
                        let c = u.add_const(Const::Str(lit.value.clone()));
                        u.emit(Opcode::LoadConst, c);
                        count += 1;
                    }
                }
                ast::FStringPart::FString(fs) => {
                    count += self.fstring_elements(u, &fs.elements)?;
                }
            }
        }
        if count == 1 {
            // A lone literal or value is already a str.
            if let Some(Instr {
                op: Opcode::LoadConst,
                ..
            }) = u.instrs.last()
            {
                return Ok(());
            }
        }
        u.emit(Opcode::BuildString, count);
        Ok(())
    }
}

impl Unit<'_> {
    fn emit(&mut self, op: Opcode, arg: u32) {
        self.instrs.push(Instr { op, arg });
        self.locs.push(self.loc);
        self.handler_of.push(self.handlers.last().copied());
    }

    fn emit_jump(&mut self, op: Opcode, label: Label) {
        self.emit(op, label as u32);
    }

    fn new_label(&mut self) -> Label {
        self.labels.push(None);
        self.labels.len() - 1
    }

    fn place(&mut self, label: Label) {
        self.labels[label] = Some(self.instrs.len() as u32);
    }

    fn add_const(&mut self, c: Const) -> u32 {
        // Small constants are shared; code objects never are.
        let found = self.consts.iter().position(|old| match (old, &c) {
            (Const::None, Const::None) => true,
            (Const::Bool(a), Const::Bool(b)) => a == b,
            (Const::Int(a), Const::Int(b)) => a == b,
            (Const::Float(a), Const::Float(b)) => a.to_bits() == b.to_bits(),
            (Const::Str(a), Const::Str(b)) => a == b,
            _ => false,
        });
        match found {
            Some(i) => i as u32,
            None => {
                self.consts.push(c);
                self.consts.len() as u32 - 1
            }
        }
    }

    fn add_name(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.name_index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.into());
        self.name_index.insert(name.into(), i);
        i
    }

    fn add_local(&mut self, name: &str) {
        if !self.local_index.contains_key(name) {
            self.local_index
                .insert(name.to_string(), self.varnames.len() as u32);
            self.varnames.push(name.into());
        }
    }
}

/// The docstring of a body: its first statement, if a plain str literal.
fn docstring(body: &[Stmt]) -> Option<String> {
    match body.first()? {
        Stmt::Expr(e) => match &*e.value {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn binary_op(op: ast::Operator) -> BinaryOp {
    use ast::Operator as O;
    match op {
        O::Add => BinaryOp::Add,
        O::Sub => BinaryOp::Sub,
        O::Mult => BinaryOp::Mul,
        O::Div => BinaryOp::TrueDiv,
        O::FloorDiv => BinaryOp::FloorDiv,
        O::Mod => BinaryOp::Mod,
        O::Pow => BinaryOp::Pow,
        O::LShift => BinaryOp::LShift,
        O::RShift => BinaryOp::RShift,
        O::BitAnd => BinaryOp::And,
        O::BitOr => BinaryOp::Or,
        O::BitXor => BinaryOp::Xor,
        // Rejected by the caller before the operator is emitted.
        O::MatMult => BinaryOp::Mul,
    }
}

/// The jump that pops a test's value and jumps when its truth is `when`.
fn test_jump(when: bool) -> Opcode {
    if when {
        Opcode::PopJumpIfTrue
    } else {
        Opcode::PopJumpIfFalse
    }
}

fn compare_op(op: ast::CmpOp) -> CompareOp {
    use ast::CmpOp as C;
    match op {
        C::Eq => CompareOp::Eq,
        C::NotEq => CompareOp::Ne,
        C::Lt => CompareOp::Lt,
        C::LtE => CompareOp::Le,
        C::Gt => CompareOp::Gt,
        C::GtE => CompareOp::Ge,
        C::Is => CompareOp::Is,
        C::IsNot => CompareOp::IsNot,
        C::In => CompareOp::In,
        C::NotIn => CompareOp::NotIn,
    }
}

/// The deepest stack along every path, or `None` if some path underflows
/// or two paths reach an instruction with different depths (a compiler
/// bug): see [`crate::bytecode::stack_depths`].
fn max_stack_depth(instrs: &[Instr], table: &[ExceptionEntry]) -> Option<u32> {
    let depths = crate::bytecode::stack_depths(instrs, table)?;
    let deepest = instrs.iter().zip(&depths).filter_map(|(instr, depth)| {
        let depth = i64::from((*depth)?);
        let fall = depth + i64::from(instr.op.stack_effect(instr.arg, false));
        Some(depth.max(fall))
    });
    Some(deepest.max().unwrap_or(0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_waits_for_unfinished_input_only() {
        for unfinished in [
            "if x:\n",
            "if x: pass\n",
            "def f():\n    return 1\n",
            "for i in y:\n    i\n",
            "(1,\n",
            "x = [1,\n 2,\n",
            "\"\"\"two\n",
            "x = 1 + \\\n",
        ] {
            assert!(needs_more_input(unfinished), "{unfinished:?}");
        }
        for complete in [
            "x = 1\n",
            "f(1)\n",
            "(1,\n2)\n",
            "\"\"\"two\nlines\"\"\"\n",
            "x = = 1\n",
            "def f(:\n",
            "import sys\n",
        ] {
            assert!(!needs_more_input(complete), "{complete:?}");
        }
    }

    fn error_of(src: &str) -> CompileError {
        compile_module(src).expect_err("should not compile")
    }

    #[test]
    fn compiles_the_basics() {
        let c = compile_module("x = 1\nwhile x < 10:\n    x += 1\nprint(x)\n").unwrap();
        assert!(c.instructions.iter().any(|i| i.op == Opcode::JumpBackward));
        assert!(c.max_stack >= 2);
        assert_eq!(c.locations.len(), c.instructions.len());
    }

    #[test]
    fn unsupported_syntax_is_a_positioned_error() {
        let e = error_of("x = 1\nmatch x:\n    case 1:\n        pass\n");
        assert_eq!(e.message, "'match' is not supported yet");
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.text, "match x:");
        let e = error_of("def f():\n    nonlocal q\n");
        assert_eq!(e.message, "no binding for nonlocal 'q' found");
        let e = error_of("a, *b, *c = x\n");
        assert_eq!(e.message, "multiple starred expressions in assignment");
    }

    fn code_constants(c: &Compiled) -> Vec<&Compiled> {
        c.constants
            .iter()
            .filter_map(|k| match k {
                Const::Code(code) => Some(&**code),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_function_s_comprehensions_are_compiled_into_it() {
        let module = compile_module(
            "def f(xs, k):\n    x = 0\n    ys = [x * k for x in xs if x]\n    \
             return ys, {x: k for x in ys}, list(x for x in xs), x\n",
        )
        .unwrap();
        let f = code_constants(&module)[0];
        // The list and dict comprehensions run in `f`'s code: `k` is a
        // plain local (no cell), and their target is one hidden local
        // beside `f`'s own `x`.
        assert!(f.cellvars.is_empty(), "{:?}", f.cellvars);
        let names: Vec<&str> = f.varnames.iter().map(|n| &**n).collect();
        assert_eq!(names, ["xs", "k", "x", "ys", ".x"]);
        assert_eq!(f.comprehensions.len(), 2);
        assert_eq!(
            f.comprehensions.iter().map(|c| c.name).collect::<Vec<_>>(),
            ["<listcomp>", "<dictcomp>"]
        );
        for c in &f.comprehensions {
            let body = &f.instructions[c.start as usize..c.end as usize];
            assert_eq!(body[0].op, Opcode::ForIter);
            assert!(body.iter().any(|i| i.op == Opcode::JumpBackward));
            assert!(c.call < c.start);
        }
        // The generator expression keeps its own code.
        let nested = code_constants(f);
        assert_eq!(nested.len(), 1);
        assert_eq!(&*nested[0].name, "<genexpr>");
        // At module level a comprehension keeps its function.
        let module = compile_module("ys = [x for x in range(3)]\n").unwrap();
        assert!(module.comprehensions.is_empty());
        assert_eq!(&*code_constants(&module)[0].name, "<listcomp>");
    }

    #[test]
    fn closures_get_cells_and_free_variables() {
        let module = compile_module(
            "def f(a):\n    b = 1\n    def g():\n        return a + b\n    return g\n",
        )
        .unwrap();
        let f = code_constants(&module)[0];
        assert_eq!(f.cellvars, vec!["a".into(), "b".into()] as Vec<Box<str>>);
        assert!(f.freevars.is_empty());
        assert!(f.instructions.iter().any(|i| i.op == Opcode::StoreDeref));
        let g = code_constants(f)[0];
        assert_eq!(g.freevars, vec!["a".into(), "b".into()] as Vec<Box<str>>);
        assert!(g.instructions.iter().all(|i| i.op != Opcode::LoadGlobal));
        // A method using super() gets the class's `__class__` cell.
        let module =
            compile_module("class A:\n    def m(self):\n        return super().m()\n").unwrap();
        let body = code_constants(&module)[0];
        assert_eq!(body.cellvars, vec!["__class__".into()] as Vec<Box<str>>);
        let m = code_constants(body)[0];
        assert!(m
            .instructions
            .iter()
            .any(|i| i.op == Opcode::LoadSuperMethod));
        // Generators are flagged.
        let module = compile_module("def g():\n    yield 1\n").unwrap();
        let g = code_constants(&module)[0];
        assert!(g.flags & crate::bytecode::CodeFlags::GENERATOR != 0);
    }

    #[test]
    fn constant_tuples_and_signed_numbers_fold_to_one_load() {
        let c = compile_module("x = ((0, 1), (1, -1), -2.5, +3, 'a', None, ...)\n").unwrap();
        let ops: Vec<Opcode> = c.instructions.iter().map(|i| i.op).collect();
        assert!(!ops.contains(&Opcode::BuildTuple), "{ops:?}");
        assert!(!ops.contains(&Opcode::UnaryOp), "{ops:?}");
        let folded = c.constants.iter().find_map(|k| match k {
            Const::Tuple(items) if items.len() == 7 => Some(items),
            _ => None,
        });
        let items = folded.expect("the whole tuple is one constant");
        assert!(matches!(&items[1], Const::Tuple(pair)
            if matches!((&pair[0], &pair[1]), (Const::Int(a), Const::Int(b))
                if *a == BigInt::from(1) && *b == BigInt::from(-1))));
        assert!(matches!(items[2], Const::Float(f) if f == -2.5));
        // Anything not constant inside keeps the tuple built at run time.
        let c = compile_module("y = 1\nx = (1, y, -y)\n").unwrap();
        let ops: Vec<Opcode> = c.instructions.iter().map(|i| i.op).collect();
        assert!(ops.contains(&Opcode::BuildTuple) && ops.contains(&Opcode::UnaryOp));
    }

    #[test]
    fn tests_compile_to_jumps_and_chains_reload_simple_middles() {
        let ops_of = |src: &str| -> Vec<Opcode> {
            let module = compile_module(src).unwrap();
            code_constants(&module)[0]
                .instructions
                .iter()
                .map(|i| i.op)
                .collect()
        };
        // `0 <= r < n and not done` in a test: one comparison and one jump
        // per link, the middle operand loaded twice, no value kept.
        let ops =
            ops_of("def f(r, n, done):\n    while 0 <= r < n and not done:\n        r += 1\n");
        for kept in [
            Opcode::Swap,
            Opcode::Copy,
            Opcode::JumpIfFalseOrPop,
            Opcode::UnaryOp,
        ] {
            assert!(!ops.contains(&kept), "{kept:?} in {ops:?}");
        }
        assert_eq!(ops.iter().filter(|&&o| o == Opcode::CompareOp).count(), 2);
        // `r` twice, `n` and `done` in the test; `r` in the body.
        assert_eq!(
            ops.iter().filter(|&&o| o == Opcode::LoadFast).count(),
            4 + 1,
            "{ops:?}"
        );
        // A middle operand that may differ when evaluated again (a call)
        // is evaluated once and kept.
        let ops = ops_of("def f(r, n):\n    if 0 <= g(r) < n:\n        return 1\n");
        assert!(
            ops.contains(&Opcode::Copy) && ops.contains(&Opcode::Swap),
            "{ops:?}"
        );
        assert!(!ops.contains(&Opcode::JumpIfFalseOrPop), "{ops:?}");
        // Outside a test, a chain is still a value.
        let ops = ops_of("def f(r, n):\n    return 0 <= r < n\n");
        assert!(ops.contains(&Opcode::JumpIfFalseOrPop), "{ops:?}");
    }

    #[test]
    fn parse_errors_are_syntax_errors() {
        // CPython says "'(' was never closed" at line 1; ruff reports the
        // end of input, so this is a generic error there for now.
        let e = error_of("x = (1 +\n");
        assert_eq!(e.message, "unexpected EOF while parsing");
        let e = error_of("x = = 2\n");
        assert_eq!(e.message, "invalid syntax");
        assert_eq!(error_of("break\n").message, "'break' outside loop");
        assert_eq!(error_of("return 1\n").message, "'return' outside function");
    }

    #[test]
    fn try_finally_builds_a_consistent_table() {
        let src = "def f(xs):\n    for x in xs:\n        try:\n            if x:\n                return 1\n            continue\n        except ValueError as e:\n            break\n        finally:\n            print(x)\n    return 2\n";
        let module = compile_module(src).unwrap();
        let Const::Code(f) = module
            .constants
            .iter()
            .find(|c| matches!(c, Const::Code(_)))
            .unwrap()
        else {
            unreachable!()
        };
        assert!(!f.exception_table.is_empty());
        for e in &f.exception_table {
            assert!(e.start < e.end && (e.handler as usize) < f.instructions.len());
        }
    }
}
