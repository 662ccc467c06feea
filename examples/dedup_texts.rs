//! The library on in-memory texts: `cargo run --example dedup_texts`.

use neardup::{Config, Dedup, Keep};

fn main() -> neardup::Result<()> {
    let article = "Senator Elizabeth Warren said she will take a hard look at running for president \
                   after the November elections, the Boston Globe reported on Saturday.";
    let texts = vec![
        article.to_string(),
        format!("BREAKING: {article} Share this story."),
        "Stocks closed higher on Friday as investors weighed new jobs data.".to_string(),
        article.replace("Saturday", "Sunday"),
    ];
    let config = Config::builder().threshold(0.6).keep(Keep::Longest).build()?;
    let clustering = Dedup::new(config).cluster_texts(&texts)?;
    for c in &clustering.clusters {
        println!(
            "cluster: representative {} members {:?}",
            c.representative.index(),
            c.members
        );
        for (m, s) in c.members.iter().zip(&c.similarity) {
            println!("  doc {} similarity {s:.2}: {:.50}…", m.index(), texts[m.index()]);
        }
    }
    let keep = clustering.keep_mask(texts.len());
    println!("kept {} of {} documents", keep.count_ones(), texts.len());
    Ok(())
}
