//! site (in progress)
