//! entities tests
