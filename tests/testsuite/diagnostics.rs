//! diagnostics tests
