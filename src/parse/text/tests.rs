use super::*;

const SEEDS: [&str; 5] = [
    include_str!("../../../seeds/000_3b4df888474cdb9e.txt"),
    include_str!("../../../seeds/001_260e7d2464b4973e.txt"),
    include_str!("../../../seeds/002_21f92beee9e420d1.txt"),
    include_str!("../../../seeds/003_ff2860a0a760750f.txt"),
    include_str!("../../../seeds/004_ed447884a5e1566c.txt"),
];

#[test]
fn dump() {
    for s in SEEDS {
        let d = parse_text(s, &ParseOverrides::default());
        println!("### title {:?}\nstandfirst {:?}\nbyline {:?}", d.title, d.standfirst, d.byline);
        for b in &d.blocks {
            let t = d.block_text(b);
            println!("  {:>3} {:?} {}", b.source_line, b.kind, t.chars().take(70).collect::<String>());
        }
        for r in &d.removed {
            println!("  -{:>3} {:?} {}", r.line, r.reason, r.text);
        }
    }
}
