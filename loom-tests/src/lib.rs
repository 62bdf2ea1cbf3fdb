//! Loom model checks live in `tests/`; this library is empty on purpose.
