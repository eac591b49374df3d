use newsdesk::corpus;
fn rss() -> String {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    let c = corpus::load(std::path::Path::new(&dir)).unwrap();
    println!("{:.1}s after load: {}", t.elapsed().as_secs_f64(), rss());
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) };
    println!("{:.1}s after collect: {}", t.elapsed().as_secs_f64(), rss());
    let copies: Vec<corpus::Article> = c.iter().cloned().collect();
    println!("{:.1}s after clone: {}", t.elapsed().as_secs_f64(), rss());
    drop(c);
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) };
    println!(
        "{:.1}s after drop of the original + 3 s: {} ({} articles)",
        t.elapsed().as_secs_f64(),
        rss(),
        copies.len()
    );
}
