//! Archive-wide warnings for `gloss check`.
