//! seeds tests
