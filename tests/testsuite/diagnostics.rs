//! diagnostics tests

use crate::support::Archive;

#[test]
fn a_broken_annotation_file_is_the_only_error_reported() {
    // Seed 001 and 003 link to 000; breaking 000's annotation must not make those links
    // errors too.
    let archive = Archive::seeds().edit("seeds/000_3b4df888474cdb9e.toml", |text| {
        text.replacen("[article]", "[article\n", 1)
    });
    let (code, stderr) = archive.build_err();
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("error:").count(), 2, "{stderr}"); // the error and the summary line
    assert!(
        stderr.contains("seeds/000_3b4df888474cdb9e.toml:"),
        "{stderr}"
    );
    assert!(!stderr.contains("unknown article"), "{stderr}");
}
