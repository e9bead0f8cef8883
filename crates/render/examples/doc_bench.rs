//! Times the PDF writer on a capitalisation sheet of 2–3 pages with one picture (the sample of
//! the document tests).
//!
//! ```sh
//! cargo run --release -p partinnov-render --example doc_bench            # 50 PDFs, ms per PDF
//! cargo run --release -p partinnov-render --example doc_bench -- 200     # 200 PDFs
//! cargo run --release -p partinnov-render --example doc_bench -- --zip 1000 [--threads 2]
//! cargo run --release -p partinnov-render --example doc_bench -- --write DIR   # sheet.{pdf,docx,odt}
//! ```
//!
//! `--zip N` writes N PDFs into one ZIP in memory, as the background export of a workspace's
//! sheets does, and reports the total time and the peak memory of the process (`VmHWM`).

#[path = "../tests/common/sample_document.rs"]
mod sample_document;

use std::io::{Cursor, Write};
use std::time::Instant;

use partinnov_render::document::{DocFormat, Document, write};

/// 700 words, 20 table rows and the matrix: three A4 pages.
fn document(i: usize) -> Document {
    let mut doc = sample_document::sheet(700, 20, true);
    doc.title = format!("{} (n° {i})", doc.title);
    doc
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn pdf(doc: &Document) -> Vec<u8> {
    match write(doc, DocFormat::Pdf) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot write the PDF: {e}");
            std::process::exit(1);
        }
    }
}

/// Page objects in a PDF written by krilla (`/Type/Page`, not `/Type/Pages`).
fn page_count(pdf: &[u8]) -> usize {
    pdf.windows(11)
        .filter(|w| w.starts_with(b"/Type/Page") && w[10] != b's')
        .count()
}

fn single(n: usize) {
    let warm = pdf(&document(0));
    let pages = page_count(&warm);
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let doc = document(i);
        let start = Instant::now();
        let bytes = pdf(&doc);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(bytes);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / n as f64;
    println!(
        "{n} PDFs of {} KB ({} pages), one thread: mean {mean:.1} ms, median {:.1} ms, max {:.1} ms per PDF; peak RSS {:.0} MB",
        warm.len() / 1024,
        pages,
        times[n / 2],
        times[n - 1],
        peak_rss_mb().unwrap_or(f64::NAN)
    );
}

fn zip(n: usize, threads: usize) {
    let start = Instant::now();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>)>(threads * 2);
    std::thread::scope(|s| {
        for t in 0..threads {
            let tx = tx.clone();
            s.spawn(move || {
                for i in (t..n).step_by(threads) {
                    if tx.send((i, pdf(&document(i)))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for (i, bytes) in rx {
            let name = format!("fiche-{i:04}.pdf");
            if zip
                .start_file(name, options)
                .and_then(|()| Ok(zip.write_all(&bytes)?))
                .is_err()
            {
                eprintln!("cannot add to the ZIP");
                std::process::exit(1);
            }
        }
    });
    let bytes = match zip.finish() {
        Ok(c) => c.into_inner(),
        Err(e) => {
            eprintln!("cannot finish the ZIP: {e}");
            std::process::exit(1);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} PDFs into a ZIP of {:.1} MB with {threads} thread(s): {secs:.1} s ({:.1} ms per sheet); peak RSS {:.0} MB",
        bytes.len() as f64 / 1_048_576.0,
        secs * 1000.0 / n as f64,
        peak_rss_mb().unwrap_or(f64::NAN)
    );
}

fn write_samples(dir: &str) {
    let doc = document(1);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("{dir}: {e}");
        std::process::exit(1);
    }
    for format in DocFormat::ALL {
        let path = std::path::Path::new(dir).join(format!("sheet.{}", format.as_str()));
        let bytes = match write(&doc, format) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{format:?}: {e}");
                std::process::exit(1);
            }
        };
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
        println!("{}", path.display());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(dir) = value("--write") {
        write_samples(&dir);
    } else if let Some(n) = value("--zip") {
        let n = n.parse().unwrap_or(1000);
        let threads = value("--threads").and_then(|t| t.parse().ok()).unwrap_or(1);
        zip(n, threads);
    } else {
        let n = args
            .first()
            .and_then(|a| a.parse().ok())
            .unwrap_or(50)
            .max(1);
        single(n);
    }
}
